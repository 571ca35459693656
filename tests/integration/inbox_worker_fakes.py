"""Fakes and helpers shared by the inbox worker tests (test_inbox_worker_*.py): a handler
that records what it was given and fails on cue, a fixed clock, and database helpers."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import select

import bot.inbox_worker as inbox_worker
from bot.inbox_worker import InboxWorker
from core.clock import FixedClock
from core.model import Lane
from core.replies import Reply
from handlers.inbound import Inbound
from storage.inbox import NewUpdate, store_updates
from storage.store import SqlStore
from storage.tables import InboxRow, OutboxRow
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
