"""After a reception session (or an outreach visit): per topic, "answered on the spot" or
"follow up". A follow-up becomes a tracked concern (origin ``reception``) owned by the unit
the leader names, with a reply due in ``ReceptionRules.followup_working_days`` working
days, and then the normal lifecycle, 回访 and 催办/督办 ladder (首办责任制: the unit that
first receives it owns it to the end).

Who may record: the session's leader and admins (the Organisation Department runs the
leaders' office work). A topic's outcome is written once (``set_topic_outcome`` updates
only a topic without one), so two presses make one concern.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.concerns.admin_queue import send_to_admin_queue
from core.concerns.anonymity import send_task_card
from core.concerns.deadlines import Plan
from core.concerns.dispatching import route_within_unit
from core.concerns.numbering import concern_number
from core.errors import InputError
from core.model import ConcernStatus, ConcernType, Lane, Role, Urgency
from core.notify import notify_person
from core.ports import Store
from core.reception.agenda import ANSWERED, FOLLOW_UP
from core.reception.ports import TopicRecord, UnitChoice
from core.reception.reminders import ReceptionRules
from core.replies import Reply
from core.workdays import WorkCalendar, add_working_days

ORIGIN = "reception"
@dataclass(frozen=True)
class Recorded:
    topic: TopicRecord
    number: str | None = None  # the follow-up concern's
    unit: str | None = None
    handler_id: int | None = None


async def _refuse(store: Store, person_id: int | None, why: str, key: str,
                  now: datetime, **params: int | str) -> InputError:
    await store.audit("refused", person_id, {"action": "reception_record", "why": why,
                                             **params}, now)
    return InputError(key, **params)


async def may_record(store: Store, person_id: int | None, leader_id: int) -> bool:
    if person_id is None:
        return False
    if person_id == leader_id:
        return True
    return any(role == Role.ADMIN.value for role, _ in await store.roles_of(person_id))


async def topic_to_record(store: Store, person_id: int | None, topic_id: int,
                          now: datetime) -> TopicRecord:
    """The topic, if this person may record it now: the session has started, the topic is
    live and has no outcome yet."""
    topic = await store.topic_for_record(topic_id)
    if topic is None or topic.cancelled:
        raise await _refuse(store, person_id, "no_such_topic", "reception.gone", now)
    if not await may_record(store, person_id, topic.leader_id):
        raise await _refuse(store, person_id, "not_host", "reception.not_host", now)
    if now < topic.starts_at:
        raise await _refuse(store, person_id, "not_started", "reception.not_started", now)
    if topic.outcome is not None:
        raise await _refuse(store, person_id, "recorded", "reception.already_recorded", now)
    return topic


async def record_answered(store: Store, person_id: int | None, topic_id: int, *,
                          now: datetime, tz: str, default_locale: str) -> Recorded:
    topic = await topic_to_record(store, person_id, topic_id, now)
    assert person_id is not None
    if not await store.set_topic_outcome(topic_id, ANSWERED, by=person_id, now=now):
        raise await _refuse(store, person_id, "recorded", "reception.already_recorded", now)
    await store.audit("reception_answered", person_id, {"topic": topic_id}, now)
    for person in topic.people:
        await notify_person(store, person, Reply("reception.told_answered", {
            "day": topic.day, "leader": topic.leader_name}), lane=Lane.INTERACTIVE, now=now,
            default_locale=default_locale)
    return Recorded(topic)


async def record_follow_up(store: Store, person_id: int | None, topic_id: int,
                           unit_id: int, *, now: datetime, rules: ReceptionRules,
                           calendar: WorkCalendar, tz: str, university_code: str,
                           default_locale: str) -> Recorded:
    """Make the topic a tracked concern owned by ``unit_id`` and tell everyone concerned."""
    topic = await topic_to_record(store, person_id, topic_id, now)
    assert person_id is not None
    unit = next((u for u in await store.followup_units() if u.id == unit_id), None)
    if unit is None:
        raise await _refuse(store, person_id, "no_such_unit", "reception.no_unit", now)
    # The topic is claimed first: of two presses (the leader's and an admin's) only one
    # goes on, before anything else is written.
    if not await store.set_topic_outcome(topic_id, FOLLOW_UP, by=person_id, now=now,
                                         unit_id=unit.id):
        raise await _refuse(store, person_id, "recorded", "reception.already_recorded", now)
    requester = topic.people[0]
    decision = await route_within_unit(store, unit.code, exclude=topic.people, now=now)
    handler, reason = decision.member_id, decision.reason
    year = now.astimezone(ZoneInfo(tz)).year
    number = concern_number(university_code, year, await store.next_concern_seq(year))
    text = f"【{topic.day} {topic.leader_name} 接待】{topic.text}"
    status = ConcernStatus.DISPATCHED if handler else ConcernStatus.RECEIVED
    category, type_ = rules.followup_category, ConcernType.HELP.value
    due = add_working_days(now, rules.followup_working_days, calendar, tz)
    cid = await store.add_concern(
        number=number, requester_id=requester, type=type_, category=category,
        urgency=Urgency.P2.value, status=status.value, anonymous=False, text=text,
        assigned_member_id=handler, zone_id=None, routing_reason=reason,
        source_channel=ORIGIN, origin=ORIGIN, source_key=f"reception-topic:{topic_id}",
        created_at=now, updated_at=now, deadline_from=now, ladder_plan=Plan.BOTH.value,
        due_reply_at=due, about_member=False, about_branch_code=None)
    await store.link_topic_concern(topic_id, cid)
    await store.add_event(cid, "received", from_status=None, to_status=ConcernStatus.RECEIVED.value,
                          actor_id=person_id, detail={"channel": ORIGIN, "topic": topic_id,
                                                      "session": topic.session_id,
                                                      "unit": unit.code}, now=now)
    for att in topic.attachments:
        await store.add_attachment(cid, att, now)
    if handler:
        await store.add_event(cid, "dispatched", from_status=ConcernStatus.RECEIVED.value,
                              to_status=status.value, actor_id=person_id,
                              detail={"member_id": handler, "reason": reason}, now=now)
        await send_task_card(store, handler, concern_id=cid, number=number, category=category,
                             type_=type_, text=text, requester_id=requester, anonymous=False,
                             status=status, now=now, default_locale=default_locale,
                             attachments=list(topic.attachments))
    else:
        await store.add_event(cid, "queued", from_status=None, to_status=None, actor_id=None,
                              detail={"reason": reason}, now=now)
        await send_to_admin_queue(store, concern_id=cid, number=number, category=category,
                                  type_=type_, text=text, requester_id=requester,
                                  anonymous=False, about_member=False, about_branch_code=None,
                                  decision=decision, now=now, default_locale=default_locale)
    await store.audit("reception_follow_up", person_id,
                      {"topic": topic_id, "concern": cid, "unit": unit.code}, now)
    for person in topic.people:
        await notify_person(store, person, Reply("reception.told_follow_up", {
            "day": topic.day, "leader": topic.leader_name, "number": number,
            "unit": unit.name, "due": due.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")}),
            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    return Recorded(topic, number, unit.name, handler)
