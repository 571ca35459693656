"""Sealed replies in the outbox sender against the fake Bot API, beyond a plain delivery
(tests/integration/test_sealed_and_redacted.py): a flood's merged message that includes
one is sealed whole (its rows scrubbed once sent); one that dies (400) or cannot reach its chat (403) keeps only its
remains and its error's type; its keyboard is not cached. Each beside a control that
keeps what it had, so the search is shown to find what exists."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from core.model import Lane
from core.replies import SEALED_KEY, Button, Reply
from storage.store import SqlStore
from storage.tables import AuditLog, OutboxRow
from tests.integration.test_outbox_sender import ADMIN_CHAT, NOW, _until, rig  # noqa: F401
from tests.integration.test_sealed_and_redacted import _dump
from tests.support.fake_bot_api import FakeBotAPI

REMAINS = {"key": SEALED_KEY, "sealed": True, "kind": "message", "edit_of": None}


def _reply(tag: str, sealed: bool = False, button: bool = False) -> Reply:
    buttons = ((Button("button.plain", "xq:rtp:a:0", {"label": f"{tag}L"}),),) if button else ()
    return Reply("error.unknown_command", {"command": f"{tag}P"}, buttons, sealed=sealed)


async def _enqueue(sf, chat: int, *replies: Reply) -> None:  # noqa: ANN001
    """In one transaction: the sender sees them together (a flood)."""
    async with sf() as s, s.begin():
        store = SqlStore(s)  # one store: its rows are inserted in order at the commit
        for r in replies:
            await store.enqueue("telegram", str(chat), r, lane=Lane.INTERACTIVE,
                                      locale="zh_CN", person_id=None, now=NOW)


def _of(rows: list[OutboxRow], chat: int) -> list[OutboxRow]:
    return [r for r in rows if r.chat_id == str(chat)]


def _where(dump: dict[str, str], logged: str, tag: str) -> set[str]:
    return {name for name, text in dump.items() if tag in text} | \
        ({"log"} if tag in logged else set())


async def test_a_merged_message_with_a_sealed_reply_is_sealed_whole_and_its_keyboard_not_cached(
        sf, db_url: str, rig, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    api, sender = rig
    await _enqueue(sf, 100, _reply("CONTROLm1"), _reply("SEALEDm", sealed=True),
                   _reply("CONTROLm2"))
    await _enqueue(sf, 101, _reply("CONTROLn1"), _reply("CONTROLn2"))  # all plain: kept
    await _enqueue(sf, 102, _reply("SEALEDk", sealed=True, button=True))
    await _enqueue(sf, 103, _reply("CONTROLk", button=True))
    rows = await _until(sf, lambda rs: all(r.status == "sent" for r in rs))
    (merged,) = [c for c in api.sent(100) if c.ok]
    assert all(f"{t}P" in merged.params["text"] for t in ("CONTROLm1", "SEALEDm", "CONTROLm2"))
    (keyboard,) = [c for c in api.sent(102) if c.ok]
    assert keyboard.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "SEALEDkL"
    # Sent, the sealed message's rows keep no chat (the plain ones merged into it with
    # them; docs/decisions/0023): nothing counts a person's steps; the plain chats' stay.
    assert _of(rows, 100) == [] and _of(rows, 102) == []
    scrubbed = [r for r in rows if r.chat_id == "-"]
    assert len(scrubbed) == 4 and all(
        (r.reply, r.person_id, r.message_id, r.channel, r.status) ==
        ({"sealed": True}, None, None, "-", "sent") for r in scrubbed)
    assert [r.reply["params"]["command"] for r in _of(rows, 101)] == ["CONTROLn1P", "CONTROLn2P"]
    assert [r.reply["params"]["command"] for r in _of(rows, 103)] == ["CONTROLkP"]
    cached = repr(sender.channels["telegram"]._keyboards)
    assert "SEALEDk" not in cached and "CONTROLkL" in cached
    dump, logged = await _dump(db_url), caplog.text
    # The plain replies merged with the sealed one went with it: one message, one fate.
    for tag in ("SEALEDm", "CONTROLm1", "CONTROLm2", "SEALEDk"):
        assert _where(dump, logged, tag) == set(), tag
    for tag in ("CONTROLn1", "CONTROLn2", "CONTROLk"):
        assert _where(dump, logged, tag) == {"outbox"}, tag


async def test_a_sealed_reply_that_dies_or_cannot_reach_its_chat_keeps_only_its_remains(
        sf, db_url: str, rig, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    api: FakeBotAPI = rig[0]
    for chat, tag in ((110, "SEALEDd"), (111, "CONTROLd")):  # a refusal quoting the input
        api.inject("sendMessage", 400, chat_id=chat,
                   description=f"Bad Request: can't parse entities near {tag}Q")
    for chat in (112, 113):
        api.block(chat)
    await _enqueue(sf, 110, _reply("SEALEDd", sealed=True))
    await _enqueue(sf, 111, _reply("CONTROLd"))
    await _enqueue(sf, 112, _reply("SEALEDu", sealed=True))
    await _enqueue(sf, 113, _reply("CONTROLu"))
    rows = await _until(sf, lambda rs: len(rs) >= 6 and all(r.status != "pending" for r in rs))
    outcome = {int(r.chat_id): (r.status, r.reply, r.last_error) for r in rows}
    assert outcome[110] == ("dead", REMAINS, "Permanent: bad_text")
    assert outcome[112] == ("unreachable", REMAINS, "Unreachable")
    assert outcome[111][:2] == ("dead", _reply("CONTROLd").to_dict())
    assert "CONTROLdQ" in outcome[111][2]
    assert outcome[113][0] == "unreachable" and "blocked" in outcome[113][2]
    # Both deaths alert the admins; the alert names the row, never its text.
    alerts = [r for r in rows if r.chat_id == str(ADMIN_CHAT)]
    assert [r.reply["key"] for r in alerts] == ["admin.dead_outbox"] * 2
    async with sf() as s:
        errors = [a.detail["error"] for a in (await s.execute(
            select(AuditLog).where(AuditLog.kind == "unreachable"))).scalars()]
    assert sorted(errors) == ["Forbidden: bot was blocked by the user", "Unreachable"]
    dump, logged = await _dump(db_url), caplog.text
    for tag in ("SEALEDd", "SEALEDu"):
        assert _where(dump, logged, tag) == set()
    for tag in ("CONTROLd", "CONTROLu"):
        assert "outbox" in _where(dump, logged, tag)
