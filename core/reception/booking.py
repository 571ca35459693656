"""Booking a reception session (领导接待日 预约): list, book a topic, join one (同问), cancel,
and tell the booked people when a session is moved or cancelled.

Only people of the roster may book (a reception is face to face: the leader sees the
name; anonymous booking is not offered). Every refusal is audited (``refused``) and raised
as an ``InputError`` whose key the flow says. Booking and joining re-check everything
after locking the session, so of two people pressing for the last place one wins.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from core.errors import InputError, check_length
from core.model import Lane
from core.notify import notify_person
from core.ports import NotifyStore, PeopleStore
from core.reception.ports import BookingView, ReceptionStore, SessionView, TopicView
from core.replies import Reply
from core.types import JSON, JSONObject

#: ``/reception`` lists the sessions of this many days ahead.
LIST_DAYS = 28
MAX_TOPIC_CHARS = 1000
MAX_TOPIC_FILES = 5
#: people on one topic (who booked it and those who joined)
MAX_TOPIC_PEOPLE = 3
#: how much of another requester's topic is shown (no names)
PREVIEW_CHARS = 30
CANCELLED = "cancelled"


class BookingStore(ReceptionStore, PeopleStore, NotifyStore, Protocol):
    """Sessions and bookings, who the person is, the audit log and notices."""


@dataclass(frozen=True)
class ReceptionList:
    sessions: list[SessionView]
    mine: list[BookingView]
    #: session id -> the person's booking there (so the list offers no second one)
    booked: dict[int, int]


@dataclass(frozen=True)
class Booked:
    booking_id: int
    session: SessionView
    joined: bool


def preview(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


async def _refuse(store: BookingStore, person_id: int | None, why: str, key: str,
                  now: datetime, say: dict[str, JSON] | None = None,
                  **detail: int | str) -> InputError:
    """Audit the refusal (``detail``) and return the error to raise (``say``: the
    message's parameters)."""
    await store.audit("refused", person_id, {"action": "reception", "why": why, **detail}, now)
    return InputError(key, **(say or {}))


async def reception_list(store: BookingStore, person_id: int | None,
                         now: datetime) -> ReceptionList:
    """Open sessions of the coming ``LIST_DAYS`` (cut-off not passed), the person's own."""
    sessions = [s for s in await store.reception_sessions(now, now + timedelta(days=LIST_DAYS))
                if s.cutoff_at > now and await _may_attend(store, person_id, s)]
    mine = await store.person_bookings(person_id, now) if person_id is not None else []
    return ReceptionList(sessions, mine, {b.session.id: b.id for b in mine})


async def _may_attend(store: BookingStore, person_id: int | None, s: SessionView) -> bool:
    """A reception is open to everyone on the roster but its own leader (whose agenda it
    is); a visit (下访) to its unit's people."""
    if person_id is not None and person_id == s.leader_id:
        return False
    if s.visit_unit_id is None:
        return True
    return person_id is not None and await store.person_in_unit(person_id, s.visit_unit_id)


async def _roster_person(store: BookingStore, person_id: int | None, now: datetime) -> int:
    card = await store.person_card(person_id) if person_id is not None else None
    if person_id is None or card is None or not card.verified:
        raise await _refuse(store, person_id, "not_on_roster", "reception.not_on_roster", now)
    return person_id


async def _open_session(store: BookingStore, person_id: int, session_id: int,
                        now: datetime) -> SessionView:
    session = await store.reception_session(session_id)
    if session is None:
        raise await _refuse(store, person_id, "no_such_session", "reception.gone", now,
                            session=session_id)
    if session.status == CANCELLED:
        raise await _refuse(store, person_id, "cancelled", "reception.cancelled", now,
                            session=session_id)
    if session.cutoff_at <= now:
        raise await _refuse(store, person_id, "cutoff", "reception.closed", now,
                            session=session_id)
    if not await _may_attend(store, person_id, session):
        own = person_id == session.leader_id
        raise await _refuse(store, person_id, "own_session" if own else "not_in_unit",
                            "reception.own_session" if own else "reception.not_in_unit", now,
                            {"unit": session.visit_unit or ""}, session=session_id)
    if await store.person_booking_in(session_id, person_id) is not None:
        raise await _refuse(store, person_id, "already_booked", "reception.already", now,
                            session=session_id)
    return session


async def check_booking(store: BookingStore, person_id: int | None, session_id: int,
                        now: datetime) -> SessionView:
    """Whether the person may start booking that session (checked again at confirm)."""
    pid = await _roster_person(store, person_id, now)
    session = await _open_session(store, pid, session_id, now)
    if session.topics >= session.capacity:
        raise await _refuse(store, pid, "full", "reception.full", now, session=session_id)
    return session


async def book(store: BookingStore, person_id: int | None, session_id: int, text: str,
               attachments: list[JSONObject], now: datetime) -> Booked:
    """Book a new topic on the session, everything re-checked under the session's lock."""
    await store.lock_reception_session(session_id)
    text = text.strip()
    if not text:
        raise InputError("reception.topic_required")
    check_length(text, MAX_TOPIC_CHARS, "too_long.reception_topic")
    session = await check_booking(store, person_id, session_id, now)
    assert person_id is not None
    booking = await store.add_reception_topic(session_id, person_id, text,
                                              attachments[:MAX_TOPIC_FILES], now)
    await store.audit("reception_booked", person_id,
                      {"session": session_id, "booking": booking}, now)
    return Booked(booking, session, joined=False)


async def topics_of(store: BookingStore, person_id: int | None, session_id: int,
                    now: datetime) -> tuple[SessionView, list[TopicView]]:
    """The session's live topics (the flow shows only their previews, no names)."""
    session = await store.reception_session(session_id)
    if session is None or session.status == CANCELLED:
        raise await _refuse(store, person_id, "no_such_session", "reception.gone", now,
                            session=session_id)
    return session, await store.session_topics(session_id)


async def join(store: BookingStore, person_id: int | None, topic_id: int,
               now: datetime) -> Booked:
    """Join a topic (同问): the same checks as booking, and at most 3 people a topic."""
    topic = await store.reception_topic(topic_id)
    if topic is None:
        raise await _refuse(store, person_id, "no_such_topic", "reception.gone", now,
                            topic=topic_id)
    await store.lock_reception_session(topic.session_id)
    pid = await _roster_person(store, person_id, now)
    session = await _open_session(store, pid, topic.session_id, now)
    topic = await store.reception_topic(topic_id)  # read again under the lock
    if topic is None or topic.people == 0:
        raise await _refuse(store, pid, "no_such_topic", "reception.gone", now, topic=topic_id)
    if topic.people >= MAX_TOPIC_PEOPLE:
        raise await _refuse(store, pid, "topic_full", "reception.topic_full", now,
                            topic=topic_id)
    booking = await store.add_reception_booking(topic_id, session.id, pid, now)
    await store.audit("reception_joined", pid, {"topic": topic_id, "booking": booking}, now)
    return Booked(booking, session, joined=True)


async def cancel(store: BookingStore, person_id: int | None, booking_id: int,
                 now: datetime) -> SessionView:
    """Cancel one's own booking until the cut-off; after it, the office must be asked."""
    owner = await store.booking_owner(booking_id)
    if owner is None or owner[0] != person_id:
        raise await _refuse(store, person_id, "not_own_booking", "reception.gone", now,
                            booking=booking_id)
    session = await store.reception_session(owner[1])
    assert session is not None
    if session.cutoff_at <= now and session.status != CANCELLED:
        raise await _refuse(store, person_id, "cancel_after_cutoff", "reception.cancel_late",
                            now, booking=booking_id)
    await store.cancel_reception_booking(booking_id, now)
    await store.audit("reception_cancelled", person_id, {"booking": booking_id}, now)
    return session


def change_version(session: SessionView) -> str:
    """What a change notice is about: each version is told once per booking."""
    if session.status == CANCELLED:
        return CANCELLED
    return f"moved:{session.starts_at.isoformat()}"


async def tell_session_changed(store: BookingStore, session_id: int, *, now: datetime,
                               tz_render: str, default_locale: str) -> int:
    """Tell every person booked on a session that it was moved or cancelled, once per
    booking and version (``claim_reception_notice``); return how many were told.
    ``tz_render``: the zone the notice shows times in (the flow's ``[app] timezone``)."""
    session = await store.reception_session(session_id)
    if session is None:
        return 0
    version = change_version(session)
    told = 0
    for booking_id, person_id in await store.session_booked_people(session_id):
        if not await store.claim_reception_notice(booking_id, version, now):
            continue
        key = "reception.told_cancelled" if session.status == CANCELLED else "reception.told_moved"
        await notify_person(store, person_id, Reply(key, session_params(session, tz_render)),
                            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
        told += 1
    return told


def session_params(s: SessionView, tz: str) -> dict[str, JSON]:
    """The parameters every session line and notice shows (local date and times)."""
    zone = ZoneInfo(tz)
    start, end = s.starts_at.astimezone(zone), s.ends_at.astimezone(zone)
    return {"day": start.date().isoformat(),
            "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M"), "place": s.place,
            "leader": s.leader_name, "free": max(s.capacity - s.topics, 0),
            "moved_from": s.moved_from.isoformat() if s.moved_from else "",
            "unit": s.visit_unit or ""}
