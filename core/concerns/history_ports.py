"""The store port of a concern's history (core.concerns.history): its events as read back.

Kept beside its use case because core/ports.py is at its size limit; ``core.ports.Store``
includes ``HistoryStore``, so a flow reaches it through ``ctx.store`` like every port.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.types import JSONObject


@dataclass(frozen=True)
class ConcernEventView:
    """One row of ``concern_events`` (written by ``ConcernStore.add_event``)."""

    id: int
    kind: str
    from_status: str | None
    to_status: str | None
    actor_id: int | None  # None: the system (router, sweeps)
    detail: JSONObject
    created_at: datetime


class HistoryStore(Protocol):
    """A concern's events."""

    async def concern_events(self, concern_id: int) -> list[ConcernEventView]:
        """Every event of the concern, oldest first (ties in the order written)."""
        ...
