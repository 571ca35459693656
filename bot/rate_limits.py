"""The sender's pacing: a global token bucket per lane, and per-chat sliding windows.

A channel says how often one chat may be sent to as ``chat_limits``: pairs of (at most
this many messages, in any this many seconds), all of which hold. Telegram's is one
message a second ((1, 1.0), from ``[outbox] per_chat_per_second``); WeCom's
``message/send`` allows 30 messages a minute and 1,000 an hour to one person
(``WECOM_CHAT_LIMITS``): the same engine paces both, a push included."""
from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Hashable, Sequence

#: WeCom's per-person limits of message/send: 30 a minute and 1,000 an hour
WECOM_CHAT_LIMITS: tuple[tuple[int, float], ...] = ((30, 60.0), (1000, 3600.0))


class TokenBucket:
    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    async def acquire(self) -> None:
        while True:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return
            await asyncio.sleep((1 - self.tokens) / self.rate)


class ChatWindows:
    """Per-chat sliding windows: for each (count, seconds), at most ``count`` sends to a
    chat in any ``seconds``. Times are the caller's (``time.monotonic()`` in the sender),
    so the rule is tested without waiting. A chat's record holds at most the largest
    count's stamps; chats quiet for the longest window are forgotten as others send."""

    #: look for quiet chats to forget once per this many recorded sends
    PRUNE_EVERY = 1000

    def __init__(self, limits: Sequence[tuple[int, float]]) -> None:
        if not limits or any(n < 1 or s <= 0 for n, s in limits):
            raise ValueError(f"chat limits need a count >= 1 and seconds > 0: {limits!r}")
        self.limits = tuple(limits)
        self.keep = max(n for n, _ in self.limits)
        self.span = max(s for _, s in self.limits)
        self._sent: dict[Hashable, deque[float]] = {}
        self._records = 0

    def next_allowed(self, chat: Hashable, now: float) -> float:
        """The earliest time (on the caller's clock) a send to ``chat`` may start; ``now``
        or earlier when it may start at once."""
        stamps = self._sent.get(chat)
        if not stamps:
            return now
        return max([now] + [stamps[-n] + s for n, s in self.limits if len(stamps) >= n])

    def record(self, chat: Hashable, at: float) -> None:
        stamps = self._sent.setdefault(chat, deque())
        stamps.append(at)
        while len(stamps) > self.keep or stamps[0] <= at - self.span:
            stamps.popleft()
        self._records += 1
        if self._records % self.PRUNE_EVERY == 0:
            quiet = [c for c, d in self._sent.items() if not d or d[-1] <= at - self.span]
            for c in quiet:
                del self._sent[c]

    def __len__(self) -> int:
        """How many chats are remembered."""
        return len(self._sent)
