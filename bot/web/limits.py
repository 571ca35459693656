"""Floods on the web chat. A rate limit on each link's POSTs: a token bucket per token
(``[web] post_rate_per_second``, ``post_burst``); a person types or presses a few times a
second at most, a script that posts hundreds gets 429 with Retry-After instead of
flooding the inbox. And what is let through of a flood gets merged replies."""
from __future__ import annotations

import math
import time
from collections import OrderedDict, deque


class PostLimiter:
    def __init__(self, rate: float, burst: int, *, size: int = 10_000) -> None:
        self.rate, self.burst, self.size = rate, float(burst), size
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, stamp

    def wait(self, key: str, now: float | None = None) -> int:
        """Take one post for ``key``: 0 if it may go now, else whole seconds to wait."""
        now = time.monotonic() if now is None else now
        tokens, stamp = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            wait = 0
        else:
            self._buckets[key] = (tokens, now)
            wait = max(1, math.ceil((1 - tokens) / self.rate))
        if len(self._buckets) > self.size:  # the least recently seen link forgets its count
            self._buckets.popitem(last=False)
        return wait


class FloodWatch:
    """Which chats are flooding now: their person posted ``POSTS`` messages within
    ``WINDOW`` seconds (nobody types that fast). The web sender then merges that chat's
    queued plain replies, as Telegram's do, until ``HOLD`` seconds after the flood."""

    POSTS, WINDOW, HOLD = 10, 2.0, 2.0  # 5 a second: the rate limit's own pace

    def __init__(self, *, size: int = 10_000) -> None:
        self.size = size
        self._posts: OrderedDict[str, deque[float]] = OrderedDict()
        self._until: dict[str, float] = {}

    def posted(self, chat_id: str) -> None:
        now = time.monotonic()
        posts = self._posts.pop(chat_id, None) or deque(maxlen=self.POSTS)
        posts.append(now)
        self._posts[chat_id] = posts
        if len(posts) == self.POSTS and now - posts[0] < self.WINDOW:
            self._until[chat_id] = now + self.HOLD
        if len(self._posts) > self.size:  # the chat least recently heard from is forgotten
            self._until.pop(self._posts.popitem(last=False)[0], None)

    def flooded(self, chat_id: str) -> bool:
        until = self._until.get(chat_id)
        if until is not None and until <= time.monotonic():
            del self._until[chat_id]
            return False
        return until is not None

    def still(self, chat_id: str) -> None:
        """Replies are still piling up: merge for another HOLD seconds."""
        if chat_id in self._until:
            self._until[chat_id] = time.monotonic() + self.HOLD
