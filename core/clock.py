"""The clock port: time-dependent logic asks this, so tests can drive time."""
from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock for tests: set or advance it by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def in_local_span(now: datetime, tz: str, start: time, end: time) -> bool:
    """Whether ``now``'s local time in zone ``tz`` (not the server's) is in [start, end);
    the span may cross midnight ("22:30-07:30"); start == end is an empty span."""
    t = now.astimezone(ZoneInfo(tz)).time()
    return start <= t < end if start <= end else (t >= start or t < end)
