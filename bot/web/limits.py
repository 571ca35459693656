"""A rate limit on each link's POSTs: a token bucket per token (``[web] post_rate_per_second``,
``post_burst``). A person types or presses a few times a second at most; a script that
posts hundreds gets 429 with Retry-After instead of flooding the inbox."""
from __future__ import annotations

import math
import time
from collections import OrderedDict


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
