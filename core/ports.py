"""Ports: what core use cases need from the outside world, as Protocols. storage/
implements them over SQLAlchemy inside one transaction (the unit of work commits, never a
repository); unit tests use fakes. The store is split by area (identities, people, org,
availability, binding, zones, concerns, lists, crisis, chats, messages; some in their
area's ports.py); ``Store`` is all of them (SqlStore, uow.py)."""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NotRequired, Protocol, TypedDict

from core.concerns.history_ports import HistoryStore
from core.crisis.store_ports import CrisisCase, CrisisPageView, CrisisStore, CrisisSubject
from core.calendar.ports import CalendarStore
from core.reception.ports import ReceptionStore
from core.surveys.ports import SurveyStore
from core.privacy.ports import PrivacyStore
from core.model import ConcernStatus, Lane, RequesterProfile, Zone
from core.replies import Reply
from core.types import JSON, JSONObject, Scalar


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
    data: dict[str, JSON] = field(default_factory=dict)
    version: int = 0
    flood_notice_at: datetime | None = None
    #: the crisis detector's memory of this chat (core.crisis.assess.RiskState.to_json)
    crisis_state: dict[str, JSON] | None = None

    def goto(self, flow: str, step: str = "", **data: JSON) -> None:
        """Move to a new step; buttons drawn for older steps become stale."""
        self.flow, self.step = flow, step
        if flow == "idle":
            self.data = {}
        self.data.update(data)
        self.version += 1

    def forget_steps(self) -> None:
        """A fresh random version that stops counting the steps so far (an anonymous
        survey's, docs/decisions/0023); older buttons become stale as with goto."""
        self.version = 1 + secrets.randbelow(10**6)


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
    person_active: bool = True  # a deactivated person's code binds nobody


@dataclass(frozen=True)
class ConcernRecord:
    id: int
    number: str
    status: ConcernStatus
    requester_id: int
    assigned_member_id: int | None
    category: str
    type: str
    anonymous: bool
    text: str
    reopen_count: int
    branch_code: str | None  # the handler's branch (or the requester's, before dispatch)
    college_code: str | None


class ConcernRow(TypedDict):
    """One line of a concern list (/tasks, /my, /branch)."""
    id: int
    number: str
    status: str  # a core.model.ConcernStatus value
    category: str
    due_reply_at: datetime | None
    created_at: NotRequired[datetime]  # in concern_rows only
    # the earliest limit still open (core.concerns.deadlines.next_due), its 督办 level 0-3
    next_due: NotRequired[datetime | None]
    level: NotRequired[int]


class IdentityStore(Protocol):
    """Chat accounts (channel identities)."""
    async def upsert_identity(self, channel: str, external_id: str, chat_id: str, *,
                              username: str | None, display_name: str | None,
                              now: datetime) -> IdentityView: ...
    async def set_identity_locale(self, identity_id: int, locale: str) -> None: ...
    async def mark_privacy_noticed(self, identity_id: int, now: datetime) -> None: ...
    async def link_identity(self, identity_id: int, person_id: int) -> None: ...
    async def identities_of(self, person_id: int) -> list[IdentityView]: ...


class PeopleStore(Protocol):
    """People of the roster, and the self-declared profile of an unbound writer."""
    async def person_card(self, person_id: int) -> PersonCard | None: ...
    async def requester_profile(self, person_id: int) -> RequesterProfile: ...
    async def person_names(self, ids: list[int]) -> dict[int, str]: ...
    async def person_ids_by_numbers(self, numbers: list[str]) -> list[int]: ...
    async def colleges(self) -> list[tuple[str, str]]: ...
    async def dorm_buildings(self) -> list[str]: ...
    async def create_unverified_person(self, *, name: str, college_code: str,
                                       dorm_building: str, now: datetime) -> int: ...
    # an unverified person's college and building set; False for a verified one
    async def place_unverified_person(self, person_id: int, *, college_code: str,
                                      dorm_building: str, now: datetime) -> bool: ...


class OrgStore(Protocol):
    """Roles and the unit tree (branches, colleges)."""

    async def people_with_role(self, role: str) -> list[int]: ...
    async def people_with_role_at(self, role: str, unit_code: str) -> list[int]: ...
    async def roles_of(self, person_id: int) -> list[tuple[str, str]]: ...
    async def branches_of(self, person_ids: list[int]) -> dict[int, str | None]: ...
    async def college_of_unit(self, unit_code: str) -> str | None: ...
    async def branch_units_of_college(self, college_code: str) -> list[tuple[str, str]]: ...
    async def branch_codes_of_college(self, college_code: str) -> list[str]: ...


class AvailabilityStore(Protocol):
    """Who can take a concern now (away, reachable, still on the roster)."""

    async def unavailable_people(self, person_ids: list[int], now: datetime) -> set[int]: ...
    async def unavailability(self, person_ids: list[int], now: datetime) -> dict[int, str]: ...
    async def reachable_people(self, person_ids: list[int]) -> list[int]: ...
    async def set_away(self, person_id: int, until: datetime | None) -> None: ...


