"""Ports: what core use cases need from the outside world, as Protocols.

storage/ implements them over SQLAlchemy inside one transaction (the unit of work
commits, never a repository); unit tests implement them with fakes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from core.model import Lane, RequesterProfile, Zone
from core.replies import Reply


@dataclass
class IdentityView:
    id: int
    channel: str
    external_id: str
    chat_id: str
    person_id: int | None
    locale: str | None
    unreachable: bool = False
    #: this account has been shown the privacy notice (once, before its first concern)
    privacy_noticed: bool = False


@dataclass
class ConversationState:
    channel: str
    chat_id: str
    flow: str = "idle"
    step: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    flood_notice_at: datetime | None = None

    def goto(self, flow: str, step: str = "", **data: Any) -> None:
        """Move to a new step; buttons drawn for older steps become stale."""
        self.flow, self.step = flow, step
        if flow == "idle":
            self.data = {}
        self.data.update(data)
        self.version += 1


@dataclass(frozen=True)
class PersonCard:
    id: int
    name: str
    number: str | None
    kind: str
    unit_name: str | None
    college_name: str | None
    dorm_building: str | None
    dorm_room: str | None
    class_name: str | None
    verified: bool


@dataclass(frozen=True)
class BindingCodeView:
    id: int
    person_id: int
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


class IdentityStore(Protocol):
    async def upsert_identity(self, channel: str, external_id: str, chat_id: str, *,
                              username: str | None, display_name: str | None,
                              now: datetime) -> IdentityView: ...
    async def set_identity_locale(self, identity_id: int, locale: str) -> None: ...
    async def link_identity(self, identity_id: int, person_id: int) -> None: ...
    async def identities_of(self, person_id: int) -> list[IdentityView]: ...


class PeopleStore(Protocol):
    async def person_card(self, person_id: int) -> PersonCard | None: ...
    async def requester_profile(self, person_id: int) -> RequesterProfile: ...
    async def colleges(self) -> list[tuple[str, str]]: ...
    async def dorm_buildings(self) -> list[str]: ...
    async def create_unverified_person(self, *, name: str, college_code: str,
                                       dorm_building: str, now: datetime) -> int: ...
    async def people_with_role(self, role: str) -> list[int]: ...


class BindingStore(Protocol):
    async def find_binding_code(self, code_hash: str) -> BindingCodeView | None: ...
    async def mark_code_used(self, code_id: int, now: datetime) -> None: ...
    async def failed_binding_attempts(self, channel: str, external_id: str,
                                      since: datetime) -> int: ...
    async def add_binding_attempt(self, channel: str, external_id: str, ok: bool,
                                  now: datetime) -> None: ...
    async def unlink_person_identities(self, person_id: int, channel: str) -> None: ...


class ConcernStore(Protocol):
    async def concern_by_source(self, source_key: str) -> tuple[int, str, int | None] | None: ...
    async def active_zones(self, category: str) -> list[Zone]: ...
    async def open_load(self, member_ids: list[int]) -> dict[int, int]: ...
    async def next_concern_seq(self, year: int) -> int: ...
    async def add_concern(self, **fields: Any) -> int: ...
    async def add_event(self, concern_id: int, kind: str, *, from_status: str | None,
                        to_status: str | None, actor_id: int | None, detail: dict[str, Any],
                        now: datetime) -> None: ...
    async def add_attachment(self, concern_id: int, attachment: dict[str, Any],
                             now: datetime) -> None: ...
    async def concern_attachments(self, concern_id: int) -> list[dict[str, Any]]:
        """The concern's files as submitted, oldest first (``kind``, ``refs``, ...)."""
        ...


class MessageStore(Protocol):
    async def enqueue(self, channel: str, chat_id: str, reply: Reply, *, lane: Lane,
                      locale: str, person_id: int | None, now: datetime) -> int: ...
    async def audit(self, kind: str, actor_id: int | None, detail: dict[str, Any],
                    now: datetime) -> None: ...


class Store(IdentityStore, PeopleStore, BindingStore, ConcernStore, MessageStore, Protocol):
    """Everything a use case may touch inside one unit of work."""
