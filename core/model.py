"""Domain vocabulary: enums and plain dataclasses shared by every layer."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from core.types import JSON


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:  # so f-strings and logs show the value
        return self.value


class UnitKind(StrEnum):
    UNIVERSITY = "university"
    COLLEGE = "college"
    BRANCH = "branch"
    FUNCTIONAL = "functional"


class UnitClass(StrEnum):
    """Ranking classes, after Beijing's 四类排名."""

    STUDENT = "student"
    STAFF = "staff"
    ADMIN_LOGISTICS = "admin_logistics"


class PersonKind(StrEnum):
    STUDENT = "student"
    STAFF = "staff"


class Role(StrEnum):
    STUDENT = "student"
    STAFF = "staff"
    PARTY_MEMBER = "party_member"
    BRANCH_SECRETARY = "branch_secretary"
    COLLEGE_COMMITTEE = "college_committee"
    COUNSELLOR = "counsellor"
    PSYCH_CENTRE = "psych_centre"
    CRISIS_TEAM = "crisis_team"
    FUNCTIONAL_CONTACT = "functional_contact"
    DISCIPLINE_CONTACT = "discipline_contact"
    IDENTITY_SUPERVISOR = "identity_supervisor"
    LEADER = "leader"
    ADMIN = "admin"


class ConcernType(StrEnum):
    ENQUIRY = "enquiry"        # 咨询
    HELP = "help"              # 求助
    COMPLAINT = "complaint"    # 投诉
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"          # 表扬
    REPORT = "report"          # 举报 (routed out to the discipline office)


class Urgency(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class ConcernStatus(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    REVISIT = "revisit"
    CLOSED = "closed"
    RETURNED = "returned"
    EXTENSION_REQUESTED = "extension_requested"
    REOPENED = "reopened"
    MERGED = "merged"
    REJECTED = "rejected"


class ZoneScope(StrEnum):
    """What a responsibility zone matches on, most specific first."""

    DORM_BUILDING = "dorm_building"
    CLASS = "class"
    BRANCH = "branch"
    COLLEGE = "college"


#: Lower number = more specific. Routing prefers the most specific match.
ZONE_SPECIFICITY: dict[ZoneScope, int] = {
    ZoneScope.DORM_BUILDING: 0,
    ZoneScope.CLASS: 1,
    ZoneScope.BRANCH: 2,
    ZoneScope.COLLEGE: 3,
}


class Lane(enum.IntEnum):
    """Outbox priority lanes: a lower value is sent first."""

    CRISIS = 0
    INTERACTIVE = 1
    BULK = 2


@dataclass(frozen=True)
class Category:
    code: str
    urgency: Urgency = Urgency.P2


@dataclass(frozen=True)
class Zone:
    id: int
    category: str  # a category code, or "*" for any
    scope: ZoneScope
    value: str  # the dorm building, class name, or unit code matched
    member_id: int
    deputy_id: int | None = None


@dataclass(frozen=True)
class RequesterProfile:
    """Where a requester lives and studies: what routing matches zones against."""

    person_id: int
    dorm_building: str | None = None
    class_name: str | None = None
    branch_code: str | None = None
    college_code: str | None = None


@dataclass(frozen=True)
class RoutingDecision:
    member_id: int | None
    zone_id: int | None
    reason: str  # a stable machine-readable reason, stored with the concern event
    #: admin queue only: the people who could have taken it but were unavailable (zone
    #: members, deputies and secretaries; the committee; the discipline contacts), so
    #: the admins are told the real reason (core.concerns.admin_queue)
    passed_over: tuple[int, ...] = ()


@dataclass
class Draft:
    """A concern being written in the intake wizard (kept in conversation state)."""

    category: str | None = None
    type: str | None = None
    texts: list[str] = field(default_factory=list)
    attachments: list[dict[str, JSON]] = field(default_factory=list)
    #: conflict of interest: the concern is about a Party member (optionally of this branch)
    about_member: bool = False
    about_branch_code: str | None = None
    #: hide the requester from the handler (the identity stays in escrow, core.concerns.anonymity)
    anonymous: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass(frozen=True)
class NewConcern:
    number: str
    id: int
    member_id: int | None
    created_at: datetime
