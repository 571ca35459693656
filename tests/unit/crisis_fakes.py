"""FakeStore plus the crisis case ports (core.ports.CrisisStore), for unit tests."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from core.ports import CrisisCase, CrisisPageView, CrisisSubject
from core.crisis.close import CLOSABLE
from core.concerns.lifecycle import OPEN_STATUSES
from core.model import ConcernStatus
from core.ports import IdentityView
from tests.unit.fakes import FakeStore


@dataclass
class FakeCrisisStore(FakeStore):
    numbers: dict[str, int] = field(default_factory=dict)
    roles_at: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    pages: list[CrisisPageView] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)

    def reachable(self, *people: int) -> None:
        for p in people:
            self.identities.append(IdentityView(len(self.identities) + 1, "telegram",
                                                str(p), str(p), p, None))

    async def person_ids_by_numbers(self, numbers: list[str]) -> list[int]:
        return [self.numbers[n] for n in numbers if n in self.numbers]

    async def people_with_role_at(self, role: str, unit_code: str) -> list[int]:
        return self.roles_at.get((role, unit_code), [])

    async def crisis_subject(self, person_id: int) -> CrisisSubject | None:
        return CrisisSubject(person_id, self.names.get(person_id, f"P{person_id}"),
                             f"N{person_id}", "会计学院", "3号楼 3411", "13800000000")

    async def person_names(self, ids: list[int]) -> dict[int, str]:
        return {i: self.names.get(i, f"P{i}") for i in ids}

    async def get_concern(self, concern_id: int) -> Any:
        c = self.concerns.get(concern_id)
        return None if c is None else type("C", (), {"anonymous": c.get("anonymous", False)})

    async def crisis_case(self, concern_id: int) -> CrisisCase | None:
        c = self.concerns.get(concern_id)
        if c is None or not c.get("crisis"):
            return None
        parent = self.concerns.get(c.get("parent_concern_id") or 0)
        return CrisisCase(concern_id, c["number"], c["requester_id"], c["text"],
                          c.get("parent_concern_id"), parent["number"] if parent else None,
                          c["status"])

    async def open_crisis_case_of(self, requester_id: int) -> int | None:
        open_ = {s.value for s in OPEN_STATUSES}
        found = [cid for cid, c in self.concerns.items() if c.get("crisis")
                 and c["requester_id"] == requester_id and c["status"] in open_]
        return found[-1] if found else None

    async def update_concern(self, concern_id: int, **fields: Any) -> None:
        self.concerns[concern_id].update(fields)

    async def add_crisis_page(self, concern_id: int, level: int, person_id: int,
                              paged_at: datetime, escalate_at: datetime | None) -> int:
        self.pages.append(CrisisPageView(len(self.pages) + 1, concern_id, level, person_id,
                                         paged_at, escalate_at, None, None, None))
        return len(self.pages)

    async def crisis_pages(self, concern_id: int) -> list[CrisisPageView]:
        return [p for p in self.pages if p.concern_id == concern_id]

    def _open(self, concern_id: int) -> bool:
        # As storage: only a case nobody has taken yet (DISPATCHED) escalates.
        return self.concerns[concern_id]["status"] == ConcernStatus.DISPATCHED.value

    async def unacked_crisis_pages(self) -> list[CrisisPageView]:
        # As storage: pages of untaken cases only.
        return [p for p in self.pages if p.acked_at is None and self._open(p.concern_id)]

    async def claim_crisis_escalation(self, concern_id: int, level: int, now: datetime) -> bool:
        hit = False
        for i, p in enumerate(self.pages):
            if (p.concern_id, p.level) == (concern_id, level) and p.escalated_at is None \
                    and p.acked_at is None and self._open(concern_id):
                self.pages[i] = replace(p, escalated_at=now)
                hit = True
        return hit

    async def ack_crisis(self, concern_id: int, person_id: int, now: datetime) -> bool:
        hit = False
        for i, p in enumerate(self.pages):
            if p.concern_id == concern_id and p.acked_at is None:
                self.pages[i] = replace(p, acked_at=now, acked_by=person_id)
                hit = True
        return hit

    async def close_crisis(self, concern_id: int, now: datetime) -> bool:
        c = self.concerns.get(concern_id)
        if c is None or not c.get("crisis") or c["status"] not in {s.value for s in CLOSABLE}:
            return False
        c.update(status=ConcernStatus.CLOSED.value, closed_at=now, updated_at=now)
        return True

    def level_people(self, level: int) -> list[int]:
        return [p.person_id for p in self.pages if p.level == level]

    def sent_to(self, person: int) -> list[str]:
        chat = str(person)
        return [s.reply.key for s in self.sent if s.chat_id == chat]

    def case_status(self, case_id: int) -> str:
        return self.concerns[case_id]["status"]


__all__ = ["FakeCrisisStore", "ConcernStatus"]
