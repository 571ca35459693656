"""The reception area's ports: recurrence expansion (``bot/reception/recurrence.py``
implements it with ``dateutil.rrule``; core never hand-writes recurrence rules), and the
store of sessions, topics and bookings (one of ``core.ports.Store``'s bases)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from core.reception.admin_ports import ReceptionAdminStore
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
    #: an outreach visit (下访): the contact unit visited (only its people may book)
    visit_unit_id: int | None = None
    visit_unit: str | None = None
    leader_id: int | None = None


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


class What(StrEnum):
    """Which reminder of a session a reception row is (core/reception/reminders.py)."""

    LEADER_EVE = "leader_eve"
    LEADER_SOON = "leader_soon"
    PEOPLE_EVE = "people_eve"
    RECORD = "record"
    ANNOUNCE = "announce"


@dataclass(frozen=True)
class AgendaPerson:
    id: int
    name: str
    unit: str  # the unit's name, "" if none


@dataclass(frozen=True)
class AgendaTopic:
    id: int
    text: str
    files: int
    people: tuple[AgendaPerson, ...]  # who booked it first, then who joined (同问)
    outcome: str | None
    concern_number: str | None
    unit: str | None  # the follow-up's unit name


@dataclass(frozen=True)
class Hosts:
    leader_id: int
    accompany_ids: tuple[int, ...]
    accompany_names: tuple[str, ...]
    contact_unit_id: int | None
    contact_unit_name: str | None


@dataclass(frozen=True)
class RelatedConcern:
    number: str
    category: str
    status: str


@dataclass(frozen=True)
class SessionClock:
    """What planning needs of a materialised session (times aware UTC)."""

    id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    cutoff_at: datetime
    status: str
    visit: bool  # an outreach visit (下访) to a contact unit


@dataclass(frozen=True)
class PlannedReminder:
    key: str
    session_id: int
    what: What
    due_at: datetime


@dataclass(frozen=True)
class DueReminder:
    id: int
    session_id: int
    what: str
    due_at: datetime


@dataclass(frozen=True)
class TopicRecord:
    id: int
    session_id: int
    starts_at: datetime
    day: str  # the session's local date, for the concern's text
    leader_id: int
    leader_name: str
    text: str
    attachments: tuple[JSONObject, ...]
    people: tuple[int, ...]  # who booked it first
    outcome: str | None
    cancelled: bool


@dataclass(frozen=True)
class UnitChoice:
    id: int
    code: str
    name: str
    kind: str


class ReceptionFeedStore(Protocol):
    """Leaders' secret calendar-feed tokens (``storage/reception/feed_store.py``): only a
    token's SHA-256 is kept, so a lost link cannot be shown again, only replaced."""

    async def issue_reception_feed(self, leader_id: int, now: datetime) -> str:
        """A new secret token for the leader's feed; their live ones are revoked."""
        ...

    async def revoke_reception_feeds(self, leader_id: int, now: datetime) -> int:
        """Revoke the leader's live tokens; how many there were."""
        ...


class ReceptionStore(ReceptionFeedStore, ReceptionAdminStore, Protocol):
    """Sessions, topics and bookings of reception days (``storage/reception/booking_store.py``),
    and the feed tokens. This module imports nothing of ``core.ports``, which imports it."""

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

    async def person_in_unit(self, person_id: int, unit_id: int) -> bool:
        """Whether the person belongs to the unit or to a unit directly under it."""
        ...

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

    # -- reminders (core/reception/reminders.py) -------------------------------------------
    async def reception_clocks(self, since: datetime, until: datetime) -> list[SessionClock]:
        """Sessions ending after ``since`` and starting before ``until``, cancelled ones
        included (their pending rows must go)."""
        ...

    async def sync_reception_reminders(self, planned: Sequence[PlannedReminder],
                                       now: datetime) -> tuple[int, int]:
        """Make the reception rows match ``planned`` (by key): add the missing, make a
        cancelled one pending again, move a pending one to its new due time, and cancel
        every pending row not planned; return (added or revived, cancelled)."""
        ...

    async def claim_reception_reminders(self, *, now: datetime,
                                        limit: int) -> list[DueReminder]:
        """Mark up to ``limit`` due pending reception rows sent and return them."""
        ...

    async def unit_people(self, unit_id: int) -> list[int]:
        """Active people with a reachable chat, of the unit and of the units under it."""
        ...

    # -- the agenda (core/reception/agenda.py) ---------------------------------------------
    async def session_hosts(self, session_id: int) -> Hosts | None: ...

    async def session_agenda(self, session_id: int) -> list[AgendaTopic]:
        """The session's live topics, oldest first, with their people."""
        ...

    async def related_open_concerns(self, person_ids: Sequence[int],
                                    ) -> dict[int, list[RelatedConcern]]:
        """Each person's open concerns that are named, not a 举报 and not a crisis case."""
        ...

    # -- after the session (core/reception/outcome.py) -------------------------------------
    async def topic_for_record(self, topic_id: int) -> TopicRecord | None: ...

    async def followup_units(self) -> list[UnitChoice]:
        """Units a follow-up can go to: functional departments, then colleges, by code."""
        ...

    async def set_topic_outcome(self, topic_id: int, outcome: str, *, by: int, now: datetime,
                                concern_id: int | None = None,
                                unit_id: int | None = None) -> bool:
        """Record it on a topic that has none; False if it already had one."""
        ...

    async def link_topic_concern(self, topic_id: int, concern_id: int) -> None:
        """Record the follow-up concern made of a topic already marked ``follow_up``."""
        ...

    async def leader_upcoming(self, leader_id: int, since: datetime,
                              until: datetime) -> list[SessionView]: ...

    async def sessions_to_record(self, leader_id: int | None, since: datetime,
                                 now: datetime) -> list[int]:
        """Started sessions (of the leader; all with None) with a topic left to record."""
        ...
