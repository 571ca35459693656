"""Reception days (领导接待日): schedules, their single-date overrides, the materialised
sessions that bookings will reference, and leaders' contact units (领导联系点).

A session row is never deleted: one that no longer follows from its schedule is marked
``cancelled``, so that later bookings can be told (docs/decisions/0018).
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class ReceptionSchedule(Base):
    """One schedule; ``recurrence`` is the data form of ``core.reception.schedule.Recurrence``
    (JSON), ``accompany`` the accompanying heads' person ids. ``active`` false: removed from
    the roster (its future sessions are cancelled, the row stays for their history)."""

    __tablename__ = "reception_schedules"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    place: Mapped[str] = mapped_column(String(200))
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    recurrence: Mapped[dict[str, Any]]
    capacity: Mapped[int] = mapped_column(Integer)
    cutoff_days: Mapped[int] = mapped_column(Integer)
    cutoff_time: Mapped[time] = mapped_column(Time)
    holiday_policy: Mapped[str] = mapped_column(String(12))
    accompany: Mapped[list[Any]]
    contact_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(20))  # "sheet" (roster workbook) or "command"
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReceptionOverride(Base):
    """An admin's decision about one date of a schedule: cancel, move or extra."""

    __tablename__ = "reception_overrides"
    __table_args__ = (UniqueConstraint("schedule_id", "day", "action"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("reception_schedules.id"))
    day: Mapped[date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(10))
    new_day: Mapped[date | None] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


class ReceptionSession(Base):
    """One concrete session. ``(schedule_id, origin_day, kind)`` is its identity across
    recomputations (``origin_day`` the rule's date, or an extra's own date); ``local_date``
    is where it is held. ``status``: scheduled | moved (``moved_from`` set) | cancelled."""

    __tablename__ = "reception_sessions"
    __table_args__ = (UniqueConstraint("schedule_id", "origin_day", "kind"),
                      Index("ix_reception_sessions_local_date", "local_date"))
    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("reception_schedules.id"))
    origin_day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # regular | extra
    local_date: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    cutoff_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    moved_from: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime]


class LeaderContactUnit(Base):
    """A leader's contact unit (领导联系点), a college or a branch (roster ``roles`` sheet,
    column ``contact_units``); outreach visits (下访) will be planned to these."""

    __tablename__ = "leader_contact_units"
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)


class ReceptionTopic(Base):
    """A topic booked for a session (text, optional photos); at most 3 people bring it
    (``reception_bookings``). ``cancelled_at``: its last person cancelled (it no longer
    takes a place). Capacity counts topics, not people."""

    __tablename__ = "reception_topics"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("reception_sessions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any]]
    created_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    # After the session (core/reception/outcome.py): "answered" on the spot or "follow_up",
    # who recorded it and when; a follow-up's tracked concern and the unit that owns it.
    outcome: Mapped[str | None] = mapped_column(String(12))
    outcome_at: Mapped[datetime | None]
    outcome_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    concern_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))


class ReceptionBooking(Base):
    """One person on one topic (the first is who booked it, others joined: 同问). A person
    has at most one live booking per session (checked under the session's lock)."""

    __tablename__ = "reception_bookings"
    __table_args__ = (Index("ix_reception_bookings_session_id_person_id", "session_id",
                            "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("reception_topics.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("reception_sessions.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class ReceptionNotice(Base):
    """A booked person was told of a change of their session: one row per booking and
    version of the session (``moved:<start>`` or ``cancelled``), so each is told once."""

    __tablename__ = "reception_notices"
    __table_args__ = (UniqueConstraint("booking_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("reception_bookings.id"))
    version: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]


class ReceptionFeed(Base):
    """A leader's secret calendar-feed address (``/feeds/reception/<token>.ics``). Only the
    token's SHA-256 is stored; revoking sets ``revoked_at`` and a new token replaces it."""

    __tablename__ = "reception_feeds"
    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
