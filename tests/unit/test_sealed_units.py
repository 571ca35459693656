"""Sealed replies and redacted inbound messages, piece by piece: the stored shapes, what a
flow says, the web chat's replay memory. The whole path (outbox, senders, inbox worker)
is in tests/integration/test_sealed_and_redacted.py and test_redacted_inbox_rows.py."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.delivery import Permanent
from bot.sealing import error_text, remains
from bot.web.sender import EventHub
from core.ports import ConversationState
from core.replies import SEALED_KEY, Button, Reply, is_sealed, sealed_remains
from handlers.context import FlowContext
from handlers.inbound import Inbound
from locales import Catalog
from storage.inbox import mark_done, redacted_update_id
from storage.tables import InboxRow
from storage.outbox import Outgoing

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


def _ctx(kind: str = "callback") -> FlowContext:
    inbound = Inbound(channel="telegram", chat_id="7", chat_type="private", kind=kind,
                      source_key="telegram:1:5", user_id="7", callback_data="xq:rtp:S:0",
                      callback_id="cb-1" if kind == "callback" else None, message_id="12")
    return FlowContext(store=None, inbound=inbound,  # type: ignore[arg-type]
                       conv=ConversationState("telegram", "7"),
                       identity=None, now=NOW, config=None)  # type: ignore[arg-type]


def _row(i: int, reply: Reply) -> Outgoing:
    return Outgoing(id=i, channel="telegram", chat_id="7", person_id=None, lane=1,
                    reply=reply.to_dict(), locale="zh_CN", attempts=0)


def test_a_sealed_reply_round_trips_and_an_ordinary_one_is_stored_as_before() -> None:
    sealed = Reply("error.unknown_command", {"command": "secret"},
                   ((Button("button.plain", "xq:rtp:a:0", {"label": "secret"}),),),
                   edit_of="12", sealed=True)
    assert sealed.to_dict()["sealed"] is True and is_sealed(sealed.to_dict())
    assert Reply.from_dict(sealed.to_dict()) == sealed
    plain = Reply("help.text")
    assert "sealed" not in plain.to_dict() and not is_sealed(plain.to_dict())
    assert Reply.from_dict(plain.to_dict()).sealed is False


def test_what_a_sealed_row_keeps_is_its_kind_the_message_it_edits_and_the_placeholder() -> None:
    reply = Reply("error.unknown_command", {"command": "secret"},
                  ((Button("button.plain", "xq:rtp:secret:0", {"label": "secret"}),),),
                  attachments=({"kind": "photo", "refs": {"telegram": "secret"}},),
                  edit_of="12", sealed=True).to_dict()
    kept = sealed_remains(reply)
    assert kept == {"key": SEALED_KEY, "sealed": True, "kind": "message", "edit_of": "12"}
    assert "secret" not in repr(kept)
    toast = Reply("x", {"a": "secret"}, kind="callback_answer", callback_id="cb", sealed=True)
    assert sealed_remains(toast.to_dict())["kind"] == "callback_answer"
    for locale in ("zh_CN", "en"):
        assert Catalog.load().render(locale, SEALED_KEY)
    assert Catalog.load().render("zh_CN", SEALED_KEY) == "（已提交的问卷内容不保留）"


def test_a_group_with_one_sealed_reply_is_sealed_whole_and_its_errors_keep_their_type() -> None:
    group = [_row(1, Reply("help.text")), _row(2, Reply("help.text", sealed=True))]
    assert set(remains(group)) == {1, 2}
    assert remains([_row(1, Reply("help.text"))]) == {}
    exc = Permanent("Bad Request: secret quoted", "bad_text")
    assert error_text(group, exc, str(exc)) == "Permanent: bad_text"
    assert error_text(group, ValueError("secret"), "ValueError: secret") == "ValueError"
    assert error_text(group[:1], exc, str(exc)) == "Bad Request: secret quoted"


def test_a_flow_seals_one_reply_or_all_of_them_and_asks_for_the_inbound_to_be_redacted() -> None:
    ctx = _ctx()
    ctx.say("help.text", sealed=True, edit=True)
    ctx.say("help.text")
    ctx.toast("help.text", sealed=True)
    out = ctx.outgoing()
    assert [(r.kind, r.sealed) for r in out] == [
        ("callback_answer", True), ("message", True), ("message", False)]
    assert out[1].edit_of == "12"
    assert ctx.inbound_redacted is False
    ctx.redact_inbound()
    assert ctx.inbound_redacted is True
    whole = _ctx()
    whole.seal_replies()
    whole.say("help.text")
    whole.say_with("error.forged", {})
    assert [r.sealed for r in whole.outgoing()] == [True, True, True]  # the press's answer too


def test_a_redacted_row_keeps_only_that_it_was_a_message_and_a_hash_to_know_it_again(
        ) -> None:
    now = datetime(2026, 12, 1, 10, 17, 43, 120, tzinfo=timezone.utc)
    kept, gone = (InboxRow(channel="web", bot_id="local", update_id="41:0f9c2e7a1b3d4c5e",
                           chat_key="web:41", payload={"text": "很差", "client_id": "0f9c"},
                           received_at=now - timedelta(seconds=2), last_error="boom")
                  for _ in range(2))
    mark_done(kept, now)
    assert (kept.payload["text"], kept.chat_key, kept.update_id, kept.handled_at) == (
        "很差", "web:41", "41:0f9c2e7a1b3d4c5e", now)
    mark_done(gone, now, redact=True)
    day = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert (gone.status, gone.payload, gone.chat_key, gone.last_error) == (
        "done", {"redacted": True}, "-", None)
    assert (gone.received_at, gone.handled_at) == (day, day)
    assert gone.update_id == redacted_update_id("web", "local", "41:0f9c2e7a1b3d4c5e")
    assert re.fullmatch(r"r:[0-9a-f]{40}", gone.update_id)  # nothing of the person's id
    assert redacted_update_id("web", "local", "42:0f9c2e7a1b3d4c5e") != gone.update_id


def test_the_web_chat_replays_a_sealed_message_only_as_what_its_row_keeps() -> None:
    hub = EventHub()
    live: dict[str, Any] = {"id": 3, "kind": "message", "html": "secret"}
    kept: dict[str, Any] = {"id": 3, "kind": "message", "html": "placeholder"}
    hub.publish("web:1", live, kept)
    queue = hub.subscribe("web:1")
    assert queue.get_nowait() == kept
    hub.publish("web:1", {"id": 4, "kind": "message", "html": "plain"})
    assert queue.get_nowait()["html"] == "plain"
    again = hub.subscribe("web:1")  # a page reconnecting
    assert [again.get_nowait()["html"] for _ in range(again.qsize())] == ["placeholder", "plain"]
