"""An in-memory store for the concern use cases (core/concerns/handling.py, core/concerns/anonymity.py)."""
from __future__ import annotations

from datetime import datetime, timezone

from core.concerns.handling import ConcernRecord
from core.model import ConcernStatus as S
from core.model import Lane, Role
from core.ports import IdentityView, PersonCard
from core.replies import Reply

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
REQUESTER, HANDLER, SECRETARY, COLLEGE, ADMIN, STRANGER, FOLLOWER = 1, 2, 3, 4, 5, 6, 7

BASE = ConcernRecord(id=10, number="2026-0010", status=S.DISPATCHED, requester_id=REQUESTER,
                     assigned_member_id=HANDLER, category="logistics", type="help",
                     anonymous=False, text="宿舍热水坏了", reopen_count=0, branch_code="B1",
                     college_code="C1")


class Store:
    """What handling touches: concerns, roles, names, events, audit, outbox."""

    def __init__(self, concern: ConcernRecord | None = BASE) -> None:
        self.concern = concern
        self.roles = {SECRETARY: [(Role.BRANCH_SECRETARY.value, "B1")],
                      COLLEGE: [(Role.COLLEGE_COMMITTEE.value, "C1")],
                      ADMIN: [(Role.ADMIN.value, "ORG")],
                      # roles elsewhere give nothing here
                      STRANGER: [(Role.BRANCH_SECRETARY.value, "B2"),
                                 (Role.COLLEGE_COMMITTEE.value, "C2")]}
        self.names = {HANDLER: "王老师"}
        self.updates: list[dict] = []
        self.events: list[tuple] = []
        self.audits: list[tuple] = []
        self.sent: list[tuple] = []
        self.sent_at: list[datetime] = []
        self.followers: list[int] = []
        self.cards: dict[int, PersonCard] = {}
        self.files: dict[int, list[dict]] = {}
        self.cancelled: list[tuple[int, list[str] | None]] = []
        self.fields: dict[str, object] = {}

    async def get_concern(self, concern_id: int) -> ConcernRecord | None:
        return self.concern if self.concern and self.concern.id == concern_id else None

    async def roles_of(self, person_id: int) -> list[tuple[str, str]]:
        return self.roles.get(person_id, [])

    async def update_concern(self, concern_id: int, **fields: object) -> None:
        self.updates.append({"id": concern_id, **fields})

    async def add_event(self, concern_id: int, kind: str, *, from_status: str | None,
                        to_status: str | None, actor_id: int | None, detail: dict,
                        now: datetime) -> None:
        self.events.append((concern_id, kind, from_status, to_status, actor_id, detail, now))

    async def concern_fields(self, concern_id: int, *names: str) -> dict:
        return {n: self.fields.get(n) for n in names}

    async def cancel_reminders(self, concern_id: int, subjects: list[str] | None,
                               now: datetime) -> None:
        self.cancelled.append((concern_id, None if subjects is None else list(subjects)))

    async def audit(self, kind: str, actor_id: int | None, detail: dict, now: datetime) -> None:
        self.audits.append((kind, actor_id, detail, now))

    async def person_names(self, ids: list[int]) -> dict[int, str]:
        return {i: self.names[i] for i in ids if i in self.names}

    async def identities_of(self, person_id: int) -> list[IdentityView]:
        return [IdentityView(id=person_id, channel="telegram", external_id=str(person_id),
                             chat_id=f"chat{person_id}", person_id=person_id,
                             locale="en" if person_id == FOLLOWER else None)]

    async def enqueue(self, channel: str, chat_id: str, reply: Reply, *, lane: Lane,
                      locale: str, person_id: int | None, now: datetime) -> int:
        self.sent.append((chat_id, reply, lane, locale))
        self.sent_at.append(now)
        return len(self.sent)

    async def merged_followers(self, concern_id: int) -> list[int]:
        return self.followers

    async def person_card(self, person_id: int) -> PersonCard | None:
        return self.cards.get(person_id)

    async def concern_attachments(self, concern_id: int) -> list[dict]:
        return self.files.get(concern_id, [])

    async def concern_id_by_number(self, number: str) -> int | None:
        return self.concern.id if self.concern and self.concern.number == number else None
