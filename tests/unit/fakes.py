"""In-memory implementations of core ports, for unit tests of use cases."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.model import Lane, RequesterProfile, Zone
from core.ports import BindingCodeView, IdentityView, PersonCard
from core.replies import Reply


@dataclass
class Sent:
    channel: str
    chat_id: str
    reply: Reply
    lane: Lane
    locale: str


@dataclass
class FakeStore:
    people: dict[int, PersonCard] = field(default_factory=dict)
    profiles: dict[int, RequesterProfile] = field(default_factory=dict)
    identities: list[IdentityView] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    roles: dict[str, list[int]] = field(default_factory=dict)
    load: dict[int, int] = field(default_factory=dict)
    codes: dict[str, BindingCodeView] = field(default_factory=dict)
    attempts: list[tuple[str, str, bool, datetime]] = field(default_factory=list)
    concerns: dict[int, dict[str, Any]] = field(default_factory=dict)
    events: list[tuple[int, str, str | None, str | None, int | None, dict]] = field(
        default_factory=list)
    attachments: list[tuple[int, dict]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    audits: list[tuple[str, int | None, dict]] = field(default_factory=list)
    seq: dict[int, int] = field(default_factory=dict)
    # routing inputs: who is away, roles held at a unit, each person's branch, unit → college
    away: set[int] = field(default_factory=set)
    roles_at: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    branch: dict[int, str] = field(default_factory=dict)
    college_of: dict[str, str] = field(default_factory=dict)

    async def people_with_role_at(self, role: str, unit_code: str) -> list[int]:
        return self.roles_at.get((role, unit_code), [])

    async def unavailable_people(self, person_ids: list[int], now: datetime) -> set[int]:
        reachable = {i.person_id for i in self.identities if not i.unreachable}
        return {p for p in person_ids if p in self.away or p not in reachable}

    async def unavailability(self, person_ids: list[int], now: datetime) -> dict[int, str]:
        accounts = {i.person_id: i.unreachable for i in self.identities}
        return {p: "away" if p in self.away else "unbound" if p not in accounts
                else "unreachable" if accounts[p] else "available" for p in person_ids}

    async def reachable_people(self, person_ids: list[int]) -> list[int]:
        reachable = {i.person_id for i in self.identities if not i.unreachable}
        return [p for p in person_ids if p in reachable]

    async def person_names(self, ids: list[int]) -> dict[int, str]:
        return {i: self.people[i].name for i in ids if i in self.people}

    async def branches_of(self, person_ids: list[int]) -> dict[int, str | None]:
        return {p: self.branch.get(p) for p in person_ids}

    async def college_of_unit(self, unit_code: str) -> str | None:
        return self.college_of.get(unit_code)

    async def branch_codes_of_college(self, college_code: str) -> list[str]:
        return sorted(u for u, c in self.college_of.items() if c == college_code)

    async def identities_of(self, person_id: int) -> list[IdentityView]:
        return [i for i in self.identities if i.person_id == person_id]

    async def link_identity(self, identity_id: int, person_id: int) -> None:
        next(i for i in self.identities if i.id == identity_id).person_id = person_id

    async def unlink_person_identities(self, person_id: int, channel: str) -> None:
        for i in self.identities:
            if i.person_id == person_id and i.channel == channel:
                i.person_id = None

    async def person_card(self, person_id: int) -> PersonCard | None:
        return self.people.get(person_id)

    async def requester_profile(self, person_id: int) -> RequesterProfile:
        return self.profiles[person_id]

    async def concern_fields(self, concern_id: int, *names: str) -> dict[str, Any]:
        row = self.concerns.get(concern_id, {})
        return {n: row.get(n) for n in names}

    async def people_with_role(self, role: str) -> list[int]:
        return self.roles.get(role, [])

    async def find_binding_code(self, code_hash: str) -> BindingCodeView | None:
        return self.codes.get(code_hash)

    async def mark_code_used(self, code_id: int, now: datetime) -> None:
        for h, c in self.codes.items():
            if c.id == code_id:
                self.codes[h] = BindingCodeView(c.id, c.person_id, c.expires_at, now, c.revoked_at)

    async def failed_binding_attempts(self, channel: str, external_id: str,
                                      since: datetime) -> int:
        return sum(1 for c, e, ok, at in self.attempts
                   if (c, e) == (channel, external_id) and not ok and at >= since)

    async def add_binding_attempt(self, channel: str, external_id: str, ok: bool,
                                  now: datetime) -> None:
        self.attempts.append((channel, external_id, ok, now))

    async def concern_by_source(self, source_key: str) -> tuple[int, str, int | None] | None:
        for cid, c in self.concerns.items():
            if c["source_key"] == source_key:
                return cid, c["number"], c["assigned_member_id"]
        return None

    async def active_zones(self, category: str) -> list[Zone]:
        return [z for z in self.zones if z.category in (category, "*")]

    async def open_load(self, member_ids: list[int]) -> dict[int, int]:
        return {m: self.load.get(m, 0) for m in member_ids}

    async def next_concern_seq(self, year: int) -> int:
        self.seq[year] = self.seq.get(year, 0) + 1
        return self.seq[year]

    async def add_concern(self, **fields: Any) -> int:
        cid = len(self.concerns) + 1
        self.concerns[cid] = fields
        return cid

    async def add_event(self, concern_id: int, kind: str, *, from_status: str | None,
                        to_status: str | None, actor_id: int | None, detail: dict[str, Any],
                        now: datetime) -> None:
        self.events.append((concern_id, kind, from_status, to_status, actor_id, detail))

    async def add_attachment(self, concern_id: int, attachment: dict[str, Any],
                             now: datetime) -> None:
        self.attachments.append((concern_id, attachment))

    async def concern_attachments(self, concern_id: int) -> list[dict[str, Any]]:
        return [a for cid, a in self.attachments if cid == concern_id]

    async def enqueue(self, channel: str, chat_id: str, reply: Reply, *, lane: Lane,
                      locale: str, person_id: int | None, now: datetime) -> int:
        self.sent.append(Sent(channel, chat_id, reply, lane, locale))
        return len(self.sent)

    async def audit(self, kind: str, actor_id: int | None, detail: dict[str, Any],
                    now: datetime) -> None:
        self.audits.append((kind, actor_id, detail))
