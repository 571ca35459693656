"""The reception area's ports: recurrence expansion (``bot/reception/recurrence.py``
implements it with ``dateutil.rrule``; core never hand-writes recurrence rules), and the
store of sessions, topics and bookings (one of ``core.ports.Store``'s bases)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from core.reception.schedule import Recurrence
from core.types import JSONObject


class RecurrenceExpander(Protocol):
    def dates(self, rule: Recurrence, first: date, last: date) -> list[date]:
        """Every date ``rule`` produces in ``first``..``last`` (both included), ascending."""
        ...


@dataclass(frozen=True)
class SessionView:
    """A materialised session as booking sees it (times aware UTC)."""

    id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    cutoff_at: datetime
    status: str  # scheduled | moved | cancelled
    moved_from: date | None
    place: str
    leader_name: str
    capacity: int
    topics: int  # live topics (capacity counts topics, not people)


@dataclass(frozen=True)
class TopicView:
    id: int
    session_id: int
    text: str
    people: int  # live bookings on it
    person_ids: tuple[int, ...]


@dataclass(frozen=True)
class BookingView:
    """One live booking of a person, with its session."""

    id: int
    topic_id: int
    session: SessionView
    text: str
    first: bool  # the person booked the topic (not joined it)


class ReceptionStore(Protocol):
    """Sessions, topics and bookings of reception days (``storage/reception/booking_store.py``).
    This module imports nothing of ``core.ports``, which imports it."""

    async def reception_sessions(self, since: datetime, until: datetime) -> list[SessionView]:
        """Sessions starting in ``since``..``until`` that are not cancelled, by start."""
        ...

    async def reception_session(self, session_id: int) -> SessionView | None: ...

    async def lock_reception_session(self, session_id: int) -> None:
        """Serialise bookings of one session (a row lock; SQLite's write lock); first in
        the transaction, so what is read after it is current."""
        ...

    async def session_topics(self, session_id: int) -> list[TopicView]:
        """Live topics of the session, oldest first."""
        ...

    async def reception_topic(self, topic_id: int) -> TopicView | None: ...

    async def person_booking_in(self, session_id: int, person_id: int) -> int | None:
        """The person's live booking in that session, if any."""
        ...

    async def add_reception_topic(self, session_id: int, person_id: int, text: str,
                                  attachments: list[JSONObject], now: datetime) -> int:
        """A new topic with its first booking; returns the booking's id."""
        ...

    async def add_reception_booking(self, topic_id: int, session_id: int, person_id: int,
                                    now: datetime) -> int: ...

    async def person_bookings(self, person_id: int, since: datetime) -> list[BookingView]:
        """The person's live bookings of sessions ending after ``since``, by start."""
        ...

    async def booking_owner(self, booking_id: int) -> tuple[int, int, int] | None:
        """(person, session, topic) of a live booking; None if none or cancelled."""
        ...

    async def cancel_reception_booking(self, booking_id: int, now: datetime) -> None:
        """Cancel it; its topic too when nobody is left on it."""
        ...

    async def session_booked_people(self, session_id: int) -> list[tuple[int, int]]:
        """(booking, person) of every live booking of the session."""
        ...

    async def claim_reception_notice(self, booking_id: int, version: str,
                                     now: datetime) -> bool:
        """Record that this booking is told of ``version``; False if it was already."""
        ...
