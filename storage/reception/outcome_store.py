"""After-session records: ``core.reception.outcome.OutcomeStore``'s own methods (a mixin
of SqlStore)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from core.model import UnitKind
from core.reception.ports import TopicRecord, UnitChoice
from core.reception.ports import SessionView
from storage import tables as T

_S, _Sc, _Tp, _B = T.ReceptionSession, T.ReceptionSchedule, T.ReceptionTopic, T.ReceptionBooking
_KIND_ORDER = {UnitKind.FUNCTIONAL.value: 0, UnitKind.COLLEGE.value: 1}


class ReceptionOutcomeMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def topic_for_record(self, topic_id: int) -> TopicRecord | None:
        row = (await self.s.execute(
            select(_Tp, _S.starts_at, _S.local_date, _Sc.leader_id, T.Person.name)
            .join(_S, _S.id == _Tp.session_id).join(_Sc, _Sc.id == _S.schedule_id)
            .join(T.Person, T.Person.id == _Sc.leader_id)
            .where(_Tp.id == topic_id))).first()
        if row is None:
            return None
        topic, starts_at, day, leader_id, leader_name = row
        people = tuple(await self.s.scalars(
            select(_B.person_id).where(_B.topic_id == topic_id, _B.cancelled_at.is_(None))
            .order_by(_B.id)))
        return TopicRecord(topic.id, topic.session_id, starts_at, day.isoformat(), leader_id,
                           leader_name, topic.text, tuple(topic.attachments or ()), people,
                           topic.outcome, topic.cancelled_at is not None or not people)

    async def followup_units(self) -> list[UnitChoice]:
        rows = await self.s.execute(
            select(T.OrgUnit.id, T.OrgUnit.code, T.OrgUnit.name, T.OrgUnit.kind)
            .where(T.OrgUnit.active.is_(True), T.OrgUnit.kind.in_(list(_KIND_ORDER))))
        found = [UnitChoice(i, code, name, kind) for i, code, name, kind in rows]
        return sorted(found, key=lambda u: (_KIND_ORDER[u.kind], u.code))

    async def set_topic_outcome(self, topic_id: int, outcome: str, *, by: int, now: datetime,
                                concern_id: int | None = None,
                                unit_id: int | None = None) -> bool:
        done = await self.s.execute(
            update(_Tp).where(_Tp.id == topic_id, _Tp.outcome.is_(None)).values(
                outcome=outcome, outcome_by=by, outcome_at=now, concern_id=concern_id,
                unit_id=unit_id).execution_options(synchronize_session=False))
        return bool(done.rowcount == 1)

    async def link_topic_concern(self, topic_id: int, concern_id: int) -> None:
        await self.s.execute(update(_Tp).where(_Tp.id == topic_id).values(
            concern_id=concern_id).execution_options(synchronize_session=False))

    async def leader_upcoming(self, leader_id: int, since: datetime,
                              until: datetime) -> list[SessionView]:
        """The leader's sessions starting in ``since``..``until``, not cancelled."""
        return await self._session_views(  # type: ignore[attr-defined]
            _S.starts_at >= since, _S.starts_at <= until, _S.status != "cancelled",
            _Sc.leader_id == leader_id)

    async def sessions_to_record(self, leader_id: int | None, since: datetime,
                                 now: datetime) -> list[int]:
        """Sessions (of ``leader_id``, or all for an admin) started in ``since``..``now``
        that have a live topic without an outcome, latest first."""
        q = (select(_S.id).join(_Sc, _Sc.id == _S.schedule_id)
             .join(_Tp, (_Tp.session_id == _S.id) & _Tp.cancelled_at.is_(None)
                   & _Tp.outcome.is_(None))
             .where(_S.starts_at >= since, _S.starts_at <= now, _S.status != "cancelled")
             .group_by(_S.id, _S.starts_at).order_by(_S.starts_at.desc()))
        if leader_id is not None:
            q = q.where(_Sc.leader_id == leader_id)
        return list(await self.s.scalars(q))
