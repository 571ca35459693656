"""The crisis area's store port (``storage/crisis/``), one of ``core.ports.Store``'s
bases, and the shapes it returns (re-exported by ``core.ports``). This module imports
nothing of ``core.ports``, which imports it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

@dataclass(frozen=True)
class CrisisPageView:
    id: int
    concern_id: int
    level: int
    person_id: int
    paged_at: datetime
    escalate_at: datetime | None
    acked_at: datetime | None
    acked_by: int | None
    escalated_at: datetime | None


@dataclass(frozen=True)
class CrisisSubject:
    """Who the case is about, as the crisis team sees it (identity escrow overridden)."""

    person_id: int
    name: str
    number: str | None
    college: str | None
    dorm: str | None
    phone: str | None


@dataclass(frozen=True)
class CrisisCase:
    id: int
    number: str
    requester_id: int
    text: str
    parent_concern_id: int | None
    parent_number: str | None = None
    status: str = ""  # the concern's status (core.model.ConcernStatus value)
    tier: str = "crisis"  # "crisis" (P0) or "review" (a needs-review item)
    created_at: datetime | None = None


class CrisisStore(Protocol):
    """Crisis (P0) cases and their pages."""

    async def crisis_subject(self, person_id: int) -> CrisisSubject | None: ...
    async def crisis_case(self, concern_id: int) -> CrisisCase | None: ...
    async def open_crisis_case_of(self, requester_id: int) -> int | None: ...
    async def add_crisis_page(self, concern_id: int, level: int, person_id: int,
                              paged_at: datetime, escalate_at: datetime | None) -> int: ...
    async def crisis_pages(self, concern_id: int) -> list[CrisisPageView]: ...
    async def unacked_crisis_pages(self) -> list[CrisisPageView]: ...
    async def claim_crisis_escalation(self, concern_id: int, level: int,
                                      now: datetime) -> bool: ...
    async def ack_crisis(self, concern_id: int, person_id: int, now: datetime) -> bool: ...
    async def close_crisis(self, concern_id: int, now: datetime) -> bool: ...
    # untaken review items nobody was paged about yet (held at night); a new page limit
    async def held_reviews(self) -> list[CrisisCase]: ...
    async def reset_crisis_deadline(self, concern_id: int, escalate_at: datetime) -> None: ...
