"""OutboxSender: outbox rows -> channel API, under rate limits, with 429/403/retry handled once.

Order is kept per chat (one send in flight per chat). A global token bucket paces all
chats (Telegram: ~30/s) and each chat waits its own interval (Telegram: 1/s). When a chat
has several plain replies queued (a user flooding the bot), they are merged into one
message instead of being dropped. A delivery is recorded after the API call returns;
dying in between re-sends only the rows that were in flight. A sealed reply's row keeps
only its remains once recorded, and its errors only their type (bot/sealing.py).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from bot.crashpoints import crash_point
from bot.delivery import Permanent, RetryAfter, Transient, Unreachable
from bot.rate_limits import ChatWindows, TokenBucket
from bot.sealing import error_text, remains, sealed
from bot.sender_merge import merge
from core.clock import Clock
from core.notify import alert_admins
from core.replies import Reply, t
from core.model import Lane
from storage.outbox import (
    Outgoing,
    due_rows,
    mark_dead,
    mark_sending,
    mark_unreachable,
    record_sent,
    retry_later,
    settle_in_flight,
)
from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)
#: Why a row died (bot.delivery.Permanent.reason, or retries used up), as locale keys.
DEAD_REASONS = {
    "refused": "admin.dead_why_refused", "chat_not_found": "admin.dead_why_chat_not_found",
    "too_long": "admin.dead_why_too_long", "bad_text": "admin.dead_why_bad_text",
    "bad_file": "admin.dead_why_bad_file", "unauthorized": "admin.dead_why_unauthorized",
    "gave_up": "admin.dead_why_gave_up",
}


class ChannelSender(Protocol):
    # A sender may set ``chat_limits`` (bot/rate_limits.py: WeCom's 30 a minute and 1,000
    # an hour to one person); without, one message per ``per_chat_rate`` interval.
    # A sender may set ``rate_limited = False`` (the local web chat): then neither the
    # global token bucket nor the per-chat limits apply to it; it may then have
    # ``pause_after(chat_id) -> seconds`` to hold a flooded chat back and
    # ``flooded(chat_id) -> bool`` to say when its queued replies are merged.
    def render_text(self, row: Outgoing) -> str: ...
    async def deliver(self, rows: list[Outgoing], merged_text: str | None) -> str | None: ...


class OutboxSender:
    def __init__(self, sf: Sessions, clock: Clock, channels: dict[str, ChannelSender],
                 *, global_rate: float, per_chat_rate: float, concurrency: int,
                 max_attempts: int, default_locale: str,
                 on_unreachable: Callable[[str, str], None] = lambda c, i: None,
                 bulk_rate: float | None = None) -> None:
        self.sf, self.clock, self.channels = sf, clock, channels
        # A small burst: with one of a full second's worth (30), the first second of a
        # bulk send would carry 60 messages, and Telegram answers 429 above ~30/s.
        self.bucket = TokenBucket(global_rate, burst=max(1.0, global_rate / 10))
        # Telegram's paid broadcast (opt-in): the bulk lane has its own, higher rate.
        self.bulk_bucket = TokenBucket(bulk_rate, burst=max(1.0, bulk_rate / 10)) \
            if bulk_rate else self.bucket
        # A bulk send is marked "sending" (a batched write) between its token and the API
        # call; sends held up together by a wait for the write lock would then leave
        # together, above the limit. This second bucket, without burst, spaces them again
        # right before the call (bench/broadcast.py saw 3 429s in 30,000 without it).
        self.bulk_pace = TokenBucket(bulk_rate or global_rate, burst=1.0)
        self._paused: dict[str, float] = {}  # channel -> monotonic time a 429 lifts
        self._to_mark: list[tuple[list[int], asyncio.Future[None]]] = []
        self.chat_interval = 1.0 / per_chat_rate
        # per channel: how often one chat may be sent to (ChannelSender.chat_limits)
        self._windows: dict[str, ChatWindows] = {}
        self.concurrency, self.max_attempts = concurrency, max_attempts
        self.default_locale = default_locale
        self.wake = asyncio.Event()
        self._in_flight: set[int] = set()
        self._rows: dict[int, Outgoing] = {}  # pending rows read before (see due_rows)
        self._busy_chats: set[tuple[str, str]] = set()
        # a chat held back: a 429's retry_after, the web chat's flood pause
        self._next_allowed: dict[tuple[str, str], float] = {}
        self._tasks: set[asyncio.Task] = set()
        self._done: list[tuple[list[int], str | None]] = []
        self._seal: dict[int, dict] = {}  # what the sealed rows of _done keep, by id
        self._recording = 0  # delivered groups whose record_sent is being written
        self.sent = 0

    async def run(self, stop: asyncio.Event) -> None:
        await settle_in_flight(self.sf)  # bulk rows caught mid-send by a crash: ambiguous
        flusher = asyncio.create_task(self._flush_loop(stop))
        while not stop.is_set():
            # Cleared before looking, not after, so a wake-up during step() is not lost;
            # then even after starting sends we wait for one (a send finishing, a commit)
            # instead of querying again at once for rows we have just seen.
            self.wake.clear()
            wait = await self.step()
            if wait > 0:
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=wait)
                except TimeoutError:
                    pass
        while self._tasks:  # sends still starting may wait to be marked
            await self._mark()
            await asyncio.wait(set(self._tasks), timeout=0.05)
        await flusher
        await self._flush()

    async def _flush_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(0.01)
            await self._mark()
            await self._flush()

    async def _mark(self) -> None:
        """Mark the bulk groups about to be sent "sending", all in one transaction (one
        write per send held SQLite's write lock behind every other: docs/performance.md)."""
        waiting, self._to_mark = self._to_mark, []
        if not waiting:
            return
        try:
            await mark_sending(self.sf, [i for ids, _ in waiting for i in ids])
        except Exception as exc:  # noqa: BLE001 - each send fails as its own attempt
            for _, fut in waiting:
                fut.set_exception(exc)
            return
        for _, fut in waiting:
            fut.set_result(None)

    async def _flush(self) -> None:
        (done, self._done), (seal, self._seal) = (self._done, []), (self._seal, {})
        if not done:
            return
        self._recording = len(done)
        try:
            await record_sent(self.sf, done, self.clock.now(), seal)
        finally:
            self._recording = 0
        for ids, _ in done:
            self._in_flight.difference_update(ids)
            for i in ids:
                self._rows.pop(i, None)
        self.sent += sum(len(ids) for ids, _ in done)
        self.wake.set()

    async def step(self) -> float:
        """Start what may be sent now; return how long to wait before the next look."""
        # A delivered group stays claimed until it is recorded: dying before that re-sends
        # it, so unrecorded groups count against the bound too (else a slow record_sent
        # lets hundreds of sent-but-unrecorded messages pile up).
        free = self.concurrency - len(self._tasks) - len(self._done) - self._recording
        if free <= 0:
            return 0.02
        if len(self._rows) > 20_000:  # rows that left "pending" behind our back
            self._rows.clear()
        rows = await due_rows(self.sf, self.clock.now(), limit=max(200, free * 8),
                              exclude=self._in_flight, cache=self._rows,
                              channels=self.channels.keys())
        by_chat: OrderedDict[tuple[str, str], list[Outgoing]] = OrderedDict()
        for r in rows:
            by_chat.setdefault((r.channel, r.chat_id), []).append(r)
        started, soonest = 0, 0.5
        for chat, queue in by_chat.items():
            if started >= free:
                break
            if chat in self._busy_chats:
                continue
            head = queue[0]
            if head.reply.get("kind") == "callback_answer":  # not a chat message: no limits
                self._start(chat, [head], None)
                started += 1
                continue
            channel = self.channels[head.channel]
            limited = getattr(channel, "rate_limited", True)
            now = time.monotonic()
            wait = max(self._next_allowed.get(chat, 0), self._paused.get(chat[0], 0),
                       self._window(chat[0]).next_allowed(chat[1], now)
                       if limited else 0) - now
            if wait > 0:
                soonest = min(soonest, wait)
                continue
            # The web chat merges a chat's queued replies only while that chat floods.
            merging = limited or getattr(channel, "flooded", lambda chat_id: True)(chat[1])
            group, merged = self._merge(queue) if merging else ([head], None)
            if limited:  # Telegram's limits; the local web chat has none
                await (self.bulk_bucket if head.lane == Lane.BULK else self.bucket).acquire()
                self._window(chat[0]).record(chat[1], time.monotonic())
            elif hasattr(channel, "pause_after"):  # the web chat pauses a flooded chat only
                self._next_allowed[chat] = time.monotonic() + channel.pause_after(chat[1])
            self._start(chat, group, merged)
            started += 1
        return min(soonest, 0.5)

    def _window(self, channel: str) -> ChatWindows:
        if channel not in self._windows:
            limits = getattr(self.channels[channel], "chat_limits", None)
            self._windows[channel] = ChatWindows(limits or ((1, self.chat_interval),))
        return self._windows[channel]

    def _merge(self, queue: list[Outgoing]) -> tuple[list[Outgoing], str | None]:
        return merge(self.channels[queue[0].channel], queue)

    def _start(self, chat: tuple[str, str], group: list[Outgoing], merged: str | None) -> None:
        self._busy_chats.add(chat)
        self._in_flight.update(r.id for r in group)
        task = asyncio.create_task(self._send(chat, group, merged))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, chat: tuple[str, str], group: list[Outgoing],
                    merged: str | None) -> None:
        ids = [r.id for r in group]
        recorded = False
        try:
            if group[0].lane == Lane.BULK:  # at most once: a crash from here is "ambiguous"
                marked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._to_mark.append((ids, marked))
                await marked
                await self.bulk_pace.acquire()
            message_id = await self.channels[chat[0]].deliver(group, merged)
            crash_point("after_send")
            self._seal.update(remains(group))
            self._done.append((ids, message_id))
            recorded = True
        except RetryAfter as exc:  # Telegram's flood control: the whole channel waits
            self._paused[chat[0]] = time.monotonic() + exc.seconds
            self._next_allowed[chat] = time.monotonic() + exc.seconds
            await self._retry_later(ids, exc.seconds, count_attempt=False, error=str(exc))
        except Unreachable as exc:
            await self._unreachable(chat, group, error_text(group, exc, str(exc)))
        except Permanent as exc:
            await self._dead(group, error_text(group, exc, str(exc)), exc.reason)
        except Exception as exc:  # noqa: BLE001 - Transient and unexpected errors alike
            error = error_text(group, exc, f"{type(exc).__name__}: {exc}")
            if not isinstance(exc, Transient):  # a sealed group's: its error's type only
                log.error("unexpected error sending outbox rows %s: %s", ids, error,
                          exc_info=None if sealed(group) else exc)
            if group[0].attempts + 1 >= self.max_attempts:
                await self._dead(group, error, "gave_up")
            else:
                await self._retry_later(ids, min(300.0, 2.0 ** group[0].attempts),
                                        count_attempt=True, error=error)
        finally:
            self._busy_chats.discard(chat)
            if not recorded:
                self._in_flight.difference_update(ids)
            self.wake.set()

    async def _retry_later(self, ids: list[int], seconds: float, *, count_attempt: bool,
                           error: str) -> None:
        await retry_later(self.sf, ids, at=self.clock.now() + timedelta(seconds=seconds),
                          error=error, count_attempt=count_attempt)

    async def _unreachable(self, chat: tuple[str, str], group: list[Outgoing],
                           error: str) -> None:
        ids = [r.id for r in group]
        for i in ids:
            self._rows.pop(i, None)
        now = self.clock.now()
        async with unit_of_work(self.sf) as uow:
            await mark_unreachable(uow, ids, error, remains(group))
            store = uow.store
            people = await store.mark_unreachable(chat[0], chat[1], now)
            await store.audit("unreachable", people[0] if people else None,
                              {"channel": chat[0], "chat_id": chat[1], "error": error[:300]}, now)

    async def _dead(self, group: list[Outgoing], error: str, reason: str) -> None:
        now = self.clock.now()
        ids = [r.id for r in group]
        for i in ids:
            self._rows.pop(i, None)
        async with unit_of_work(self.sf) as uow:
            await mark_dead(uow, ids, error, remains(group))
            # An alert that cannot be delivered must not raise another alert (no loops).
            if not group[0].reply.get("key", "").startswith("admin.dead"):
                # A sentence, never the library's error text (that stays on the row).
                await alert_admins(uow.store, Reply("admin.dead_outbox", {
                    "id": ids[0], "channel": group[0].channel, "chat": group[0].chat_id,
                    "why": t(DEAD_REASONS.get(reason, DEAD_REASONS["refused"]))}),
                    now=now, default_locale=self.default_locale)
