"""Store method for a concern's history (core.concerns.history): its events, oldest first
(a mixin of SqlStore)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.concerns.history_ports import ConcernEventView
from storage import tables as T


class HistoryStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def concern_events(self, concern_id: int) -> list[ConcernEventView]:
        rows = (await self.s.execute(select(T.ConcernEvent).where(
            T.ConcernEvent.concern_id == concern_id).order_by(
            T.ConcernEvent.created_at, T.ConcernEvent.id))).scalars()
        return [ConcernEventView(id=e.id, kind=e.kind, from_status=e.from_status,
                                 to_status=e.to_status, actor_id=e.actor_id,
                                 detail=dict(e.detail or {}), created_at=e.created_at)
                for e in rows]
