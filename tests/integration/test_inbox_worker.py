"""The inbox worker's rules, exactly: the retry back-off, the dead row's alert, the batch
fallbacks, how many transactions and rows a look starts, the idle wait and shutdown.

A temporary SQLite database (PostgreSQL in CI), a fixed clock and a handler that records
what it was given; no sleeps beyond a millisecond's polling and no timing assertions.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select, update

import bot.inbox_worker as inbox_worker
from bot.inbox_worker import InboxWorker
from core.clock import FixedClock
from core.model import Lane
from core.replies import Reply
from handlers.inbound import Inbound
from storage.inbox import NewUpdate, store_updates
from storage.store import SqlStore
from storage.tables import InboxRow, OutboxRow
from tests.integration.test_outbox_sender import ADMIN_CHAT, _admin

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


class Bug(Exception):
    pass


class Crash(BaseException):
    """kill -9 at a crash point: nothing on the way catches it."""


def _convert(row: InboxRow) -> Inbound:
    """Chat "z" has no user (a channel's post); the others' user is "u-<chat>"."""
    chat = row.payload["chat"]
    return Inbound(channel=row.channel, chat_id=chat, chat_type="private", kind="text",
                   source_key=row.update_id, user_id=None if chat == "z" else f"u-{chat}",
                   text=row.payload["text"])


class Handler:
    """Records each call; ``fail`` texts raise ``Bug``; ``gates`` texts wait for their event
    (``entered`` is set when they start waiting); every handled row queues one reply."""

    def __init__(self, fail: dict[str, int] | None = None,
                 gates: dict[str, asyncio.Event] | None = None) -> None:
        self.fail = dict(fail or {})  # text -> how many times it fails (-1: always)
        self.gates = gates or {}
        self.entered = {text: asyncio.Event() for text in self.gates}
        self.calls: list[tuple[str, SqlStore, datetime]] = []

    async def handle(self, inbound: Inbound, store: SqlStore, now: datetime) -> None:
        self.calls.append((inbound.text, store, now))
        if inbound.text in self.gates:
            self.entered[inbound.text].set()
            await self.gates[inbound.text].wait()
        await store.enqueue(inbound.channel, inbound.chat_id, Reply("help.text"),
                            lane=Lane.INTERACTIVE, locale="zh_CN", person_id=None, now=now)
        if self.fail.get(inbound.text):
            self.fail[inbound.text] -= 1
            raise Bug(f"{inbound.text} fails")

    def texts(self) -> list[str]:
        return [text for text, _, _ in self.calls]

    def groups(self) -> list[list[str]]:
        """The texts handled together, one list per store (transaction), in order."""
        out: dict[int, list[str]] = {}
        for text, store, _ in self.calls:
            out.setdefault(id(store), []).append(text)
        return list(out.values())


def _worker(sf, handler: Handler, clock: FixedClock | None = None,  # noqa: ANN001
            **kwargs: Any) -> InboxWorker:
    committed = kwargs.pop("on_committed", None)
    kwargs = {"workers": 4, "max_attempts": 3, "retry_base": 1.0, "default_locale": "en",
              **kwargs}
    w = InboxWorker(sf, clock or FixedClock(T0), {"telegram": _convert}, handler, **kwargs)
    w.commits = 0  # type: ignore[attr-defined]

    def on_committed() -> None:
        w.commits += 1  # type: ignore[attr-defined]
        if committed:
            committed()

    w.on_committed = on_committed
    return w


_uid = iter(range(1, 10_000))


async def _store(sf, *texts: str, channel: str = "telegram") -> None:  # noqa: ANN001
    """One row per text; the chat is the text's first character ("a1", "a2": chat "a")."""
    await store_updates(sf, channel, "1", [
        NewUpdate(str(next(_uid)), f"{channel}:{t[0]}", {"chat": t[0], "text": t})
        for t in texts], T0)


async def _rows(sf) -> dict[str, InboxRow]:  # noqa: ANN001
    async with sf() as s:
        return {r.payload["text"]: r for r in (await s.execute(select(InboxRow))).scalars()}


async def _statuses(sf) -> dict[str, tuple[str, int]]:  # noqa: ANN001
    return {t: (r.status, r.attempts) for t, r in (await _rows(sf)).items()}


async def _outbox(sf) -> list[OutboxRow]:  # noqa: ANN001
    async with sf() as s:
        return list((await s.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars())


async def _settle(w: InboxWorker) -> None:
    """Wait for the batches the last step() started (and only those)."""
    while w._tasks:
        await asyncio.wait(set(w._tasks))


async def _until(cond: Callable[[], bool], what: str) -> None:
    for _ in range(5000):
        if cond():
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"never happened: {what}")


def _count_heads(monkeypatch: pytest.MonkeyPatch,
                 around: Callable[[int], Any] | None = None) -> list[int]:
    """Spy on ``pending_heads``: the ``limit`` of each call, appended when it returns."""
    real = inbox_worker.pending_heads
    limits: list[int] = []

    async def pending_heads(sf, limit: int):  # noqa: ANN001, ANN202
        heads = await real(sf, limit=limit)
        if around:
            await around(len(limits))
        limits.append(limit)
        return heads

    monkeypatch.setattr(inbox_worker, "pending_heads", pending_heads)
    return limits


# -- failures: the back-off, the error kept, the dead row's alert -----------------------------

async def test_a_failing_row_is_retried_after_exactly_base_times_2_to_the_attempts_then_parked(
        sf) -> None:  # noqa: ANN001
    await _admin(sf)
    clock = FixedClock(T0)
    long = "x" * 2500

    class LongBug(Handler):
        async def handle(self, inbound: Inbound, store: SqlStore, now: datetime) -> None:
            self.calls.append((inbound.text, store, now))
            raise Bug(long)

    handler = LongBug()
    w = _worker(sf, handler, clock, retry_base=10.0)
    await _store(sf, "a1")
    await w.drain()
    row = (await _rows(sf))["a1"]
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == T0 + timedelta(seconds=10)  # 10 * 2**0
    assert row.last_error == f"Bug: {long}"[:2000] and len(row.last_error) == 2000
    clock.at = T0 + timedelta(seconds=10) - timedelta(microseconds=1)
    await w.drain()
    assert len(handler.calls) == 1  # not due yet
    clock.at = T0 + timedelta(seconds=10)  # due at exactly that instant
    await w.drain()
    row = (await _rows(sf))["a1"]
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.next_attempt_at == clock.at + timedelta(seconds=20)  # 10 * 2**1
    clock.at += timedelta(seconds=20)
    await w.drain()
    row = (await _rows(sf))["a1"]
    assert (row.status, row.attempts) == ("dead", 3) and len(handler.calls) == 3
    clock.at += timedelta(days=1)
    await w.drain()
    assert len(handler.calls) == 3 and w.handled == 0 and w.commits == 3
    # One alert, to the admin's chat, in the default locale (the admin has none), saying
    # which row: nothing of the exception (it stays on the row for `bot status`).
    alert, = await _outbox(sf)
    assert (alert.chat_id, alert.locale, alert.created_at.replace(tzinfo=timezone.utc)) == (
        str(ADMIN_CHAT), "en", T0 + timedelta(seconds=30))
    assert (alert.reply["key"], alert.reply["params"]) == ("admin.dead_inbox", {"id": row.id})


async def test_a_row_of_a_channel_without_converter_is_parked_saying_so(sf) -> None:  # noqa: ANN001
    handler = Handler()
    w = _worker(sf, handler, max_attempts=1)
    await _store(sf, "w1", channel="web")
    await w.drain()
    row = (await _rows(sf))["w1"]
    assert (row.status, row.attempts) == ("dead", 1) and handler.calls == []
    assert row.last_error == "RuntimeError: no converter for channel 'web'"


@pytest.mark.parametrize("chats", [2, 3])
async def test_the_first_row_of_a_batch_failing_is_tried_once_and_the_rest_go_on_at_once(
        sf, chats: int, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    texts = ["a1", "b1", "c1"][:chats]
    handler = Handler(fail={"a1": 1})
    w = _worker(sf, handler)
    await _store(sf, *texts)
    caplog.set_level(logging.ERROR, logger=inbox_worker.__name__)
    assert await w.step() == chats
    await _settle(w)  # one batch: the failure is recorded and the others handled in it
    rows = await _rows(sf)
    assert {t: (r.status, r.attempts) for t, r in rows.items()} == {
        "a1": ("pending", 1), **{t: ("done", 0) for t in texts[1:]}}
    assert rows["a1"].last_error == "Bug: a1 fails"
    # The failing row once (it led the batch, nothing to redo before it); the others
    # right after it, in one transaction.
    assert handler.groups() == [["a1"], texts[1:]]
    assert w.handled == chats - 1
    assert [(r.getMessage(), r.exc_info is not None) for r in caplog.records] == [
        (f"inbox row {rows['a1'].id} failed", True)]


async def test_a_row_failing_mid_batch_leads_its_own_attempt_within_the_same_batch(
        sf) -> None:  # noqa: ANN001
    handler = Handler(fail={"c1": 2})  # in the batch, then leading its own
    w = _worker(sf, handler)
    await _store(sf, "a1", "b1", "c1", "d1")
    assert await w.step() == 4
    await _settle(w)
    assert await _statuses(sf) == {"a1": ("done", 0), "b1": ("done", 0), "c1": ("pending", 1),
                                   "d1": ("done", 0)}
    assert handler.groups() == [["a1", "b1", "c1"], ["a1", "b1"], ["c1"], ["d1"]]
    assert w.handled == 3 and w.commits == 3  # a1+b1, c1's failure, d1


async def test_a_single_row_failing_is_logged_with_its_id_and_error(
        sf, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    handler = Handler(fail={"a1": 1})
    w = _worker(sf, handler)
    await _store(sf, "a1")
    caplog.set_level(logging.ERROR, logger=inbox_worker.__name__)
    await w.drain()
    row = (await _rows(sf))["a1"]
    assert (row.attempts, row.last_error) == (1, "Bug: a1 fails")
    assert [(r.getMessage(), r.exc_info is not None) for r in caplog.records] == [
        (f"inbox row {row.id} failed", True)]


@asynccontextmanager
async def _no_commit(uow_of: Callable, sf: Any) -> AsyncIterator[Any]:  # noqa: ANN401
    async with uow_of(sf) as uow:
        yield uow
        raise Bug("database is locked")  # at the commit: the transaction rolls back


@pytest.mark.parametrize("where", ["read", "prefetch", "commit"])
async def test_a_batch_that_fails_outside_any_row_is_handled_again_one_row_per_transaction(
        sf, where: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    """Reading the rows, prefetching or committing fails: no row is to blame, none is
    counted an attempt; each is handled again alone, and no effect of the failed batch
    remains."""
    if where == "read":
        real_lock = inbox_worker.lock_pending

        async def lock_pending(uow, ids):  # noqa: ANN001, ANN202
            monkeypatch.setattr(inbox_worker, "lock_pending", real_lock)
            raise Bug("database is locked")

        monkeypatch.setattr(inbox_worker, "lock_pending", lock_pending)
    elif where == "prefetch":
        real_prefetch = SqlStore.prefetch

        async def prefetch(self, **kwargs):  # noqa: ANN001, ANN003, ANN202
            monkeypatch.setattr(SqlStore, "prefetch", real_prefetch)
            raise Bug("database is locked")

        monkeypatch.setattr(SqlStore, "prefetch", prefetch)
    else:
        real_uow = inbox_worker.unit_of_work

        def unit_of_work(sf_):  # noqa: ANN001, ANN202 - the batch's is the first one
            monkeypatch.setattr(inbox_worker, "unit_of_work", real_uow)
            return _no_commit(real_uow, sf_)

        monkeypatch.setattr(inbox_worker, "unit_of_work", unit_of_work)
    handler = Handler()
    w = _worker(sf, handler)
    await _store(sf, "a1", "b1", "c1")
    caplog.set_level(logging.WARNING, logger=inbox_worker.__name__)
    await w.drain()
    assert await _statuses(sf) == {t: ("done", 0) for t in ("a1", "b1", "c1")}
    alone = [["a1"], ["b1"], ["c1"]]
    assert handler.groups() == ([["a1", "b1", "c1"]] if where == "commit" else []) + alone
    assert len(await _outbox(sf)) == 3 and w.handled == 3 and w.commits == 3
    assert [r.getMessage() for r in caplog.records] == [
        "a batch of 3 inbox rows failed (Bug: database is locked); handling them one by one"]


async def test_a_row_handled_elsewhere_meanwhile_leaves_no_empty_batch_behind(
        sf, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """Between the look and the lock another process handled b1: the batch is a1 alone;
    a1 failing ends it (no empty transaction after it)."""
    async def b1_done_elsewhere(_calls: int) -> None:
        async with sf() as s, s.begin():
            await s.execute(update(InboxRow).where(InboxRow.chat_key == "telegram:b")
                            .values(status="done"))

    _count_heads(monkeypatch, b1_done_elsewhere)
    handler = Handler(fail={"a1": 1})
    w = _worker(sf, handler)
    await _store(sf, "a1", "b1")
    assert await w.step() == 2
    await _settle(w)
    assert await _statuses(sf) == {"a1": ("pending", 1), "b1": ("done", 0)}
    assert handler.texts() == ["a1"] and w.commits == 1  # the failure, nothing else


# -- what a handled row gets and leaves -------------------------------------------------------

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
