"""The inbox worker when rows fail: the exact retry back-off, the dead row's admin alert,
a row that fails inside a batch, and the fallback when a whole batch fails.

A temporary SQLite database (PostgreSQL in CI), a fixed clock and a handler that records
what it was given (tests/integration/inbox_worker_fakes.py); no sleeps beyond a
millisecond's polling and no timing assertions.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import update

import bot.inbox_worker as inbox_worker
from core.clock import FixedClock
from handlers.inbound import Inbound
from storage.store import SqlStore
from storage.tables import InboxRow
from tests.integration.test_outbox_sender import ADMIN_CHAT, _admin
from tests.integration.inbox_worker_fakes import (
    Bug,
    Handler,
    T0,
    _count_heads,
    _outbox,
    _rows,
    _settle,
    _statuses,
    _store,
    _worker,
)


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
