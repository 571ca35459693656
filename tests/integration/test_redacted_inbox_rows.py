"""The inbox worker redacts a stored message whose flow asked for it (the handler returns
True, as ``bot.app.RouterHandler`` does after ``FlowContext.redact_inbound``) in the
transaction that marks it handled: never before, so a crash or a failure before that
commit leaves the message whole for the retry. One row alone and rows in a batch.

The path through the real router and channels: tests/integration/test_sealed_and_redacted.py.
"""
from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from sqlalchemy import select

import bot.inbox_worker as inbox_worker
from handlers.inbound import Inbound
from storage.inbox import REDACTED_CHAT, NewUpdate, day_start, redacted_update_id, \
    store_new_updates
from storage.store import SqlStore
from storage.tables import InboxRow
from core.clock import FixedClock
from tests.integration.inbox_worker_fakes import T0, Crash, Handler, _store, _worker


class Redacting(Handler):
    """As ``Handler``; a text with a "!" (a secret) asks for its redaction. The chat is
    the text's first character (``_store``)."""

    async def handle(self, inbound: Inbound, store: SqlStore,  # type: ignore[override]
                     now: datetime) -> bool:
        await super().handle(inbound, store, now)
        return "!" in inbound.text


async def _inbox(sf) -> dict[str, InboxRow]:  # noqa: ANN001
    """The rows in the order they were stored, as "#0", "#1", ..."""
    async with sf() as s:
        rows = list((await s.execute(select(InboxRow).order_by(InboxRow.id))).scalars())
    return {f"#{i}": r for i, r in enumerate(rows)}


def _kept(row: InboxRow) -> tuple[str, object]:
    return row.status, row.payload


@pytest.mark.parametrize("texts", [["a!"], ["a!", "b1", "c!"]], ids=["alone", "batch"])
async def test_a_handled_message_is_redacted_in_its_commit_and_an_ordinary_one_is_kept(
        sf, texts: list[str]) -> None:  # noqa: ANN001
    w = _worker(sf, Redacting())
    await _store(sf, *texts)
    before = await _inbox(sf)
    await w.drain()
    after = await _inbox(sf)
    for key, row in after.items():
        old = before[key]
        if "!" in old.payload["text"]:  # nothing says whose, what kind, or when exactly
            assert _kept(row) == ("done", {"redacted": True})
            assert (row.update_id, row.chat_key, row.received_at, row.handled_at) == (
                redacted_update_id("telegram", "1", old.update_id), REDACTED_CHAT,
                day_start(T0), day_start(T0))
        else:  # the control keeps its text, chat, update id and times
            assert _kept(row) == ("done", old.payload)
            assert (row.update_id, row.chat_key, row.received_at) == \
                (old.update_id, old.chat_key, old.received_at)
    assert w.commits == 1
    # A re-delivery of a redacted update (Telegram after a crash, a page's retry) is still
    # known and not stored again; a new update is.
    redacted = [old for key, old in before.items() if "!" in old.payload["text"]]
    again = [NewUpdate(old.update_id, old.chat_key, dict(old.payload)) for old in redacted]
    fresh = NewUpdate("9999", "telegram:z", {"chat": "z", "text": "z1"})
    assert await store_new_updates(sf, "telegram", "1", [*again, fresh], T0) == {"9999"}
    assert len(await _inbox(sf)) == len(texts) + 1


@pytest.mark.parametrize("texts", [["a!"], ["b1", "a!", "c!"]], ids=["alone", "batch"])
async def test_a_crash_before_the_commit_leaves_the_message_whole_for_the_retry(
        sf, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    reached: list[str] = []

    def crash_point(name: str) -> None:  # kill -9 after the last row's handling
        reached.append(name)
        if len(reached) == len(texts):
            raise Crash

    monkeypatch.setattr(inbox_worker, "crash_point", crash_point)
    handler = Redacting()
    w = _worker(sf, handler)
    await _store(sf, *texts)
    await w.step()
    outcomes = await asyncio.gather(*w._tasks, return_exceptions=True)
    assert [type(o) for o in outcomes] == [Crash] and len(handler.calls) == len(texts)
    rows = await _inbox(sf)
    assert [(r.status, r.payload["text"]) for r in rows.values()] == \
        [("pending", t) for t in texts]
    monkeypatch.setattr(inbox_worker, "crash_point", lambda name: None)
    await w.drain()  # after the restart: handled again, then redacted
    rows = await _inbox(sf)
    assert [_kept(r) for r in rows.values()] == [
        ("done", {"redacted": True} if "!" in t else
         {"chat": t[0], "text": t}) for t in texts]


async def test_a_failed_attempt_keeps_the_message_and_the_successful_retry_drops_its_error(
        sf) -> None:  # noqa: ANN001
    """The flow asked for the redaction, then the handling failed: nothing is redacted,
    the row waits for its retry whole; the retry that succeeds redacts it and drops the
    error text of the failed attempt (an exception may quote the message)."""
    handler = Redacting(fail={"a!": 1})
    clock = FixedClock(T0)
    w = _worker(sf, handler, clock)
    await _store(sf, "a!")
    await w.drain()
    (row,) = (await _inbox(sf)).values()
    assert (row.status, row.attempts, row.payload["text"]) == ("pending", 1, "a!")
    assert row.last_error == "Bug: a! fails"
    clock.at = row.next_attempt_at
    await w.drain()
    (row,) = (await _inbox(sf)).values()
    assert (row.status, row.payload, row.last_error) == \
        ("done", {"redacted": True}, None)


async def test_a_batch_rolled_back_by_a_later_row_redacts_the_earlier_one_only_on_its_redo(
        sf) -> None:  # noqa: ANN001
    """A redacted row handled before a failing one of its batch is rolled back with it (its
    payload as stored again), then handled again without it and redacted."""
    handler = Redacting(fail={"b1": -1})
    w = _worker(sf, handler, max_attempts=1)
    await _store(sf, "a!", "b1")
    await w.drain()
    assert handler.groups() == [["a!", "b1"], ["a!"], ["b1"]]
    a, b = (await _inbox(sf)).values()
    assert _kept(a) == ("done", {"redacted": True})
    assert _kept(b) == ("dead", {"chat": "b", "text": "b1"})
