"""Intake: a requester's draft becomes a routed, numbered concern."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.cards import member_buttons
from core.errors import InputError
from core.model import (
    ConcernStatus,
    ConcernType,
    Draft,
    Lane,
    NewConcern,
    Urgency,
)
from core.notify import alert_admins, notify_person
from core.numbering import concern_number
from core.ports import Store
from core.replies import Reply, t
from core.routing import route_concern


@dataclass(frozen=True)
class IntakeRules:
    university_code: str
    timezone: str
    default_locale: str
    max_text_chars: int = 2000
    max_attachments: int = 10
    category_urgency: dict[str, Urgency] | None = None


def check_draft(draft: Draft, rules: IntakeRules) -> None:
    """Refuse a draft that cannot become a concern, with the reason the user can fix."""
    if not draft.category:
        raise InputError("intake.need_category")
    if not draft.type or draft.type not in {t.value for t in ConcernType}:
        raise InputError("intake.need_type")
    if not draft.text.strip() and not draft.attachments:
        raise InputError("intake.empty")
    if len(draft.text) > rules.max_text_chars:
        raise InputError("intake.too_long", limit=rules.max_text_chars)


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
    zones = await store.active_zones(draft.category)
    load = await store.open_load(sorted({z.member_id for z in zones}))
    decision = route_concern(draft.category, profile, zones, load)
    year = now.astimezone(ZoneInfo(rules.timezone)).year
    number = concern_number(rules.university_code, year, await store.next_concern_seq(year))
    urgency = (rules.category_urgency or {}).get(draft.category, Urgency.P2)
    status = ConcernStatus.DISPATCHED if decision.member_id else ConcernStatus.RECEIVED
    cid = await store.add_concern(
        number=number, requester_id=requester_id, type=draft.type, category=draft.category,
        urgency=urgency.value, status=status.value, anonymous=False, text=draft.text,
        assigned_member_id=decision.member_id, zone_id=decision.zone_id,
        routing_reason=decision.reason, source_channel=channel, source_key=source_key,
        created_at=now, updated_at=now,
    )
    await store.add_event(cid, "received", from_status=None, to_status=ConcernStatus.RECEIVED.value,
                          actor_id=requester_id, detail={"channel": channel}, now=now)
    for att in draft.attachments:
        await store.add_attachment(cid, att, now)
    card = await store.person_card(requester_id)
    params = {
        "number": number,
        "category": t(f"category.{draft.category}"),
        "type": t(f"type.{draft.type}"),
        "text": draft.text or "—",
        "requester": card.name if card else "—",
        "college": (card.college_name if card else None) or "—",
        "building": (card.dorm_building if card else None) or "—",
    }
    if decision.member_id:
        await store.add_event(cid, "dispatched", from_status=ConcernStatus.RECEIVED.value,
                              to_status=status.value, actor_id=None,
                              detail={"member_id": decision.member_id, "reason": decision.reason},
                              now=now)
        await notify_person(store, decision.member_id, Reply("task.new", params,
                                                                   member_buttons(cid, status)),
                            lane=Lane.INTERACTIVE, now=now, default_locale=rules.default_locale)
        for att in draft.attachments:
            await notify_person(store, decision.member_id,
                                Reply("task.attachment", {"number": number}, attachments=(att,)),
                                lane=Lane.INTERACTIVE, now=now,
                                default_locale=rules.default_locale)
    else:
        await store.add_event(cid, "queued", from_status=None, to_status=None, actor_id=None,
                              detail={"reason": decision.reason}, now=now)
        await alert_admins(store, Reply("admin.queue_new", params), now=now,
                           default_locale=rules.default_locale)
    return NewConcern(number=number, id=cid, member_id=decision.member_id, created_at=now)
