"""What one look of the inbox worker starts: the rows it hands the handler, the batches
and transactions, the chats it skips, and a crash mid-handling.

A temporary SQLite database (PostgreSQL in CI), a fixed clock and a handler that records
what it was given (tests/integration/inbox_worker_fakes.py); no sleeps beyond a
millisecond's polling and no timing assertions.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import bot.inbox_worker as inbox_worker
from core.clock import FixedClock
from handlers.inbound import Inbound
from storage.store import SqlStore
from tests.integration.inbox_worker_fakes import (
    Crash,
    Handler,
    T0,
    _count_heads,
    _outbox,
    _rows,
    _settle,
    _statuses,
    _store,
    _until,
    _worker,
)


@pytest.mark.parametrize("texts", [["a1"], ["a1", "b1"]])
async def test_the_handler_gets_the_row_and_the_clocks_time_and_the_row_is_done_then(
        sf, texts: list[str]) -> None:  # noqa: ANN001
    """One row alone, or two in a batch: the same inbound, time, store and marks."""
    seen: list[tuple[Inbound, datetime]] = []

    class Recording(Handler):
        async def handle(self, inbound: Inbound, store: SqlStore, now: datetime) -> None:
            seen.append((inbound, now))
            await super().handle(inbound, store, now)

    handler = Recording()
    w = _worker(sf, handler, FixedClock(T0 + timedelta(minutes=3)))
    await _store(sf, *texts)
    await w.drain()
    rows = await _rows(sf)
    assert [(i.text, i.source_key, i.chat_id, now) for i, now in seen] == [
        (t, rows[t].update_id, t[0], T0 + timedelta(minutes=3)) for t in texts]
    assert all(isinstance(store, SqlStore) for _, store, _ in handler.calls)
    assert {t: (r.status, r.handled_at.replace(tzinfo=timezone.utc))
            for t, r in rows.items()} == {t: ("done", T0 + timedelta(minutes=3)) for t in texts}
    assert w.handled == len(texts) and w.commits == 1


async def test_one_row_at_a_time_counts_every_row(sf) -> None:  # noqa: ANN001
    handler = Handler()
    w = _worker(sf, handler)
    await _store(sf, "a1", "a2", "a3")  # one chat: one row per transaction, in order
    await w.drain()
    assert handler.groups() == [["a1"], ["a2"], ["a3"]]
    assert w.handled == 3 and w.commits == 3


async def test_a_batch_prefetches_what_its_rows_will_read(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    asked: list[dict[str, Any]] = []
    real = SqlStore.prefetch

    async def prefetch(self, **kwargs):  # noqa: ANN001, ANN003, ANN202
        asked.append(kwargs)
        await real(self, **kwargs)

    monkeypatch.setattr(SqlStore, "prefetch", prefetch)
    w = _worker(sf, Handler())
    await _store(sf, "a1", "z1", "c1")  # z1: a message without a user (a channel post)
    await w.drain()
    assert asked == [{
        "conversations": [("telegram", "a"), ("telegram", "z"), ("telegram", "c")],
        "identities": [("telegram", "u-a"), ("telegram", "u-c")],
        "recent_chat_keys": ["telegram:a", "telegram:z", "telegram:c"]}]


@pytest.mark.parametrize("texts", [["a1"], ["a1", "b1", "c1"]])
async def test_a_crash_mid_handling_leaves_the_rows_and_their_effects_undone(
        sf, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """The crash point ``mid_handling`` comes after each row's handling, before the
    commit: a crash there (at the last row) redoes every row of the transaction."""
    reached: list[tuple[str, int]] = []
    handler = Handler()

    def crash_point(name: str) -> None:
        reached.append((name, len(handler.calls)))
        if len(reached) == len(texts):
            raise Crash

    monkeypatch.setattr(inbox_worker, "crash_point", crash_point)
    w = _worker(sf, handler)
    await _store(sf, *texts)
    await w.step()
    outcomes = await asyncio.gather(*w._tasks, return_exceptions=True)
    assert [type(o) for o in outcomes] == [Crash]
    assert reached == [("mid_handling", i + 1) for i in range(len(texts))]
    assert await _statuses(sf) == {t: ("pending", 0) for t in texts}
    assert await _outbox(sf) == [] and w.handled == 0 and w.commits == 0
    monkeypatch.setattr(inbox_worker, "crash_point", lambda name: None)
    await w.drain()  # after the restart
    assert await _statuses(sf) == {t: ("done", 0) for t in texts}


# -- how much one look starts -----------------------------------------------------------------

def test_one_transaction_at_a_time_unless_told_and_batches_of_at_least_one(
        sf) -> None:  # noqa: ANN001
    assert [_worker(sf, Handler(), workers=n).transactions for n in (0, 1, 4)] == [1, 1, 1]
    assert _worker(sf, Handler(), transactions=3).transactions == 3
    assert [_worker(sf, Handler(), batch_size=n).batch_size for n in (-1, 0, 1, 5)] == [
        1, 1, 1, 5]


@pytest.mark.parametrize(("size", "groups"), [(1, [["a1"], ["b1"], ["c1"]]),
                                              (2, [["a1", "b1"], ["c1"]])])
async def test_a_batch_holds_at_most_batch_size_chats(
        sf, size: int, groups: list[list[str]]) -> None:  # noqa: ANN001
    handler = Handler()
    w = _worker(sf, handler, batch_size=size)
    await _store(sf, "a1", "b1", "c1")
    await w.drain()
    assert handler.groups() == groups


async def test_a_backed_off_head_does_not_hide_the_chats_after_it(sf) -> None:  # noqa: ANN001
    handler = Handler(fail={"a1": 1})
    w = _worker(sf, handler)
    await _store(sf, "a1")
    await w.drain()
    await _store(sf, "b1")  # a later chat, behind a1 (still backing off) in the look
    await w.drain()
    assert await _statuses(sf) == {"a1": ("pending", 1), "b1": ("done", 0)}


async def test_no_look_while_every_transaction_is_busy_and_a_busy_chat_is_skipped(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    limits = _count_heads(monkeypatch)
    gates = {t: asyncio.Event() for t in ("a1", "b1")}
    handler = Handler(gates=gates)
    w = _worker(sf, handler, batch_size=1, transactions=2)
    await _store(sf, "a1", "b1", "c1")
    assert await w.step() == 2  # a1 and b1, one transaction each
    await _until(lambda: all(e.is_set() for e in handler.entered.values()), "a1 and b1 in flight")
    assert await w.step() == 0 and limits == [2]  # no transaction free: not even a look
    gates["a1"].set()
    await _until(lambda: len(w._tasks) == 1, "a1 done")
    # b1 is still busy (its head comes first); c1 starts.
    assert await w.step() == 1 and limits == [2, 2]
    gates["b1"].set()
    await _settle(w)
    assert sorted(handler.texts()) == ["a1", "b1", "c1"]  # a1 and b1 side by side


@pytest.mark.parametrize("finishes", ["before the look", "during the look"])
async def test_a_busy_chat_finishing_around_the_look_is_neither_counted_nor_started_again(
        sf, finishes: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """a1 is in flight when the look starts and finishes before the query reads (SQLite
    then no longer shows it) or after (PostgreSQL's snapshot still shows it as the head).
    The look reads one head per free batch place and one per busy chat, starts at most a
    batch's worth, and never a1 again."""
    gate = asyncio.Event()
    handler = Handler(gates={"a1": gate})
    w = _worker(sf, handler, batch_size=2, transactions=2)
    await _store(sf, "a1")
    assert await w.step() == 1
    await _until(handler.entered["a1"].is_set, "a1 entered")
    await _store(sf, "b1", "c1", "d1")
    real = inbox_worker.pending_heads
    limits: list[int] = []

    async def finish_a1() -> None:
        gate.set()
        await _until(lambda: not w._tasks, "a1 done")

    async def pending_heads(sf_, limit: int):  # noqa: ANN001, ANN202
        limits.append(limit)
        if finishes == "before the look":
            await finish_a1()
        heads = await real(sf_, limit=limit)
        if finishes == "during the look":
            await finish_a1()
        return heads

    monkeypatch.setattr(inbox_worker, "pending_heads", pending_heads)
    assert await w.step() == 2 and limits == [3]  # 1 free x batch of 2, + 1 busy chat
    await _settle(w)
    assert handler.groups() == [["a1"], ["b1", "c1"]]
