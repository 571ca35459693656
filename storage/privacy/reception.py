"""Reception topics and bookings anonymised (docs/decisions/0027): a topic's text and files
go, and its creator and every person booked on it become their anonymous requesters
(``anonymise.stand_ins``), so neither the topic nor a booking says who came or what they
raised. Retention does this ``retention_days`` after the session for a topic with no open
concern (one whose follow-up concern is still handled waits); anonymising a concern does
it at once for the topic it came from, whose bookings would otherwise still name who
asked it (booking → topic → concern)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select

from core.model import ConcernStatus
from core.privacy.policy import ANONYMISED_TEXT, ANONYMOUS_PREFIX
from core.privacy.ports import Removed, StoredFile
from storage import tables as T
from storage.privacy.files import files_of

#: a follow-up concern in these states no longer needs its topic
_OVER = [s.value for s in (ConcernStatus.CLOSED, ConcernStatus.REJECTED, ConcernStatus.MERGED)]


def _anonymous() -> Any:
    return select(T.Person.id).where(T.Person.number.like(f"{ANONYMOUS_PREFIX}%"))


async def due_topics(s: Any, ended_before: datetime, limit: int) -> list[int]:
    """Topics of sessions that ended before ``ended_before``, whose concern (if any) is
    over, and that still hold a text, a file or a person; oldest session first."""
    anonymous = _anonymous()
    booked = exists().where(T.ReceptionBooking.topic_id == T.ReceptionTopic.id,
                            T.ReceptionBooking.person_id.not_in(anonymous))
    open_concern = exists().where(T.Concern.id == T.ReceptionTopic.concern_id,
                                  T.Concern.status.not_in(_OVER))
    return list(await s.scalars(
        select(T.ReceptionTopic.id).join(
            T.ReceptionSession, T.ReceptionSession.id == T.ReceptionTopic.session_id).where(
            T.ReceptionSession.ends_at < ended_before, ~open_concern,
            or_(T.ReceptionTopic.text != ANONYMISED_TEXT,
                T.ReceptionTopic.created_by.not_in(anonymous), booked))
        .order_by(T.ReceptionSession.ends_at, T.ReceptionTopic.id).limit(limit)))


async def anonymise_topics(s: Any, topics: Sequence[Any], now: datetime) -> Removed:
    """These topics (rows) and all their bookings anonymised; what was touched."""
    from storage.privacy.anonymise import stand_ins  # anonymise uses this module too

    if not topics:
        return Removed()
    ids = [t.id for t in topics]
    bookings = (await s.execute(select(T.ReceptionBooking).where(
        T.ReceptionBooking.topic_id.in_(ids)))).scalars().all()
    people = {t.created_by for t in topics} | {b.person_id for b in bookings}
    anonymous = set(await s.scalars(_anonymous().where(T.Person.id.in_(sorted(people)))))
    stand_in = await stand_ins(s, sorted(people - anonymous), now)
    files: list[StoredFile] = []
    for topic in topics:
        files += files_of(topic.attachments or [])
        topic.text, topic.attachments = ANONYMISED_TEXT, []
        topic.created_by = stand_in.get(topic.created_by, topic.created_by)
    moved = 0
    for booking in bookings:
        if booking.person_id in stand_in:
            booking.person_id = stand_in[booking.person_id]
            moved += 1
    await s.flush()
    return Removed(reception_topics=len(topics), reception_bookings=moved, files=files)


async def anonymise_topic_ids(s: Any, ids: Sequence[int], now: datetime) -> Removed:
    topics = (await s.execute(select(T.ReceptionTopic).where(
        T.ReceptionTopic.id.in_(list(ids))).order_by(T.ReceptionTopic.id))).scalars().all()
    return await anonymise_topics(s, topics, now)
