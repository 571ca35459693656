"""What the crisis engine remembers about one chat between messages.

A risk level (0 none, 1 a weak signal such as 好累 or 绝望, 2 possible distress or worse)
that holds until ``until`` and then drops to 0, and the last few messages (at most three,
inside ``[crisis] context_minutes``, each cut to 500 characters) so that wording split
over two messages is read together. The caller stores it per chat as JSON and hands it
back with the next message; ``until`` is also when it may be forgotten.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from core.types import JSON

MAX_RECENT = 3
MAX_TEXT = 500
LEVELS = (0, 1, 2)


def utc(at: datetime) -> datetime:
    """``at`` in UTC (a naive time is taken to be UTC already)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def parse_time(value: str) -> datetime | None:
    """An ISO time as UTC, or None when it is not one."""
    try:
        return utc(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class RiskState:
    """The chat's risk level until ``until``, and its recent messages (ISO UTC time, text)."""

    level: int
    until: datetime
    recent: tuple[tuple[str, str], ...] = ()

    def level_at(self, now: datetime) -> int:
        """The level still in force at ``now`` (0 once ``until`` has passed)."""
        return self.level if utc(now) < utc(self.until) else 0

    def to_json(self) -> dict[str, JSON]:
        """A plain JSON object (what ``from_json`` reads back)."""
        return {"level": self.level, "until": utc(self.until).isoformat(),
                "recent": [[at, text] for at, text in self.recent]}

    @classmethod
    def from_json(cls, obj: object) -> RiskState | None:
        """The state ``to_json`` wrote, or None for anything malformed (never raises)."""
        if not isinstance(obj, dict):
            return None
        level, until, recent = obj.get("level"), obj.get("until"), obj.get("recent", [])
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            return None
        when = parse_time(until) if isinstance(until, str) else None
        if when is None or not isinstance(recent, list) or len(recent) > MAX_RECENT:
            return None
        pairs: list[tuple[str, str]] = []
        for item in recent:
            if not (isinstance(item, list | tuple) and len(item) == 2
                    and all(isinstance(x, str) for x in item)):
                return None
            at = parse_time(item[0])
            if at is None:
                return None
            pairs.append((at.isoformat(), item[1][:MAX_TEXT]))
        return cls(level, when, tuple(pairs))
