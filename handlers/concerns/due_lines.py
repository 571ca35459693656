"""The lines of a concern list (/tasks, /branch): number, the earliest open limit's due
time in the configured zone, ⚠️ when it has passed, and the 督办 level it has reached."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.replies import t
from core.types import JSON


def due_line(number: str, due: datetime | None, level: int, *, now: datetime,
             tz: ZoneInfo) -> tuple[JSON, bool]:
    """One translated line and whether it is overdue."""
    overdue = due is not None and due < now
    return t("due.line", mark="⚠️" if overdue else "·", number=number,
             due=due.astimezone(tz).strftime("%m-%d %H:%M") if due else "—",
             level=t("due.level", level=t(f"ladder.level.{level}")) if level else ""), overdue


def requester_state(due: datetime | None, level: int, *, now: datetime) -> JSON:
    """For the requester's /my, in plain words: late now, and how far it was escalated
    (a limit met late leaves the level: "was escalated", not "is late")."""
    late = due is not None and due < now
    if level:
        key = "my.escalated" if late else "my.was_escalated"
        return t(key, level=t(f"ladder.level.{level}"))
    return t("my.late") if late else ""
