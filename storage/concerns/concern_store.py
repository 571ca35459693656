"""Store methods for concerns: looking one up, numbering, adding it with its events and
attachments, and the open load of members (a mixin of SqlStore)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from core.model import ConcernStatus, Zone, ZoneScope
from core.types import JSON, JSONObject, Scalar
from storage import tables as T

OPEN_STATUSES = [s.value for s in (ConcernStatus.RECEIVED, ConcernStatus.DISPATCHED,
                                   ConcernStatus.ACCEPTED, ConcernStatus.IN_PROGRESS,
                                   ConcernStatus.EXTENSION_REQUESTED, ConcernStatus.REOPENED,
                                   ConcernStatus.RETURNED)]


class ConcernStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    # -- concerns ---------------------------------------------------------------------
    async def concern_by_source(self, source_key: str) -> tuple[int, str, int | None] | None:
        r = (await self.s.execute(select(T.Concern.id, T.Concern.number,
                                         T.Concern.assigned_member_id).where(
            T.Concern.source_key == source_key))).first()
        return None if r is None else (r[0], r[1], r[2])

    async def active_zones(self, category: str) -> list[Zone]:
        rows = (await self.s.execute(select(T.ResponsibilityZone).join(
            T.Person, T.Person.id == T.ResponsibilityZone.member_id).where(
            T.ResponsibilityZone.active.is_(True), T.Person.active.is_(True),
            T.ResponsibilityZone.category.in_([category, "*"])))).scalars()
        return [Zone(id=z.id, category=z.category, scope=ZoneScope(z.scope), value=z.value,
                     member_id=z.member_id, deputy_id=z.deputy_id) for z in rows]

    async def open_load(self, member_ids: list[int]) -> dict[int, int]:
        if not member_ids:
            return {}
        rows = await self.s.execute(select(T.Concern.assigned_member_id, func.count()).where(
            T.Concern.assigned_member_id.in_(member_ids), T.Concern.status.in_(OPEN_STATUSES))
            .group_by(T.Concern.assigned_member_id))
        return {m: n for m, n in rows}

    async def next_concern_seq(self, year: int) -> int:
        # UPDATE ... first takes the row lock on PostgreSQL, so concurrent intakes serialise
        # here instead of colliding on the unique concern number.
        res = await self.s.execute(update(T.ConcernCounter).where(T.ConcernCounter.year == year)
                                   .values(last=T.ConcernCounter.last + 1)
                                   .returning(T.ConcernCounter.last))
        got = res.scalar_one_or_none()
        if got is not None:
            return got
        self.s.add(T.ConcernCounter(year=year, last=1))
        await self.s.flush()
        return 1

    async def add_concern(self, **fields: Scalar) -> int:
        c = T.Concern(**fields)
        self.s.add(c)
        await self.s.flush()
        return c.id

    async def add_event(self, concern_id: int, kind: str, *, from_status: str | None,
                        to_status: str | None, actor_id: int | None, detail: JSONObject,
                        now: datetime) -> None:
        self.s.add(T.ConcernEvent(concern_id=concern_id, kind=kind, from_status=from_status,
                                  to_status=to_status, actor_id=actor_id, detail=detail,
                                  created_at=now))

    async def add_attachment(self, concern_id: int, attachment: JSONObject,
                             now: datetime) -> None:
        self.s.add(T.Attachment(concern_id=concern_id, kind=attachment["kind"],
                                file_name=attachment.get("file_name"),
                                mime_type=attachment.get("mime_type"),
                                size=attachment.get("size"), channel_refs=attachment["refs"],
                                created_at=now))

    async def concern_attachments(self, concern_id: int) -> list[dict[str, JSON]]:
        rows = (await self.s.execute(select(T.Attachment).where(
            T.Attachment.concern_id == concern_id).order_by(T.Attachment.id))).scalars()
        return [{k: v for k, v in (("kind", r.kind), ("refs", r.channel_refs),
                                   ("file_name", r.file_name), ("mime_type", r.mime_type),
                                   ("size", r.size)) if v is not None} for r in rows]
