"""The inbox: de-duplication, recycled update ids, per-chat order, dead rows and alerts."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.inbox_worker import InboxWorker
from core.clock import FixedClock
from core.model import Lane
from core.replies import Reply
from handlers.inbound import Inbound
from storage.inbox import NewUpdate, store_updates
from storage.tables import InboxRow, OutboxRow
from tests.integration.test_outbox_sender import ADMIN_CHAT, _admin

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


def _upd(uid: int, chat: str, text: str) -> NewUpdate:
    return NewUpdate(str(uid), f"telegram:{chat}", {"chat": chat, "text": text})


async def _rows(sf):  # noqa: ANN001, ANN202
    async with sf() as s:
        return list((await s.execute(select(InboxRow).order_by(InboxRow.id))).scalars())


async def test_redelivery_is_ignored_but_a_recycled_id_is_kept(sf) -> None:  # noqa: ANN001
    assert await store_updates(sf, "telegram", "1", [_upd(5, "a", "x"), _upd(6, "a", "y")], T0) == 2
    # Telegram re-delivers an unconfirmed batch within 24 h: nothing new is stored.
    assert await store_updates(sf, "telegram", "1", [_upd(5, "a", "x")], T0 + timedelta(hours=1)) == 0
    # A week later ids restart at random and 6 comes back as a different update.
    later = T0 + timedelta(days=8)
    assert await store_updates(sf, "telegram", "1", [_upd(6, "b", "new")], later) == 1
    rows = await _rows(sf)
    assert [(r.update_id, r.payload["text"]) for r in rows] == [
        ("5", "x"), (f"6#{rows[1].id}", "y"), ("6", "new")]


async def test_failing_row_is_parked_dead_and_the_chat_goes_on(sf) -> None:  # noqa: ANN001
    await _admin(sf)
    clock = FixedClock(T0)
    handled: list[str] = []

    class Handler:
        async def handle(self, inbound: Inbound, store, now) -> None:  # noqa: ANN001
            if inbound.text == "boom":
                raise RuntimeError("handler bug")
            handled.append(inbound.text)
            await store.enqueue("telegram", inbound.chat_id, Reply("help.text"),
                                lane=Lane.INTERACTIVE, locale="zh_CN", person_id=None, now=now)

    def convert(row: InboxRow) -> Inbound:
        return Inbound(channel="telegram", chat_id=row.payload["chat"], chat_type="private",
                       kind="text", source_key=row.update_id, user_id="1",
                       text=row.payload["text"])

    d = InboxWorker(sf, clock, {"telegram": convert}, Handler(), workers=4, max_attempts=3,
                    retry_base=1.0, default_locale="zh_CN")
    await store_updates(sf, "telegram", "1", [_upd(1, "a", "one"), _upd(2, "a", "boom"),
                                              _upd(3, "a", "three"), _upd(4, "b", "other")], T0)
    for attempt in range(3):
        await d.drain()
        clock.at += timedelta(seconds=10)  # past the backoff
    await d.drain()
    rows = await _rows(sf)
    assert [(r.payload["text"], r.status, r.attempts) for r in rows] == [
        ("one", "done", 0), ("boom", "dead", 3), ("three", "done", 0), ("other", "done", 0)]
    assert "handler bug" in rows[1].last_error
    # Order per chat: "three" waited for "boom" to be parked; the other chat did not wait.
    assert handled.index("one") < handled.index("three")
    async with sf() as s:
        out = list((await s.execute(select(OutboxRow))).scalars())
    alerts = [o for o in out if o.chat_id == str(ADMIN_CHAT)]
    assert len(alerts) == 1 and alerts[0].reply["key"] == "admin.dead_inbox"


async def test_a_backed_off_head_blocks_only_its_own_chat(sf) -> None:  # noqa: ANN001
    clock = FixedClock(T0)
    seen: list[str] = []
    fail_once = {"x1"}

    class Handler:
        async def handle(self, inbound: Inbound, store, now) -> None:  # noqa: ANN001
            if inbound.text in fail_once:
                fail_once.discard(inbound.text)
                raise RuntimeError("transient")
            seen.append(inbound.text)

    def convert(row: InboxRow) -> Inbound:
        return Inbound(channel="telegram", chat_id=row.payload["chat"], chat_type="private",
                       kind="text", source_key=row.update_id, user_id="1",
                       text=row.payload["text"])

    d = InboxWorker(sf, clock, {"telegram": convert}, Handler(), workers=4, max_attempts=3,
                    retry_base=5.0, default_locale="zh_CN")
    await store_updates(sf, "telegram", "1", [_upd(1, "x", "x1"), _upd(2, "x", "x2"),
                                              _upd(3, "y", "y1")], T0)
    await d.drain()
    assert seen == ["y1"]  # x1 failed and is backing off; x2 must wait behind it
    clock.at += timedelta(seconds=6)
    await d.drain()
    assert seen == ["y1", "x1", "x2"]