class BindingStore(Protocol):
    async def find_binding_code(self, code_hash: str) -> BindingCodeView | None: ...
    async def mark_code_used(self, code_id: int, now: datetime) -> None: ...
    async def failed_binding_attempts(self, channel: str, external_id: str,
                                      since: datetime) -> int: ...
    async def add_binding_attempt(self, channel: str, external_id: str, ok: bool,
                                  now: datetime) -> None: ...
    async def unlink_person_identities(self, person_id: int, channel: str) -> None: ...


class ZoneStore(Protocol):
    """Responsibility zones and each member's open load (what routing weighs)."""

    async def active_zones(self, category: str) -> list[Zone]: ...
    async def open_load(self, member_ids: list[int]) -> dict[int, int]: ...


class ConcernStore(Protocol):
    """One concern: its row, events, files and relayed messages."""

    async def concern_by_source(self, source_key: str) -> tuple[int, str, int | None] | None: ...
    async def concern_id_by_number(self, number: str) -> int | None: ...
    async def next_concern_seq(self, year: int) -> int: ...
    async def add_concern(self, **fields: Scalar) -> int: ...
    async def get_concern(self, concern_id: int) -> ConcernRecord | None: ...
    async def concern_fields(self, concern_id: int, *names: str) -> dict[str, Scalar]: ...
    async def update_concern(self, concern_id: int, **fields: Scalar) -> None: ...
    async def add_event(self, concern_id: int, kind: str, *, from_status: str | None,
                        to_status: str | None, actor_id: int | None, detail: JSONObject,
                        now: datetime) -> None: ...
    async def add_attachment(self, concern_id: int, attachment: JSONObject,
                             now: datetime) -> None: ...
    # the concern's files as submitted, oldest first (``kind``, ``refs``, ...)
    async def concern_attachments(self, concern_id: int) -> list[dict[str, JSON]]: ...
    async def add_relay(self, concern_id: int, sender_id: int, direction: str, text: str,
                        attachments: Sequence[JSONObject], now: datetime) -> None: ...
    # stop the pending 催办/督办 rows of these limits (None: all) of the concern
    async def cancel_reminders(self, concern_id: int, subjects: Sequence[str] | None,
                               now: datetime) -> None: ...


class ConcernListStore(Protocol):
    """Concerns by who holds them or by what is due (lists and sweeps)."""

    async def concern_rows(self, *, member_id: int | None = None,
                           requester_id: int | None = None, open_only: bool = True,
                           limit: int = 30) -> list[ConcernRow]: ...
    async def subtree_concern_rows(self, branch_codes: list[str], *, college_level: bool,
                                   limit: int = 1000) -> list[ConcernRow]: ...
    async def open_concern_ids_of(self, member_ids: list[int]) -> list[int]: ...
    async def merged_followers(self, concern_id: int) -> list[int]: ...
    async def due_revisits(self, now: datetime) -> list[int]: ...
    async def unanswered_revisits(self, sent_before: datetime) -> list[int]: ...


class ConversationStore(Protocol):
    """Each chat's conversation state, and how much it sent lately (flood notice)."""

    async def load_conversation(self, channel: str, chat_id: str) -> ConversationState: ...
    async def save_conversation(self, st: ConversationState, now: datetime) -> None: ...
    async def recent_inbound(self, chat_key: str, since: datetime) -> int: ...
    # drop the crisis memory of chats silent since ``before``; how many were dropped
    async def forget_crisis_states(self, before: datetime) -> int: ...


class MessageStore(Protocol):
    async def enqueue(self, channel: str, chat_id: str, reply: Reply, *, lane: Lane,
                      locale: str, person_id: int | None, now: datetime) -> int: ...
    async def audit(self, kind: str, actor_id: int | None, detail: JSONObject,
                    now: datetime) -> None: ...


class NotifyStore(IdentityStore, OrgStore, MessageStore, Protocol):
    """Sending to a person or to the admins (core.notify)."""


class RoutingStore(ZoneStore, OrgStore, AvailabilityStore, Protocol):
    """Who may take a concern (core.concerns.dispatching, core.concerns.pickers, the admin queue's lists)."""


class HandlingStore(ConcernStore, OrgStore, PeopleStore, MessageStore, Protocol):
    """Deciding and recording one lifecycle step (core.concerns.handling.act)."""


class Store(IdentityStore, PeopleStore, OrgStore, AvailabilityStore, BindingStore, ZoneStore,
            ConcernStore, ConcernListStore, CrisisStore, ConversationStore, MessageStore,
            HistoryStore, CalendarStore, ReceptionStore, SurveyStore, PrivacyStore, Protocol):
    """Everything a use case or a flow may touch inside one unit of work."""
