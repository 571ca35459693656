"""The inbox worker's loop: draining, the idle wait, wake-ups (one lost wake-up was a
real defect) and shutdown.

A temporary SQLite database (PostgreSQL in CI), a fixed clock and a handler that records
what it was given (tests/integration/inbox_worker_fakes.py); no sleeps beyond a
millisecond's polling and no timing assertions.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

import bot.inbox_worker as inbox_worker
from core.clock import FixedClock
from handlers.inbound import Inbound
from storage.store import SqlStore
from tests.integration.inbox_worker_fakes import (
    Handler,
    T0,
    _count_heads,
    _settle,
    _statuses,
    _store,
    _until,
    _worker,
)


async def test_drain_waits_for_every_batch_in_flight(sf) -> None:  # noqa: ANN001
    """Two transactions: a1 ends first, the next look finds nothing new (b1 is busy),
    and drain still waits for b1."""
    gate = asyncio.Event()
    handler = Handler(gates={"b1": gate})
    w = _worker(sf, handler, batch_size=1, transactions=2)
    real_step = w.step
    steps: list[int] = []

    async def step() -> int:
        n = await real_step()
        steps.append(n)
        if len(steps) == 2:
            gate.set()  # b1 may go on only once that look is over
        return n

    w.step = step  # type: ignore[method-assign]
    await _store(sf, "a1", "b1")
    try:
        await asyncio.wait_for(w.drain(), 5)
    finally:
        gate.set()
    assert w.handled == 2 and steps[:2] == [2, 0]


async def test_drain_starts_a_chats_next_row_while_another_chat_is_still_busy(
        sf) -> None:  # noqa: ANN001
    """b1 waits until a2 is handled: drain must not wait for every batch before looking."""
    gate = asyncio.Event()
    handler = Handler(gates={"b1": gate})

    class Releasing(Handler):
        async def handle(self, inbound: Inbound, store: SqlStore, now: datetime) -> None:
            await handler.handle(inbound, store, now)
            if inbound.text == "a2":
                gate.set()

    w = _worker(sf, Releasing(), batch_size=1, transactions=2)
    await _store(sf, "a1", "b1", "a2")
    try:
        await asyncio.wait_for(w.drain(), 5)
    finally:
        gate.set()
    assert sorted(handler.texts()) == ["a1", "a2", "b1"] and w.handled == 3


# -- the loop: the idle wait, wake-ups, shutdown ----------------------------------------------

async def test_the_idle_wait_is_half_a_second_or_50_ms_while_a_batch_is_in_flight(
        sf) -> None:  # noqa: ANN001
    gate = asyncio.Event()
    handler = Handler(gates={"a1": gate})
    w = _worker(sf, handler)
    assert w._idle_wait() == 0.5
    await _store(sf, "a1")
    await w.step()
    assert w._idle_wait() == 0.05
    gate.set()
    await _settle(w)
    assert w._idle_wait() == 0.5


async def test_the_loop_looks_once_per_wake_up_and_stops(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    limits = _count_heads(monkeypatch)
    w = _worker(sf, Handler())
    monkeypatch.setattr(w, "_idle_wait", lambda: 60.0)
    stop = asyncio.Event()
    task = asyncio.create_task(w.run(stop))
    await _until(lambda: len(limits) >= 1, "the first look")
    for _ in range(50):
        await asyncio.sleep(0)
    assert len(limits) == 1  # nothing new: no second look without a wake-up
    w.wake.set()
    await _until(lambda: len(limits) == 2, "a look after the wake-up")
    for _ in range(50):
        await asyncio.sleep(0)
    stop.set()
    w.wake.set()
    await asyncio.wait_for(task, 5)
    assert len(limits) == 2


async def test_a_wake_up_while_no_transaction_is_free_waits_for_the_batchs_end_which_looks(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """b1 is stored (and the loop woken) while a1's batch holds the one transaction: no
    look then; a1's end wakes the loop, which starts b1 at once, not after the idle wait
    (here a minute). It used to: the loop woke while a1's finished task was still
    counted as running, dropped the wake-up and looked again only after the idle wait."""
    gate = asyncio.Event()
    handler = Handler(gates={"a1": gate})
    w = _worker(sf, handler)
    monkeypatch.setattr(w, "_idle_wait", lambda: 60.0)
    real_step = w.step
    steps: list[int] = []

    async def step() -> int:
        steps.append(await real_step())
        return steps[-1]

    w.step = step  # type: ignore[method-assign]
    await _store(sf, "a1")
    stop = asyncio.Event()
    task = asyncio.create_task(w.run(stop))
    await _until(handler.entered["a1"].is_set, "a1 in flight")
    await _store(sf, "b1")
    for _ in range(3):  # as the poller wakes it for each stored batch
        w.wake.set()
        for _ in range(20):
            await asyncio.sleep(0)
    assert steps == [1]
    gate.set()
    await _until(lambda: len(steps) == 2, "a look after a1")
    await _until(lambda: w.handled == 2, "b1 handled")
    stop.set()
    w.wake.set()
    await asyncio.wait_for(task, 5)
    assert steps[:2] == [1, 1] and handler.texts() == ["a1", "b1"]


async def test_the_loop_retries_a_backed_off_row_when_due_without_a_wake_up(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    limits = _count_heads(monkeypatch)
    clock = FixedClock(T0)
    handler = Handler(fail={"a1": 1})
    done = asyncio.Event()
    w = _worker(sf, handler, clock, on_committed=lambda: done.set() if w.handled else None)
    monkeypatch.setattr(w, "_idle_wait", lambda: 0.002)
    await _store(sf, "a1")
    stop = asyncio.Event()
    task = asyncio.create_task(w.run(stop))
    try:
        await _until(lambda: w.commits == 1 and len(limits) >= 2 and not w._tasks,
                     "a1 failed and the loop looked again")
        assert len(handler.calls) == 1
        clock.at += timedelta(seconds=1)  # due now; nothing wakes the loop
        await asyncio.wait_for(done.wait(), 5)
    finally:
        stop.set()
        w.wake.set()
        await asyncio.wait_for(task, 5)
    assert await _statuses(sf) == {"a1": ("done", 1)}


async def test_shutdown_waits_for_the_batch_in_flight_and_survives_its_failure(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """Stop while a row is handled; the row fails and even recording that fails (the
    database went away): ``run`` waits for the batch, then returns without raising."""
    async def record_failure(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError("database gone")

    monkeypatch.setattr(inbox_worker, "record_failure", record_failure)
    gate = asyncio.Event()
    handler = Handler(fail={"a1": 1}, gates={"a1": gate})
    w = _worker(sf, handler, transactions=2)
    await _store(sf, "a1")
    stop = asyncio.Event()
    task = asyncio.create_task(w.run(stop))
    await _until(handler.entered["a1"].is_set, "a1 in flight")
    stop.set()
    w.wake.set()
    for _ in range(50):
        await asyncio.sleep(0)
    assert not task.done()
    gate.set()
    assert await asyncio.wait_for(task, 5) is None
    assert await _statuses(sf) == {"a1": ("pending", 0)}
