"""Intake: a requester's draft becomes a routed, numbered concern."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.concerns.admin_queue import send_to_admin_queue
from core.concerns.anonymity import send_task_card
from core.concerns.deadlines import Plan
from core.concerns.dispatching import decide_route
from core.concerns.numbering import concern_number
from core.errors import InputError, check_length
from core.model import (
    ConcernStatus,
    ConcernType,
    Draft,
    NewConcern,
    Urgency,
)
from core.ports import Store
from core.workdays import FixedCalendar, Limit, WorkCalendar

#: Default reply limits per urgency (DOMAIN.md); P0 is crisis case management.
DEFAULT_REPLY_LIMITS: dict[Urgency, Limit] = {
    Urgency.P1: Limit.wall_clock(24),
    Urgency.P2: Limit.workdays(5),
    Urgency.P3: Limit.workdays(15),
}


@dataclass(frozen=True)
class IntakeRules:
    university_code: str
    timezone: str
    default_locale: str
    max_text_chars: int = 2000
    max_attachments: int = 10
    category_urgency: dict[str, Urgency] | None = None
    #: the working-day calendar for due times (bot/app.py passes ChinaWorkCalendar);
    #: without one, Monday-Friday count as working days
    calendar: WorkCalendar | None = None
    reply_limits: dict[Urgency, Limit] | None = None
    #: a category's own reply limit, instead of its urgency's ([categories.<code>])
    category_reply_limits: dict[str, Limit] | None = None

    def __post_init__(self) -> None:
        # P0 belongs to crisis detection alone; a category configured P0 is a mistake.
        if Urgency.P0 in (self.category_urgency or {}).values():
            raise ValueError("P0 is set only by crisis detection, not by category urgency")

    def urgency_of(self, category: str) -> Urgency:
        """The category's configured urgency (P2 by default)."""
        return (self.category_urgency or {}).get(category, Urgency.P2)

    def reply_due(self, urgency: Urgency, start: datetime,
                  category: str = "") -> datetime | None:
        """When the reply is due for a concern of this urgency (and category) received at
        ``start``; the sweep plans the same from [limits] (core/concerns/deadlines.py)."""
        limit = (self.category_reply_limits or {}).get(category) or \
            {**DEFAULT_REPLY_LIMITS, **(self.reply_limits or {})}.get(urgency)
        if limit is None:
            return None
        return limit.due(start, self.calendar or FixedCalendar(), self.timezone)


def check_draft(draft: Draft, rules: IntakeRules) -> None:
    """Refuse a draft that cannot become a concern, with the reason the user can fix."""
    if not draft.category:
        raise InputError("intake.need_category")
    if not draft.type or draft.type not in {t.value for t in ConcernType}:
        raise InputError("intake.need_type")
    if not draft.text.strip() and not draft.attachments:
        raise InputError("intake.empty")
    check_length(draft.text, rules.max_text_chars, key="intake.too_long")


def check_addition(draft: Draft, text: str, rules: IntakeRules) -> None:
    """Refuse a text (or a caption) that cannot join the draft: a blank one, or one that
    takes the draft's text (its parts joined by line breaks) over the limit."""
    if not text.strip():
        raise InputError("intake.empty_text")
    check_length("\n".join([*draft.texts, text]), rules.max_text_chars, key="intake.too_long")


#: Branches offered when a concern is about a Party member, at most.
MAX_ABOUT_BRANCHES = 20


async def about_branch_choices(store: Store, requester_id: int) -> list[tuple[str, str]]:
    """The branches (code, name) a requester may name as the Party member's when the
    concern is about one (conflict of interest): those of the requester's college."""
    profile = await store.requester_profile(requester_id)
    branches = (await store.branch_units_of_college(profile.college_code)
                if profile.college_code else [])
    return branches[:MAX_ABOUT_BRANCHES]


async def submit_concern(store: Store, *, now: datetime, rules: IntakeRules, requester_id: int,
                         draft: Draft, channel: str, source_key: str) -> NewConcern:
    """Create the concern, route it, audit both steps and notify the responsible member.

    Idempotent on ``source_key``: replaying the same update returns the same concern.
    """
    existing = await store.concern_by_source(source_key)
    if existing:
        cid, number, member = existing
        return NewConcern(number=number, id=cid, member_id=member, created_at=now)
    check_draft(draft, rules)
    assert draft.category and draft.type
    profile = await store.requester_profile(requester_id)
    decision = await decide_route(store, category=draft.category, concern_type=draft.type,
                                  profile=profile, now=now, about_member=draft.about_member,
                                  about_branch_code=draft.about_branch_code)
    year = now.astimezone(ZoneInfo(rules.timezone)).year
    number = concern_number(rules.university_code, year, await store.next_concern_seq(year))
    urgency = rules.urgency_of(draft.category)
    status = ConcernStatus.DISPATCHED if decision.member_id else ConcernStatus.RECEIVED
    cid = await store.add_concern(
        number=number, requester_id=requester_id, type=draft.type, category=draft.category,
        urgency=urgency.value, status=status.value, anonymous=draft.anonymous, text=draft.text,
        assigned_member_id=decision.member_id, zone_id=decision.zone_id,
        routing_reason=decision.reason, source_channel=channel, source_key=source_key,
        created_at=now, updated_at=now, due_reply_at=rules.reply_due(urgency, now, draft.category),
        ladder_plan=Plan.ALL.value, deadline_from=now,  # the sweep plans the 催办/督办 rows
        about_member=draft.about_member,
        about_branch_code=draft.about_branch_code if draft.about_member else None,
    )
    await store.add_event(cid, "received", from_status=None, to_status=ConcernStatus.RECEIVED.value,
                          actor_id=requester_id, detail={"channel": channel}, now=now)
    for att in draft.attachments:
        await store.add_attachment(cid, att, now)
    if decision.member_id:
        await store.add_event(cid, "dispatched", from_status=ConcernStatus.RECEIVED.value,
                              to_status=status.value, actor_id=None,
                              detail={"member_id": decision.member_id, "reason": decision.reason},
                              now=now)
        await send_task_card(store, decision.member_id, concern_id=cid, number=number,
                             category=draft.category or "", type_=draft.type or "",
                             text=draft.text, requester_id=requester_id,
                             anonymous=draft.anonymous, status=status, now=now,
                             default_locale=rules.default_locale,
                             attachments=draft.attachments)
    else:
        await store.add_event(cid, "queued", from_status=None, to_status=None, actor_id=None,
                              detail={"reason": decision.reason}, now=now)
        await send_to_admin_queue(store, concern_id=cid, number=number,
                                  category=draft.category or "", type_=draft.type or "",
                                  text=draft.text, requester_id=requester_id,
                                  anonymous=draft.anonymous,
                                  about_member=draft.about_member,
                                  about_branch_code=draft.about_branch_code,
                                  decision=decision, now=now,
                                  default_locale=rules.default_locale)
    return NewConcern(number=number, id=cid, member_id=decision.member_id, created_at=now)
