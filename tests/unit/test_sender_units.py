"""The sender's pure rules: which replies are plain, keyboards, merging, the token bucket."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

import pytest

import bot.rate_limits as sender_mod
from bot.rate_limits import TokenBucket
from bot.sender import OutboxSender
from bot.sender_merge import MERGE_LIMIT, _is_plain, _keyboard_kind
from core.clock import FixedClock
from core.replies import Button, Reply
from storage.outbox import Outgoing

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


def _out(row_id: int, text: str = "", *, lane: int = 1, buttons: tuple = (),
         **reply: Any) -> Outgoing:
    d = Reply("help.text", {"text": text or f"t{row_id}"}, buttons=buttons).to_dict() | reply
    return Outgoing(id=row_id, channel="telegram", chat_id="5", person_id=None, lane=lane,
                    reply=d, locale="zh_CN", attempts=0)


def _kb(label: str = "b.done", action: str = "step:write:3", **params: Any) -> tuple:
    return ((Button(label, action, params),),)


class _Texts:
    def render_text(self, row: Outgoing) -> str:
        return row.reply["params"]["text"]


def _merge(*rows: Outgoing) -> tuple[list[int], str | None]:
    sender = OutboxSender(None, FixedClock(NOW), {"telegram": _Texts()}, global_rate=30,
                          per_chat_rate=1, concurrency=1, max_attempts=3, default_locale="zh_CN")
    group, merged = sender._merge(list(rows))
    return [r.id for r in group], merged


@pytest.mark.parametrize(("reply", "plain"), [
    ({}, True),
    ({"kind": "message", "edit_of": None, "attachments": []}, True),
    ({"kind": "callback_answer"}, False),
    ({"edit_of": "17"}, False),
    ({"attachments": [{"file": "a.png"}]}, False),
])
def test_is_plain(reply: dict, plain: bool) -> None:
    row = _out(1)
    row = Outgoing(**{**row.__dict__, "reply": {"key": "k", **reply}})
    assert _is_plain(row) is plain


def test_keyboard_kind_ignores_only_the_step_version() -> None:
    assert _keyboard_kind(_out(1)) is None
    assert _keyboard_kind(_out(1, buttons=_kb(n=1))) == (
        ("b.done", repr([("n", 1)]), "step:write"),)
    assert _keyboard_kind(_out(1, buttons=_kb())) == _keyboard_kind(
        _out(2, buttons=_kb(action="step:write:4")))
    assert _keyboard_kind(_out(1, buttons=_kb())) != _keyboard_kind(_out(2, buttons=_kb("b.x")))
    assert _keyboard_kind(_out(1, buttons=_kb(n=1))) != _keyboard_kind(
        _out(2, buttons=_kb(n=2)))


def test_plain_replies_of_one_lane_are_merged_until_the_first_other() -> None:
    assert _merge(_out(1, "a")) == ([1], None)
    assert _merge(_out(1, "a"), _out(2, "b"), _out(3, "c")) == ([1, 2, 3], "a\n\nb\n\nc")
    assert _merge(_out(1, "a"), _out(2, "b"), _out(3, "c", edit_of="9"), _out(4, "d")) == (
        [1, 2], "a\n\nb")
    assert _merge(_out(1, "a"), _out(2, "b"), _out(3, "c", lane=2)) == ([1, 2], "a\n\nb")
    assert _merge(_out(1, "a"), _out(2, "b", lane=2)) == ([1], None)
    assert _merge(_out(1, "a", edit_of="9"), _out(2, "b"), _out(3, "c")) == ([1], None)
    assert _merge(_out(1, "a", kind="callback_answer"), _out(2, "b")) == ([1], None)


def test_a_keyboard_ends_the_group_unless_shown_again_later() -> None:
    kb, other = _kb(), _kb("b.other")
    # asked again (even in a later step version): the first keyboard is superseded
    assert _merge(_out(1, "a", buttons=kb), _out(2, "b", buttons=_kb(action="step:write:4")),
                  _out(3, "c")) == ([1, 2], "a\n\nb")
    assert _merge(_out(1, "a", buttons=kb), _out(2, "b"), _out(3, "c", buttons=kb),
                  _out(4, "d")) == ([1, 2, 3], "a\n\nb\n\nc")
    # never shown again, or another keyboard comes first: nothing after it joins
    assert _merge(_out(1, "a", buttons=kb), _out(2, "b", buttons=other)) == ([1], None)
    assert _merge(_out(1, "a"), _out(2, "b", buttons=kb), _out(3, "c")) == ([1, 2], "a\n\nb")
    assert _merge(_out(1, "a"), _out(2, "b", buttons=kb), _out(3, "c", buttons=other),
                  _out(4, "d", buttons=kb)) == ([1, 2], "a\n\nb")


def test_the_merged_text_stays_within_merge_limit() -> None:
    assert MERGE_LIMIT == 3500
    half = MERGE_LIMIT // 2 - 2  # each text counts 2 separator characters
    assert _merge(_out(1, "a" * half), _out(2, "b" * half), _out(3, "c")) == (
        [1, 2], "a" * half + "\n\n" + "b" * half)
    assert _merge(_out(1, "a" * half), _out(2, "b" * (half + 1))) == ([1], None)
    assert _merge(_out(1, "a" * (MERGE_LIMIT - 1)), _out(2, "b")) == ([1], None)


def test_the_sender_paces_with_a_small_burst_and_the_chat_interval() -> None:
    def make(rate: float, per_chat: float) -> OutboxSender:
        return OutboxSender(None, FixedClock(NOW), {}, global_rate=rate, per_chat_rate=per_chat,
                            concurrency=1, max_attempts=3, default_locale="zh_CN")
    s = make(30, 4)
    assert (s.bucket.rate, s.bucket.capacity, s.bucket.tokens, s.chat_interval) == (
        30, 3.0, 3.0, 0.25)
    assert make(5, 1).bucket.capacity == 1.0


def test_token_bucket_capacity() -> None:
    assert TokenBucket(0.5).capacity == 1.0
    assert (TokenBucket(5).capacity, TokenBucket(5).tokens) == (5, 5)
    assert TokenBucket(5, burst=2).capacity == 2
    assert TokenBucket(5, burst=0.5).capacity == 0.5


async def test_token_bucket_refills_at_its_rate_up_to_capacity(monkeypatch) -> None:  # noqa: ANN001
    clock = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        assert len(slept) < 10, "acquire() does not converge"
        slept.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(sender_mod, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(sender_mod, "asyncio", SimpleNamespace(sleep=sleep))
    bucket = TokenBucket(4, burst=2)
    await bucket.acquire()
    await bucket.acquire()
    assert (bucket.tokens, slept) == (0, [])
    await bucket.acquire()  # empty: waits for one token at 4/s
    assert (bucket.tokens, slept, bucket.stamp) == (0, [0.25], 100.25)
    clock[0] += 0.125  # half a token
    await bucket.acquire()
    assert (bucket.tokens, slept) == (0, [0.25, 0.125])
    clock[0] += 10  # far more than the capacity
    for _ in range(2):
        await bucket.acquire()
    assert (bucket.tokens, slept) == (0, [0.25, 0.125])
    await bucket.acquire()
    assert slept == [0.25, 0.125, 0.25]
