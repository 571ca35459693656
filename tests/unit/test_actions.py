"""Button payloads (core.actions) and Replies (core.replies): what a button can carry.

A payload that this bot could not have drawn must be refused as forged, never crash the
handler: a crash is retried and finally alerts the admins, so a user could page them at will.
"""
from __future__ import annotations

import pytest

from core.actions import Action, ForgedAction, Verb, decode, encode
from core.replies import MAX_CALLBACK_BYTES, Button, Reply

ARGS = ["", "0", "17", "logistics", "student_affairs", "zh_CN", "a-b.c_d", "Z" * 40]


@pytest.mark.parametrize("verb", list(Verb))
@pytest.mark.parametrize("arg", ARGS)
@pytest.mark.parametrize("version", [0, 1, 42, 10**9])
def test_every_verb_round_trips(verb: Verb, arg: str, version: int) -> None:
    payload = encode(verb, arg, version)
    assert len(payload.encode()) <= MAX_CALLBACK_BYTES
    assert decode(payload) == Action(verb, arg, version)
    assert Action(verb, arg, version).encode() == payload


def test_verbs_are_distinct_on_the_wire() -> None:
    payloads = {encode(v, "x", 3) for v in Verb}
    assert len(payloads) == len(Verb)


@pytest.mark.parametrize(
    "payload",
    [
        "x2:new::0",  # wrong prefix
        "X1:new::0",
        ":new::0",
        "x1:zzz::0",  # unknown verb
        "x1:NEW::0",
        "x1:::0",
        "x1:cat:a b:0",  # bad argument characters
        "x1:cat:<b>x</b>:0",
        "x1:cat:后勤:0",
        "x1:cat:abc\n:0",  # a trailing newline is not a valid argument
        "x1:cat:" + "a" * 41 + ":0",  # argument over 40 characters
        "x1:new::",  # version missing or not a plain number
        "x1:new::a",
        "x1:new::-1",
        "x1:new::1.5",
        "x1:new:: 1",
        "x1:new::²",  # str.isdigit() says yes, int() says no
        "x1:new::١",  # Arabic-Indic one: not a version this bot draws
        "x1:cat:" + "a" * 40 + ":" + "9" * 20,  # over 64 bytes
        "x1:cat:a:b:0",  # extra colons
        "x1:new::0:",
        "x1:new:0",  # too few parts
        "",
        "x1",
    ],
)
def test_forged_payloads_are_refused(payload: str) -> None:
    with pytest.raises(ForgedAction):
        decode(payload)


@pytest.mark.parametrize("payload", [None, 123, b"x1:new::0", ["x1", "new", "", "0"]])
def test_non_text_payloads_are_refused_as_forged(payload: object) -> None:
    with pytest.raises(ForgedAction):
        decode(payload)  # type: ignore[arg-type]


@pytest.mark.parametrize("arg", ["a:b", "a b", "后勤", "<x>", "a\n", "x" * 41, "a/b"])
def test_encode_refuses_arguments_that_would_not_decode(arg: str) -> None:
    with pytest.raises(ValueError):
        encode(Verb.CATEGORY, arg, 0)


def test_encode_refuses_a_payload_over_64_bytes() -> None:
    with pytest.raises(ValueError):
        encode(Verb.LANG, "a" * 40, 10**16)


def test_button_refuses_an_action_over_64_bytes() -> None:
    Button("button.cancel", "a" * MAX_CALLBACK_BYTES)  # exactly at the limit is fine
    with pytest.raises(ValueError):
        Button("button.cancel", "a" * (MAX_CALLBACK_BYTES + 1))
    # The limit is bytes, not characters: 22 Chinese characters are 66 bytes.
    with pytest.raises(ValueError):
        Button("button.cancel", "后" * 22)


def test_reply_round_trips_through_a_dict() -> None:
    reply = Reply(
        "intake.confirm",
        {"category": {"t": "category.logistics"}, "text": "<b>热水</b> 没有了", "files": 2},
        buttons=(
            (Button("button.submit", encode(Verb.CONFIRM, "", 4)),
             Button("button.cancel", encode(Verb.CANCEL, "", 4))),
            (Button("button.plain", encode(Verb.COLLEGE, "0", 4), {"label": "会计学院"}),),
        ),
        attachments=({"kind": "photo", "refs": {"telegram": "AgAD"}},),
        edit_of="812",
        kind="message",
        callback_id="cb-1",
    )
    assert Reply.from_dict(reply.to_dict()) == reply


def test_minimal_reply_round_trips_with_defaults() -> None:
    reply = Reply("help.text")
    d = reply.to_dict()
    assert d["kind"] == "message" and d["buttons"] == [] and d["edit_of"] is None
    assert Reply.from_dict(d) == reply
    # Rows stored before optional fields existed still load.
    assert Reply.from_dict({"key": "help.text"}) == reply


def test_reply_from_dict_refuses_a_stored_oversized_button() -> None:
    d = Reply("help.text").to_dict()
    d["buttons"] = [[{"label": "button.cancel", "action": "x" * 65}]]
    with pytest.raises(ValueError):
        Reply.from_dict(d)
