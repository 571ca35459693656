"""Reception reminder rows (kind ``reception``) and a session's agenda: the store side of
``core.reception.reminders`` and ``core.reception.agenda`` (a mixin of SqlStore).

Claiming is the ladder's statement (storage/concerns/ladder_store.py): one ``UPDATE ...
WHERE id IN (SELECT ... [FOR UPDATE SKIP LOCKED]) RETURNING``, committed with the messages
it writes, so each row is sent once however many processes sweep.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from core.model import ConcernStatus, ConcernType
from core.reception.ports import AgendaPerson, AgendaTopic, Hosts, RelatedConcern
from core.reception.ports import DueReminder, PlannedReminder, SessionClock
from storage import tables as T
from storage.tables.schedule import PENDING

_R, _S, _Sc = T.Reminder, T.ReceptionSession, T.ReceptionSchedule
_CHUNK = 500


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]

_Tp, _B = T.ReceptionTopic, T.ReceptionBooking
KIND = "reception"
#: categories never shown on an agenda: mental and physical health (DOMAIN.md: the crisis
#: team's and the person's own business, not a leader's or an accompanying head's)
SENSITIVE = ("psych", "health")
_CLOSED = (ConcernStatus.CLOSED.value, ConcernStatus.MERGED.value, ConcernStatus.REJECTED.value)


class ReceptionReminderMixin:
    s: Any  # the AsyncSession, set by SqlStore

    @property
    def _postgres(self) -> bool:
        return bool(self.s.bind.dialect.name == "postgresql")

    async def reception_clocks(self, since: datetime, until: datetime) -> list[SessionClock]:
        rows = await self.s.execute(
            select(_S.id, _S.local_date, _S.starts_at, _S.ends_at, _S.cutoff_at, _S.status,
                   _Sc.contact_unit_id)
            .join(_Sc, _Sc.id == _S.schedule_id)
            .where(_S.ends_at > since, _S.starts_at < until).order_by(_S.id))
        return [SessionClock(i, day, start, end, cutoff, status, unit is not None)
                for i, day, start, end, cutoff, status, unit in rows]

    async def sync_reception_reminders(self, planned: Sequence[PlannedReminder],
                                       now: datetime) -> tuple[int, int]:
        due = {p.key: p for p in planned}
        # Every pending reception row not planned now goes: its session moved (perhaps out
        # of the planning window), was cancelled or has started.
        pending = set(await self.s.scalars(select(_R.key).where(PENDING, _R.kind == KIND)))
        stale = sorted(pending - set(due))
        for part in _chunks(stale):
            await self.s.execute(update(_R).where(_R.key.in_(part), _R.status == "pending")
                                 .values(status="cancelled", done_at=now))
        known: dict[str, tuple[str, datetime]] = {}
        for part in _chunks(sorted(due)):
            known.update({k: (st, at) for k, st, at in await self.s.execute(
                select(_R.key, _R.status, _R.due_at).where(_R.key.in_(part)))})
        # A cancelled row planned again (a session cancelled, then restored; moved away and
        # back) is pending again, and a pending row follows its new due time (a changed
        # cut-off or end); sent and dropped rows stay as they are.
        for key, (status, at) in known.items():
            p = due[key]
            if status == "cancelled" or (status == "pending" and at != p.due_at):
                await self.s.execute(update(_R).where(_R.key == key).values(
                    status="pending", due_at=p.due_at, done_at=None))
        new = [p for p in planned if p.key not in known]
        if new:
            insert = postgresql.insert if self._postgres else sqlite.insert
            await self.s.execute(insert(_R).on_conflict_do_nothing(index_elements=["key"]), [
                {"key": p.key, "kind": KIND, "subject": p.what.value, "step": 0,
                 "concern_id": None, "session_id": p.session_id, "recipient_id": None,
                 "urgent": False, "due_at": p.due_at, "status": "pending", "detail": {},
                 "created_at": now} for p in new])
        revived = sum(1 for st, _ in known.values() if st == "cancelled")
        return len(new) + revived, len(stale)

    async def claim_reception_reminders(self, *, now: datetime,
                                        limit: int) -> list[DueReminder]:
        ids = (select(_R.id).where(PENDING, _R.kind == KIND, _R.due_at <= now)
               .order_by(_R.due_at, _R.id).limit(limit))
        if self._postgres:
            claim = update(_R).where(
                _R.id.in_(ids.with_for_update(skip_locked=True).scalar_subquery()),
                _R.status == "pending")
        else:  # SQLite's single writer: every id the subquery picks is pending
            claim = update(_R).where(_R.id.in_(ids.scalar_subquery()))
        rows = (await self.s.execute(claim.values(status="sent", done_at=now).returning(
            _R.id, _R.session_id, _R.subject, _R.due_at))).all()
        return sorted((DueReminder(i, sid, what or "", due) for i, sid, what, due in rows),
                      key=lambda r: (r.due_at, r.id))

    async def unit_people(self, unit_id: int) -> list[int]:
        """Active people of the unit and of its sub-units (one level: a college's branches)
        who have a reachable chat: an announcement is not worth an audit row per person
        who never bound an account."""
        under = select(T.OrgUnit.id).where(T.OrgUnit.parent_id == unit_id)
        reachable = select(T.ChannelIdentity.person_id).where(
            T.ChannelIdentity.person_id == T.Person.id,
            T.ChannelIdentity.unreachable_at.is_(None)).exists()
        return list(await self.s.scalars(
            select(T.Person.id).where(T.Person.active.is_(True), reachable,
                                      (T.Person.unit_id == unit_id) | T.Person.unit_id.in_(under))
            .order_by(T.Person.id)))

    # -- the agenda ------------------------------------------------------------------------
    async def session_hosts(self, session_id: int) -> Hosts | None:
        row = (await self.s.execute(
            select(_Sc.leader_id, _Sc.accompany, _Sc.contact_unit_id, T.OrgUnit.name)
            .join(_S, _S.schedule_id == _Sc.id)
            .outerjoin(T.OrgUnit, T.OrgUnit.id == _Sc.contact_unit_id)
            .where(_S.id == session_id))).first()
        if row is None:
            return None
        leader, accompany, unit_id, unit_name = row
        ids = [int(p) for p in accompany or [] if isinstance(p, int)]
        names = dict((await self.s.execute(
            select(T.Person.id, T.Person.name).where(T.Person.id.in_(ids)))).all()) if ids else {}
        return Hosts(leader, tuple(ids), tuple(names[i] for i in ids if i in names),
                     unit_id, unit_name)

    async def session_agenda(self, session_id: int) -> list[AgendaTopic]:
        unit, handler_unit = aliased(T.OrgUnit), aliased(T.OrgUnit)
        rows = await self.s.execute(
            select(_Tp.id, _Tp.text, _Tp.attachments, _Tp.outcome, T.Concern.number,
                   handler_unit.name, T.Person.id, T.Person.name, unit.name)
            .join(_B, (_B.topic_id == _Tp.id) & _B.cancelled_at.is_(None))
            .join(T.Person, T.Person.id == _B.person_id)
            .outerjoin(unit, unit.id == T.Person.unit_id)
            .outerjoin(T.Concern, T.Concern.id == _Tp.concern_id)
            .outerjoin(handler_unit, handler_unit.id == _Tp.unit_id)
            .where(_Tp.session_id == session_id, _Tp.cancelled_at.is_(None))
            .order_by(_Tp.id, _B.id))
        found: dict[int, tuple[Any, ...]] = {}
        people: dict[int, list[AgendaPerson]] = {}
        for tid, text, files, outcome, number, hunit, pid, name, uname in rows:
            found.setdefault(tid, (text, len(files or []), outcome, number, hunit))
            people.setdefault(tid, []).append(AgendaPerson(pid, name, uname or ""))
        return [AgendaTopic(tid, text, files, tuple(people[tid]), outcome, number, hunit)
                for tid, (text, files, outcome, number, hunit) in found.items()]

    async def related_open_concerns(self, person_ids: Sequence[int],
                                    ) -> dict[int, list[RelatedConcern]]:
        if not person_ids:
            return {}
        c = T.Concern
        rows = await self.s.execute(
            select(c.requester_id, c.number, c.category, c.status)
            .where(c.requester_id.in_(list(person_ids)), c.status.not_in(_CLOSED),
                   c.anonymous.is_(False), c.crisis.is_(False),
                   c.type != ConcernType.REPORT.value, c.category.not_in(SENSITIVE))
            .order_by(c.requester_id, c.id))
        out: dict[int, list[RelatedConcern]] = {}
        for pid, number, category, status in rows:
            out.setdefault(pid, []).append(RelatedConcern(number, category, status))
        return out
