"""Timed work: reminder rows (deadline notices today; reception and survey reminders next)
and the admins' corrections of the working-day calendar."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class Reminder(Base):
    """One notice to send at ``due_at`` (UTC). Sweeps claim due pending rows; the claim and
    the notices it writes commit together, so each row is sent at most once, and ``key``
    (unique) makes planning the same notice twice a no-op.

    ``status``: pending → sent | dropped (came due too long ago, see ``[reminders]
    grace_hours``) | cancelled (no longer meaningful: the limit was met, the concern closed,
    or its deadlines were moved). ``urgent`` rows (P0/P1) ignore the quiet hours.
    ``done_at`` is set when a row is dropped or cancelled; when one is sent, its time is
    that of the concern event the sweep writes with it. The claim leaves ``done_at`` alone
    on purpose: a row that grows splits the densely packed pages it lives on, which made
    a sweep of 5,000 notices a third slower (docs/performance.md, ladder sweep).
    """

    __tablename__ = "reminders"
    # Only pending rows are ever looked up by due time, so the due index holds only them
    # (a partial index): a claimed row leaves it instead of moving inside it, which halves
    # the pages a sweep writes. Queries must spell the predicate as a literal
    # (``PENDING``) for SQLite's planner to use the index.
    __table_args__ = (Index("ix_reminders_pending_due", "due_at",
                            sqlite_where=text("status = 'pending'"),
                            postgresql_where=text("status = 'pending'")),
                      Index("ix_reminders_concern", "concern_id"),
                      Index("ix_reminders_session", "session_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(20))
    step: Mapped[int] = mapped_column(Integer, default=0)
    concern_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # A reception session's reminders (kind "reception", core/reception/reminders.py).
    session_id: Mapped[int | None] = mapped_column(ForeignKey("reception_sessions.id"))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    detail: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class CalendarOverride(Base):
    """An admin's correction of one date: working (e.g. an extra 调休 day the package does
    not know) or not (a vacation, a closure). ``label`` says why (寒假, 考试周, ...)."""

    __tablename__ = "calendar_overrides"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    label: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20))  # "sheet" (roster workbook) or "command"
    set_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]


#: The partial index's predicate, as the literal SQL its queries must repeat.
PENDING = text("reminders.status = 'pending'")
