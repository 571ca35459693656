"""Store methods for handling concerns (a mixin of SqlStore)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from core.concerns.deadlines import Subject, next_due
from core.concerns.handling import ConcernRecord
from core.concerns.lifecycle import OPEN_STATUSES
from core.model import ConcernStatus, ConcernType
from core.ports import ConcernRow
from core.types import JSONObject, Scalar
from storage import tables as T
from storage.people.people_store import branch_and_college


class HandlingStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def _branch_and_college(self, person_id: int | None) -> tuple[str | None, str | None]:
        return await branch_and_college(self.s, person_id)

    def _record(self, c: T.Concern, branch: str | None, college: str | None) -> ConcernRecord:
        return ConcernRecord(id=c.id, number=c.number, status=ConcernStatus(c.status),
                             requester_id=c.requester_id, assigned_member_id=c.assigned_member_id,
                             category=c.category, type=c.type, anonymous=c.anonymous,
                             text=c.text, reopen_count=c.reopen_count or 0,
                             branch_code=branch, college_code=college)

    async def get_concern(self, concern_id: int) -> ConcernRecord | None:
        c = await self.s.get(T.Concern, concern_id)
        if c is None:
            return None
        branch, college = await self._branch_and_college(c.assigned_member_id)
        # A 举报 is the discipline office's: the reporter's branch and college never get a
        # relation to it (no /history, no 督办, no supervision of a report on their own).
        if branch is None and college is None and c.type != ConcernType.REPORT.value:
            branch, college = await self._branch_and_college(c.requester_id)
        return self._record(c, branch, college)

    async def roles_of(self, person_id: int) -> list[tuple[str, str]]:
        rows = await self.s.execute(select(T.RoleAssignment.role, T.OrgUnit.code).join(
            T.OrgUnit, T.OrgUnit.id == T.RoleAssignment.unit_id).where(
            T.RoleAssignment.person_id == person_id))
        return [(r, u) for r, u in rows]

    async def update_concern(self, concern_id: int, **fields: Scalar) -> None:
        await self.s.execute(update(T.Concern).where(T.Concern.id == concern_id).values(**fields))

    async def people_with_role_at(self, role: str, unit_code: str) -> list[int]:
        rows = await self.s.execute(select(T.RoleAssignment.person_id).join(
            T.OrgUnit, T.OrgUnit.id == T.RoleAssignment.unit_id).join(
            T.Person, T.Person.id == T.RoleAssignment.person_id).where(
            T.RoleAssignment.role == role, T.OrgUnit.code == unit_code,
            T.Person.active.is_(True)).distinct())
        return sorted(p for (p,) in rows)

    async def person_names(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await self.s.execute(select(T.Person.id, T.Person.name).where(T.Person.id.in_(ids)))
        return {i: n for i, n in rows}

    async def add_relay(self, concern_id: int, sender_id: int, direction: str, text: str,
                        attachments: Sequence[JSONObject], now: datetime) -> None:
        self.s.add(T.RelayMessage(concern_id=concern_id, sender_id=sender_id, direction=direction,
                                  text=text, attachments=attachments, created_at=now))

    async def concern_rows(self, *, member_id: int | None = None, requester_id: int | None = None,
                           open_only: bool = True, limit: int = 30) -> list[ConcernRow]:
        # A crisis case is the crisis team's alone: not in anyone's /my or /tasks.
        q = select(T.Concern).where(T.Concern.crisis.is_(False))
        if member_id is not None:
            q = q.where(T.Concern.assigned_member_id == member_id)
        if requester_id is not None:
            q = q.where(T.Concern.requester_id == requester_id)
        if open_only:
            q = q.where(T.Concern.status.in_([s.value for s in OPEN_STATUSES]))
        rows = (await self.s.execute(q.order_by(T.Concern.id.desc()).limit(limit))).scalars()
        return [{**concern_row(c), "created_at": c.created_at} for c in rows]

    async def due_revisits(self, now: datetime) -> list[int]:
        rows = await self.s.execute(select(T.Concern.id).where(
            T.Concern.status == ConcernStatus.REPLIED.value, T.Concern.revisit_due_at <= now))
        return [i for (i,) in rows]

    async def unanswered_revisits(self, sent_before: datetime) -> list[int]:
        rows = await self.s.execute(select(T.Concern.id).where(
            T.Concern.status == ConcernStatus.REVISIT.value,
            T.Concern.revisit_sent_at <= sent_before))
        return [i for (i,) in rows]

    async def concern_fields(self, concern_id: int, *names: str) -> dict[str, Scalar]:
        c = await self.s.get(T.Concern, concern_id)
        return {n: getattr(c, n) for n in names} if c else {}


def concern_row(c: T.Concern) -> ConcernRow:
    """A list line, with the earliest limit still open and the 督办 level reached."""
    due = next_due(c.status, {Subject.ACCEPT: c.due_accept_at, Subject.CONTACT: c.due_contact_at,
                              Subject.REPLY: c.due_reply_at})
    return {"id": c.id, "number": c.number, "status": c.status, "category": c.category,
            "due_reply_at": c.due_reply_at, "next_due": due[1] if due else None,
            "level": c.escalation_level or 0}
