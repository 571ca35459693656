"""Store methods for crisis cases and their pages (a mixin of SqlStore)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from core.ports import CrisisCase, CrisisPageView, CrisisSubject
from core.crisis.close import CLOSABLE
from core.concerns.lifecycle import OPEN_STATUSES
from core.model import ConcernStatus
from storage import tables as T


_OPEN = [s.value for s in OPEN_STATUSES]
# Escalation is for cases nobody has taken yet: once acknowledged (ACCEPTED) a case never
# escalates, even through pages an escalation added while the acknowledgement committed.
_UNTAKEN = [ConcernStatus.DISPATCHED.value]


def _page(r: T.CrisisPage) -> CrisisPageView:
    return CrisisPageView(id=r.id, concern_id=r.concern_id, level=r.level,
                          person_id=r.person_id, paged_at=r.paged_at,
                          escalate_at=r.escalate_at, acked_at=r.acked_at, acked_by=r.acked_by,
                          escalated_at=r.escalated_at)


class CrisisStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def person_ids_by_numbers(self, numbers: list[str]) -> list[int]:
        numbers = [n for n in numbers if n]
        if not numbers:
            return []
        rows = await self.s.execute(select(T.Person.id, T.Person.number).where(
            T.Person.number.in_(numbers), T.Person.active.is_(True)))
        found = {n: i for i, n in rows}
        return [found[n] for n in numbers if n in found]  # in the configured order

    async def crisis_subject(self, person_id: int) -> CrisisSubject | None:
        card = await self.person_card(person_id)  # type: ignore[attr-defined]
        p = await self.s.get(T.Person, person_id)
        if card is None or p is None:
            return None
        dorm = " ".join(x for x in (p.dorm_building, p.dorm_room) if x) or None
        return CrisisSubject(person_id=person_id, name=card.name, number=card.number,
                             college=card.college_name, dorm=dorm, phone=p.phone)

    async def crisis_case(self, concern_id: int) -> CrisisCase | None:
        c = await self.s.get(T.Concern, concern_id)
        if c is None or not c.crisis:
            return None
        parent = await self.s.get(T.Concern, c.parent_concern_id) if c.parent_concern_id \
            else None
        return CrisisCase(id=c.id, number=c.number, requester_id=c.requester_id, text=c.text,
                          parent_concern_id=c.parent_concern_id,
                          parent_number=parent.number if parent else None, status=c.status,
                          tier=c.crisis_tier or "crisis", created_at=c.created_at)

    async def open_crisis_case_of(self, requester_id: int) -> int | None:
        return (await self.s.execute(select(T.Concern.id).where(
            T.Concern.requester_id == requester_id, T.Concern.crisis.is_(True),
            T.Concern.status.in_(_OPEN))
            .order_by(T.Concern.id.desc()).limit(1))).scalar_one_or_none()

    async def add_crisis_page(self, concern_id: int, level: int, person_id: int,
                              paged_at: datetime, escalate_at: datetime | None) -> int:
        row = T.CrisisPage(concern_id=concern_id, level=level, person_id=person_id,
                           paged_at=paged_at, escalate_at=escalate_at)
        self.s.add(row)
        await self.s.flush()
        return row.id

    async def crisis_pages(self, concern_id: int) -> list[CrisisPageView]:
        rows = (await self.s.execute(select(T.CrisisPage).where(
            T.CrisisPage.concern_id == concern_id).order_by(T.CrisisPage.id)
            .execution_options(populate_existing=True))).scalars()
        return [_page(r) for r in rows]

    async def unacked_crisis_pages(self) -> list[CrisisPageView]:
        # Pages of untaken cases only: a taken or closed case never escalates, whatever
        # its pages say.
        rows = (await self.s.execute(select(T.CrisisPage).join(
            T.Concern, T.Concern.id == T.CrisisPage.concern_id).where(
            T.CrisisPage.acked_at.is_(None), T.Concern.status.in_(_UNTAKEN))
            .order_by(T.CrisisPage.id)
            .execution_options(populate_existing=True))).scalars()
        return [_page(r) for r in rows]

    async def claim_crisis_escalation(self, concern_id: int, level: int, now: datetime) -> bool:
        # One conditional UPDATE: of two concurrent claims only one matches any row (on
        # PostgreSQL the second waits for the first's row locks, then re-checks the WHERE).
        # A closed case matches no row; a close that commits while this claim waits for
        # its page locks (close_crisis) is seen by core.crisis.paging.escalate's re-read.
        open_case = select(T.Concern.id).where(T.Concern.id == concern_id,
                                               T.Concern.status.in_(_UNTAKEN))
        res = await self.s.execute(update(T.CrisisPage).where(
            T.CrisisPage.concern_id == concern_id, T.CrisisPage.level == level,
            T.CrisisPage.escalated_at.is_(None), T.CrisisPage.acked_at.is_(None),
            T.CrisisPage.concern_id.in_(open_case))
            .values(escalated_at=now).execution_options(synchronize_session=False))
        return (res.rowcount or 0) > 0

    async def ack_crisis(self, concern_id: int, person_id: int, now: datetime) -> bool:
        res = await self.s.execute(update(T.CrisisPage).where(
            T.CrisisPage.concern_id == concern_id, T.CrisisPage.acked_at.is_(None))
            .values(acked_at=now, acked_by=person_id)
            .execution_options(synchronize_session=False))
        return (res.rowcount or 0) > 0

    async def held_reviews(self) -> list[CrisisCase]:
        paged = select(T.CrisisPage.concern_id)
        ids = (await self.s.execute(select(T.Concern.id).where(
            T.Concern.crisis.is_(True), T.Concern.crisis_tier == "review",
            T.Concern.status.in_(_UNTAKEN), T.Concern.id.not_in(paged))
            .order_by(T.Concern.id))).scalars().all()
        cases = [await self.crisis_case(i) for i in ids]
        return [c for c in cases if c is not None]

    async def reset_crisis_deadline(self, concern_id: int, escalate_at: datetime) -> None:
        await self.s.execute(update(T.CrisisPage).where(
            T.CrisisPage.concern_id == concern_id, T.CrisisPage.acked_at.is_(None),
            T.CrisisPage.escalated_at.is_(None), T.CrisisPage.escalate_at.is_not(None))
            .values(escalate_at=escalate_at).execution_options(synchronize_session=False))

    async def close_crisis(self, concern_id: int, now: datetime) -> bool:
        """Close a taken crisis case (status in CLOSABLE); False if it was not (any more).

        The case's pages are locked first, in the order acknowledging takes its locks: an
        escalation claim running meanwhile either commits first (its new pages are then
        read, and told, by the closer) or waits and then finds the case closed.
        """
        await self.s.execute(select(T.CrisisPage.id).where(
            T.CrisisPage.concern_id == concern_id).with_for_update())
        res = await self.s.execute(update(T.Concern).where(
            T.Concern.id == concern_id, T.Concern.crisis.is_(True),
            T.Concern.status.in_([s.value for s in CLOSABLE]))
            .values(status=ConcernStatus.CLOSED.value, closed_at=now, updated_at=now)
            .execution_options(synchronize_session="fetch"))
        return (res.rowcount or 0) > 0
