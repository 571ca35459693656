"""Batched handling: several chats' head rows in one transaction, failures isolated."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from bot.inbox_worker import InboxWorker
from core.clock import FixedClock
from core.model import Lane
from core.replies import Reply
from handlers.inbound import Inbound
from storage.inbox import NewUpdate, store_updates
from storage.tables import InboxRow, OutboxRow

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


def _convert(row: InboxRow) -> Inbound:
    return Inbound(channel="telegram", chat_id=row.payload["chat"], chat_type="private",
                   kind="text", source_key=row.update_id, user_id=row.payload["chat"],
                   text=row.payload["text"])


async def _all(sf, model):  # noqa: ANN001, ANN202
    async with sf() as s:
        return list((await s.execute(select(model).order_by(model.id))).scalars())


async def test_a_row_failing_mid_batch_costs_one_attempt_and_nothing_else(sf) -> None:  # noqa: ANN001
    calls: list[str] = []

    class Handler:
        async def handle(self, inbound: Inbound, store, now) -> None:  # noqa: ANN001
            calls.append(inbound.text)
            await store.enqueue("telegram", inbound.chat_id, Reply("help.text"),
                                lane=Lane.INTERACTIVE, locale="zh_CN", person_id=None, now=now)
            if inbound.text == "boom":
                raise RuntimeError("handler bug")

    d = InboxWorker(sf, FixedClock(T0), {"telegram": _convert}, Handler(), workers=16,
                    max_attempts=3, retry_base=1.0, default_locale="zh_CN")
    chats = [f"c{i}" for i in range(6)]
    await store_updates(sf, "telegram", "1", [
        NewUpdate(str(i), f"telegram:{c}", {"chat": c, "text": "boom" if c == "c3" else c})
        for i, c in enumerate(chats)], T0)
    await d.drain()

    rows = await _all(sf, InboxRow)
    assert [(r.payload["chat"], r.status, r.attempts) for r in rows] == [
        (c, "pending" if c == "c3" else "done", 1 if c == "c3" else 0) for c in chats]
    # The failing row's rolled-back batch left no reply behind: one per handled row.
    assert sorted(o.chat_id for o in await _all(sf, OutboxRow)) == [c for c in chats if c != "c3"]
    # Rows handled before it in the failed batch were handled again; the failing row was
    # tried twice (in the batch, then leading its own attempt) and counted once.
    assert calls.count("boom") == 2
    assert d.handled == 5


async def test_a_batch_shares_one_transaction_and_prefetches(sf) -> None:  # noqa: ANN001
    stores = []

    class First:
        async def handle(self, inbound: Inbound, store, now) -> None:  # noqa: ANN001
            stores.append(store)
            conv = await store.load_conversation(inbound.channel, inbound.chat_id)
            conv.goto("idle", "seen")
            ident = await store.upsert_identity(inbound.channel, inbound.user_id,
                                                inbound.chat_id, username=None,
                                                display_name=None, now=now)
            assert ident.id
            assert await store.recent_inbound(inbound.chat_key, T0) == 1
            await store.save_conversation(conv, now)

    d = InboxWorker(sf, FixedClock(T0), {"telegram": _convert}, First(), workers=16,
                    max_attempts=3, retry_base=1.0, default_locale="zh_CN")
    await store_updates(sf, "telegram", "1", [
        NewUpdate(str(i), f"telegram:u{i}", {"chat": f"u{i}", "text": "x"}) for i in range(5)],
        T0)
    await d.drain()
    assert len(stores) == 5 and len({id(s) for s in stores}) == 1
    assert {r.status for r in await _all(sf, InboxRow)} == {"done"}
    # The second message of each chat: identities and conversations exist now.
    await store_updates(sf, "telegram", "1", [
        NewUpdate(str(10 + i), f"telegram:u{i}", {"chat": f"u{i}", "text": "y"})
        for i in range(5)], T0)

    class Again:
        async def handle(self, inbound: Inbound, store, now) -> None:  # noqa: ANN001
            conv = await store.load_conversation(inbound.channel, inbound.chat_id)
            assert conv.step == "seen"
            ident = await store.upsert_identity(inbound.channel, inbound.user_id,
                                                inbound.chat_id, username="n",
                                                display_name=None, now=now)
            assert ident.external_id == inbound.user_id
            assert await store.recent_inbound(inbound.chat_key, T0) == 2

    d.handler = Again()
    await d.drain()
    assert {r.status for r in await _all(sf, InboxRow)} == {"done"}
