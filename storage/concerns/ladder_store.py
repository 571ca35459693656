"""Store methods for the deadline ladder (a mixin of SqlStore): planning reminder rows,
claiming due ones, and the bulk reads and writes of one sweep transaction.

The claim is one ``UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING``. On PostgreSQL
the inner select takes ``FOR UPDATE SKIP LOCKED``: two processes sweeping at once take
disjoint rows instead of waiting for each other. On SQLite the database's single writer
serialises them and the second sees the first's rows as sent. Either way the claim and the
notices it writes commit together, so each row is sent exactly once.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from core.concerns.deadlines import PlannedNotice, Subject
from core.concerns.ladder import ClockView, DueNotice, LadderConcern
from core.model import ConcernType, UnitKind
from core.ports import IdentityView
from core.types import JSONObject
from storage import tables as T
from storage.people.people_store import _identity
from storage.tables.schedule import PENDING

_R = T.Reminder
_DUE_COLUMN = {Subject.ACCEPT: "due_accept_at", Subject.CONTACT: "due_contact_at",
               Subject.REPLY: "due_reply_at"}
_CHUNK = 1000


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


class LadderStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    def _defer(self, model: type[T.Base], values: dict[str, Any]) -> None: ...  # SqlStore's

    @property
    def _postgres(self) -> bool:
        return bool(self.s.bind.dialect.name == "postgresql")

    # -- used by core.concerns.handling.act ----------------------------------------------
    async def cancel_reminders(self, concern_id: int, subjects: Sequence[str] | None,
                               now: datetime) -> None:
        q = update(_R).where(_R.concern_id == concern_id, _R.status == "pending")
        if subjects is not None:
            q = q.where(_R.subject.in_(list(subjects)))
        await self.s.execute(q.values(status="cancelled", done_at=now))

    # -- planning ------------------------------------------------------------------------
    async def clocks_to_plan(self, limit: int) -> list[ClockView]:
        c = T.Concern
        q = (select(c.id, c.urgency, c.category, c.status, c.crisis, c.ladder_plan,
                    c.deadline_from, c.created_at, c.due_reply_at)
             .where(c.ladder_plan.is_not(None)).order_by(c.id).limit(limit))
        if self._postgres:
            q = q.with_for_update(skip_locked=True)
        return [ClockView(id=i, urgency=u, category=cat, status=st, crisis=bool(cr), plan=p,
                          start=start or created, due_reply_at=reply, started=start)
                for i, u, cat, st, cr, p, start, created, reply in (await self.s.execute(q))]

    async def save_plan(self, view: ClockView, dues: Mapping[Subject, datetime | None],
                        notices: Sequence[PlannedNotice], now: datetime) -> bool:
        values: dict[str, Any] = {_DUE_COLUMN[s]: at for s, at in dues.items()}
        if view.plan in ("all", "extend"):
            values["escalation_level"] = 0  # a fresh or moved reply limit: nothing late yet
        same_start = (T.Concern.deadline_from.is_(None) if view.started is None
                      else T.Concern.deadline_from == view.started)
        claimed = await self.s.execute(update(T.Concern).where(
            T.Concern.id == view.id, T.Concern.ladder_plan == view.plan, same_start).values(
            ladder_plan=None, **values))
        if claimed.rowcount != 1:
            return False  # planned by another sweep, or changed again meanwhile
        keys = [n.key for n in notices]
        stale = update(_R).where(_R.concern_id == view.id, _R.status == "pending",
                                 _R.subject.in_([s.value for s in dues]))
        if keys:
            stale = stale.where(_R.key.not_in(keys))
        await self.s.execute(stale.values(status="cancelled", done_at=now))
        if notices:
            insert = postgresql.insert if self._postgres else sqlite.insert
            await self.s.execute(insert(_R).on_conflict_do_nothing(index_elements=["key"]), [
                {"key": n.key, "kind": "ladder", "subject": n.subject.value, "step": n.step,
                 "concern_id": n.concern_id, "recipient_id": None, "urgent": n.urgent,
                 "due_at": n.due_at, "status": "pending",
                 "detail": {"limit_due": n.limit_due.isoformat()}, "created_at": now}
                for n in notices])
        return True

    # -- sending -------------------------------------------------------------------------
    async def drop_stale_reminders(self, kind: str, *, before: datetime,
                                   now: datetime) -> list[tuple[int | None, str]]:
        rows = await self.s.execute(update(_R).where(
            PENDING, _R.kind == kind, _R.due_at < before).values(
            status="dropped", done_at=now).returning(_R.concern_id, _R.key))
        return [(cid, key) for cid, key in rows]

    async def claim_due_reminders(self, kind: str, *, now: datetime, urgent_only: bool,
                                  limit: int) -> list[DueNotice]:
        ids = (select(_R.id).where(PENDING, _R.kind == kind, _R.due_at <= now)
               .order_by(_R.due_at, _R.id).limit(limit))
        if urgent_only:
            ids = ids.where(_R.urgent.is_(True))
        if self._postgres:
            claim = update(_R).where(
                _R.id.in_(ids.with_for_update(skip_locked=True).scalar_subquery()),
                _R.status == "pending")
        else:
            # No outer "status = 'pending'" here: the statement runs under SQLite's single
            # writer, so every row the subquery picks is pending. With it, SQLite's planner
            # walked the due index over every pending row, testing each id against the
            # list, instead of looking the ids up: 0.25 s per 1,000 rows claimed among 1.2
            # million pending ones (bench/scheduler.py, docs/performance.md).
            claim = update(_R).where(_R.id.in_(ids.scalar_subquery()))
        # Only the status changes, and it shrinks: a row that grew (a done_at written here)
        # would split its packed page (storage/tables/schedule.py).
        claimed = (await self.s.execute(
            claim.values(status="sent")
            .returning(_R.id, _R.subject, _R.step, _R.due_at, _R.detail, _R.concern_id))).all()
        concerns = await self._ladder_concerns(sorted({r[5] for r in claimed if r[5]}))
        out = [DueNotice(id=i, subject=subj or "", step=step, due_at=due,
                         limit_due=datetime.fromisoformat(str(detail.get("limit_due", due))),
                         concern=concerns.get(cid) if cid else None)
               for i, subj, step, due, detail, cid in claimed]
        return sorted(out, key=lambda d: (d.due_at, d.id))

    async def _ladder_concerns(self, ids: Sequence[int]) -> dict[int, LadderConcern]:
        c, handler, requester = T.Concern, aliased(T.Person), aliased(T.Person)
        rows = []
        for part in _chunks(ids):
            rows += (await self.s.execute(
                select(c.id, c.number, c.status, c.category, c.crisis, c.assigned_member_id,
                       handler.name, handler.unit_id, requester.unit_id, c.about_member, c.type)
                .join(requester, requester.id == c.requester_id)
                .join(handler, handler.id == c.assigned_member_id, isouter=True)
                .where(c.id.in_(part)))).all()
        units = await self._unit_tree()
        out = {}
        for (cid, number, status, category, crisis, member, name, h_unit, r_unit, about,
             kind) in rows:
            branch, college = _branch_and_college(units, h_unit)
            # A 举报 never falls back to the reporter's branch and college: they must not
            # supervise (or learn of) a report from one of their own.
            if branch is None and college is None and kind != ConcernType.REPORT.value:
                branch, college = _branch_and_college(units, r_unit)
            out[cid] = LadderConcern(id=cid, number=number, status=status, category=category,
                                     crisis=bool(crisis), assigned_member_id=member,
                                     handler_name=name, branch_code=branch,
                                     college_code=college, about_member=bool(about),
                                     report=kind == ConcernType.REPORT.value)
        return out

    async def _unit_tree(self) -> dict[int, tuple[str, str, int | None]]:
        rows = await self.s.execute(select(T.OrgUnit.id, T.OrgUnit.code, T.OrgUnit.kind,
                                           T.OrgUnit.parent_id))
        return {i: (code, kind, parent) for i, code, kind, parent in rows}

    async def role_holders(self, role: str, unit_codes: Sequence[str]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for part in _chunks(list(unit_codes)):
            rows = await self.s.execute(
                select(T.OrgUnit.code, T.RoleAssignment.person_id)
                .join(T.OrgUnit, T.OrgUnit.id == T.RoleAssignment.unit_id)
                .join(T.Person, T.Person.id == T.RoleAssignment.person_id)
                .where(T.RoleAssignment.role == role, T.OrgUnit.code.in_(part),
                       T.Person.active.is_(True)).distinct())
            for code, person in rows:
                out.setdefault(code, []).append(person)
        return {code: sorted(people) for code, people in out.items()}

    async def identities_of_people(self, ids: Sequence[int]) -> dict[int, list[IdentityView]]:
        out: dict[int, list[IdentityView]] = {}
        for part in _chunks(list(ids)):
            rows = (await self.s.execute(select(T.ChannelIdentity).where(
                T.ChannelIdentity.person_id.in_(part)).order_by(T.ChannelIdentity.id))).scalars()
            for r in rows:
                out.setdefault(r.person_id, []).append(_identity(r))
        return out

    async def record_ladder(self, events: Sequence[tuple[int, str, JSONObject]],
                            levels: Mapping[int, int], cancelled: Sequence[int],
                            now: datetime) -> None:
        for cid, kind, detail in events:
            self._defer(T.ConcernEvent, dict(concern_id=cid, kind=kind, from_status=None,
                                             to_status=None, actor_id=None, detail=detail,
                                             created_at=now))
        by_level: dict[int, list[int]] = {}
        for cid, level in levels.items():
            by_level.setdefault(level, []).append(cid)
        for level, ids in by_level.items():
            for part in _chunks(ids):
                await self.s.execute(update(T.Concern).where(
                    T.Concern.id.in_(part), T.Concern.escalation_level < level)
                    .values(escalation_level=level))
        for part in _chunks(list(cancelled)):
            await self.s.execute(update(_R).where(_R.id.in_(part)).values(
                status="cancelled", done_at=now))


def _branch_and_college(units: Mapping[int, tuple[str, str, int | None]],
                        unit_id: int | None) -> tuple[str | None, str | None]:
    """storage.people.people_store.branch_and_college over a unit tree read once."""
    branch = college = None
    seen = 0
    while unit_id is not None and unit_id in units and seen < 64:
        code, kind, parent = units[unit_id]
        if kind == UnitKind.BRANCH.value and branch is None:
            branch = code
        if kind == UnitKind.COLLEGE.value:
            college = code
            break
        unit_id, seen = parent, seen + 1
    return branch, college
