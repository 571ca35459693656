"""Sessions, topics and bookings of reception days: ``core.reception.ports.ReceptionStore``
over the store's session (composed into ``storage/store.py`` ``SqlStore``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.reception.ports import BookingView, SessionView, TopicView
from core.types import JSONObject
from storage import tables as T

_S, _Sc, _Tp, _B = T.ReceptionSession, T.ReceptionSchedule, T.ReceptionTopic, T.ReceptionBooking


class ReceptionStoreMixin:
    s: AsyncSession

    async def _session_views(self, *where: object) -> list[SessionView]:
        live = (select(func.count(_Tp.id)).where(_Tp.session_id == _S.id,
                                                 _Tp.cancelled_at.is_(None))
                .correlate(_S).scalar_subquery())
        rows = await self.s.execute(
            select(_S, _Sc.place, _Sc.capacity, T.Person.name, live, _Sc.contact_unit_id,
                   T.OrgUnit.name, _Sc.leader_id)
            .join(_Sc, _Sc.id == _S.schedule_id).join(T.Person, T.Person.id == _Sc.leader_id)
            .outerjoin(T.OrgUnit, T.OrgUnit.id == _Sc.contact_unit_id)
            .where(*where).order_by(_S.starts_at, _S.id))  # type: ignore[arg-type]
        return [SessionView(r.id, r.local_date, r.starts_at, r.ends_at, r.cutoff_at, r.status,
                            r.moved_from, place, name, capacity, int(n or 0), unit_id, unit,
                            leader)
                for r, place, capacity, name, n, unit_id, unit, leader in rows]

    async def reception_sessions(self, since: datetime, until: datetime) -> list[SessionView]:
        return await self._session_views(_S.starts_at >= since, _S.starts_at <= until,
                                         _S.status != "cancelled")

    async def reception_session(self, session_id: int) -> SessionView | None:
        found = await self._session_views(_S.id == session_id)
        return found[0] if found else None

    async def lock_reception_session(self, session_id: int) -> None:
        # An UPDATE that changes nothing: a row lock on PostgreSQL, the write lock on
        # SQLite (taken at once, so the reads after it see the other's commit).
        await self.s.execute(update(_S).where(_S.id == session_id).values(status=_S.status)
                             .execution_options(synchronize_session=False))

    async def _topics(self, *where: object) -> list[TopicView]:
        rows = await self.s.execute(
            select(_Tp.id, _Tp.session_id, _Tp.text, _B.person_id)
            .join(_B, (_B.topic_id == _Tp.id) & _B.cancelled_at.is_(None))
            .where(_Tp.cancelled_at.is_(None), *where)  # type: ignore[arg-type]
            .order_by(_Tp.id, _B.id))
        found: dict[int, tuple[int, str, list[int]]] = {}
        for tid, sid, text, pid in rows:
            found.setdefault(tid, (sid, text, []))[2].append(pid)
        return [TopicView(tid, sid, text, len(people), tuple(people))
                for tid, (sid, text, people) in found.items()]

    async def session_topics(self, session_id: int) -> list[TopicView]:
        return await self._topics(_Tp.session_id == session_id)

    async def reception_topic(self, topic_id: int) -> TopicView | None:
        found = await self._topics(_Tp.id == topic_id)
        if found:
            return found[0]
        row = await self.s.get(_Tp, topic_id)
        return TopicView(row.id, row.session_id, row.text, 0, ()) if row else None

    async def person_in_unit(self, person_id: int, unit_id: int) -> bool:
        unit = await self.s.scalar(select(T.Person.unit_id).where(T.Person.id == person_id))
        if unit is None:
            return False
        return unit == unit_id or await self.s.scalar(select(T.OrgUnit.parent_id).where(
            T.OrgUnit.id == unit)) == unit_id

    async def person_booking_in(self, session_id: int, person_id: int) -> int | None:
        return await self.s.scalar(select(_B.id).where(
            _B.session_id == session_id, _B.person_id == person_id, _B.cancelled_at.is_(None)))

    async def add_reception_topic(self, session_id: int, person_id: int, text: str,
                                  attachments: list[JSONObject], now: datetime) -> int:
        topic = _Tp(session_id=session_id, text=text, attachments=list(attachments),
                    created_by=person_id, created_at=now)
        self.s.add(topic)
        await self.s.flush()
        return await self.add_reception_booking(topic.id, session_id, person_id, now)

    async def add_reception_booking(self, topic_id: int, session_id: int, person_id: int,
                                    now: datetime) -> int:
        booking = _B(topic_id=topic_id, session_id=session_id, person_id=person_id,
                     created_at=now)
        self.s.add(booking)
        await self.s.flush()
        return booking.id

    async def person_bookings(self, person_id: int, since: datetime) -> list[BookingView]:
        rows = (await self.s.execute(
            select(_B.id, _B.topic_id, _B.session_id, _Tp.text, _Tp.created_by)
            .join(_Tp, _Tp.id == _B.topic_id).join(_S, _S.id == _B.session_id)
            .where(_B.person_id == person_id, _B.cancelled_at.is_(None), _S.ends_at > since)
            .order_by(_S.starts_at, _B.id))).all()
        sessions = {v.id: v for v in await self._session_views(
            _S.id.in_({r.session_id for r in rows}))} if rows else {}
        return [BookingView(r.id, r.topic_id, sessions[r.session_id], r.text,
                            r.created_by == person_id) for r in rows]

    async def booking_owner(self, booking_id: int) -> tuple[int, int, int] | None:
        row = (await self.s.execute(select(_B.person_id, _B.session_id, _B.topic_id).where(
            _B.id == booking_id, _B.cancelled_at.is_(None)))).first()
        return (row[0], row[1], row[2]) if row else None

    async def cancel_reception_booking(self, booking_id: int, now: datetime) -> None:
        booking = await self.s.get(_B, booking_id)
        if booking is None or booking.cancelled_at is not None:
            return
        booking.cancelled_at = now
        await self.s.flush()
        left = await self.s.scalar(select(func.count(_B.id)).where(
            _B.topic_id == booking.topic_id, _B.cancelled_at.is_(None)))
        if not left:
            await self.s.execute(update(_Tp).where(_Tp.id == booking.topic_id)
                                 .values(cancelled_at=now)
                                 .execution_options(synchronize_session=False))

    async def session_booked_people(self, session_id: int) -> list[tuple[int, int]]:
        rows = await self.s.execute(select(_B.id, _B.person_id).where(
            _B.session_id == session_id, _B.cancelled_at.is_(None)).order_by(_B.id))
        return [(b, p) for b, p in rows]

    async def claim_reception_notice(self, booking_id: int, version: str,
                                     now: datetime) -> bool:
        # Two processes at once: the unique key refuses the second insert and its
        # transaction (the materialisation) rolls back, to be retried by its next run.
        if await self.s.scalar(select(T.ReceptionNotice.id).where(
                T.ReceptionNotice.booking_id == booking_id,
                T.ReceptionNotice.version == version)) is not None:
            return False
        self.s.add(T.ReceptionNotice(booking_id=booking_id, version=version, created_at=now))
        await self.s.flush()
        return True
