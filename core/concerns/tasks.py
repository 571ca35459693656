"""The member's side of a concern: the task card's buttons and the texts that follow them
(退单 reason, message to the requester, 答复 summary, extension request), the college's
answer to an extension, the secretary's or an admin's pick of a handler, and /tasks.

Each use case checks who may (through ``core.concerns.handling``), writes, and tells whoever must
know; ``handlers.concerns.tasks`` parses the press or the text and says what happened.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from core.actions import Verb, encode
from core.concerns.admin_queue import dispatch_candidates
from core.concerns.anonymity import send_task_card
from core.concerns.cards import answer_button, handler_verbs, member_buttons
from core.concerns.handling import Acted, act, may_act, tell_requester
from core.concerns.lifecycle import Action
from core.concerns.pickers import redispatch_allowed, redispatch_offer
from core.errors import InputError
from core.model import ConcernStatus, Lane, Role
from core.notify import notify_person
from core.ports import ConcernRecord, PersonCard, Store
from core.replies import Button, Reply
from core.types import JSONObject


@dataclass(frozen=True)
class Accepted:
    concern: ConcernRecord
    status: ConcernStatus
    #: the requester's roster card for the task card; None when anonymous (or unknown)
    requester: PersonCard | None


async def accept_task(store: Store, *, now: datetime, person_id: int | None, concern_id: int,
                      default_locale: str) -> Accepted:
    """签收: the member signs for the concern; the requester may write to them from now on."""
    done = await act(store, now=now, person_id=person_id, concern_id=concern_id,
                     action=Action.ACCEPT)
    c = done.concern
    card = None if c.anonymous else await store.person_card(c.requester_id)
    await tell_requester(store, c, "concern.accepted", now=now, default_locale=default_locale,
                         buttons=answer_button(c.id))
    return Accepted(c, done.transition.status, card)


async def may_start_step(store: Store, *, now: datetime, person_id: int | None,
                         concern_id: int, step: str, action: Action) -> ConcernRecord:
    """A task-card button that asks for a text first (``step``: return, contact, reply,
    extension): only the assigned member, and only when ``action`` is possible now.

    Refused (and audited) at the press, not after the member has typed the text; the
    lifecycle check is the one that decides whether the button is drawn (core.concerns.cards).
    """
    c = await store.get_concern(concern_id)
    if c is None or c.assigned_member_id != person_id:
        await store.audit("refused", person_id, {"concern_id": concern_id, "action": step,
                                                 "why": "not_handler"}, now)
        raise InputError("handling.no_access")
    await may_act(store, now=now, person_id=person_id, concern_id=concern_id, action=action)
    return c


async def return_task(store: Store, *, now: datetime, person_id: int | None, concern_id: int,
                      reason: str, default_locale: str) -> Acted:
    """退单 with a reason: the branch secretaries get a picker, the requester is told."""
    done = await act(store, now=now, person_id=person_id, concern_id=concern_id,
                     action=Action.RETURN, reason=reason)
    await _offer_redispatch(store, done.concern, reason, now=now, returned_by=person_id,
                            default_locale=default_locale)
    await tell_requester(store, done.concern, "concern.returned", now=now,
                         default_locale=default_locale)
    return done


async def _offer_redispatch(store: Store, c: ConcernRecord, reason: str, *, now: datetime,
                            returned_by: int | None, default_locale: str) -> None:
    if not c.branch_code:
        return
    members, wider = await redispatch_offer(store, c, now, returned_by=returned_by)
    names = await store.person_names(members)
    buttons = tuple((Button("button.plain", encode(Verb.REDISPATCH, f"{c.id}.{m}"),
                            {"label": names[m]}),) for m in members[:20])
    key = ("task.returned_to_secretary_college" if wider else "task.returned_to_secretary") \
        if members else "task.returned_nobody"
    for sec in await store.people_with_role_at(Role.BRANCH_SECRETARY.value, c.branch_code):
        await notify_person(store, sec, Reply(key, {"number": c.number, "reason": reason},
                                              buttons),
                            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)


async def contact_requester(store: Store, *, now: datetime, person_id: int | None,
                            concern_id: int, text: str, attachment: JSONObject | None,
                            default_locale: str) -> ConcernRecord:
    """The handler writes to the requester through the bot; the first message on an
    accepted concern is the 响应 (first contact). Possible while a reply is."""
    c = await store.get_concern(concern_id)
    if c is None or person_id is None or c.assigned_member_id != person_id:
        raise InputError("handling.no_access")
    if c.status == ConcernStatus.ACCEPTED:
        await act(store, now=now, person_id=person_id, concern_id=concern_id,
                  action=Action.FIRST_CONTACT)
    elif c.status not in (ConcernStatus.IN_PROGRESS, ConcernStatus.EXTENSION_REQUESTED):
        raise InputError("lifecycle.refused")
    await store.add_relay(concern_id, person_id, "to_requester", text,
                          [attachment] if attachment else [], now)
    await notify_person(store, c.requester_id, Reply(
        "relay.to_requester", {"number": c.number, "text": text or "—"},
        answer_button(concern_id), attachments=(attachment,) if attachment else ()),
        lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    return c


async def reply_task(store: Store, *, now: datetime, person_id: int | None, concern_id: int,
                     summary: str, revisit_due_at: datetime, default_locale: str) -> Acted:
    """答复 with a summary; the 回访 is due at ``revisit_due_at``."""
    done = await act(store, now=now, person_id=person_id, concern_id=concern_id,
                     action=Action.REPLY, reason=summary,
                     extra={"reply_summary": summary, "revisit_due_at": revisit_due_at})
    await tell_requester(store, done.concern, "concern.replied", now=now,
                         default_locale=default_locale, summary=summary)
    return done


async def request_extension(store: Store, *, now: datetime, person_id: int | None,
                            concern_id: int, until: datetime, until_text: str, reason: str,
                            default_locale: str) -> Acted:
    """The handler asks for more time (until ``until``, said as ``until_text``): the
    college committee decides, the requester is told."""
    done = await act(store, now=now, person_id=person_id, concern_id=concern_id,
                     action=Action.REQUEST_EXTENSION, reason=reason,
                     extra={"extension_until": until, "extension_reason": reason})
    c = done.concern
    if c.college_code:
        row = (Button("button.approve", encode(Verb.EXT_OK, str(c.id))),
               Button("button.deny", encode(Verb.EXT_NO, str(c.id))))
        for person in await store.people_with_role_at(Role.COLLEGE_COMMITTEE.value,
                                                      c.college_code):
            await notify_person(store, person, Reply("task.extension_asked", {
                "number": c.number, "until": until_text, "reason": reason}, (row,)),
                lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    await tell_requester(store, c, "concern.extension_requested", now=now,
                         default_locale=default_locale, until=until_text)
    return done


async def decide_extension(store: Store, *, now: datetime, person_id: int | None,
                           concern_id: int, approve: bool, default_locale: str) -> Acted:
    """The college approves (the reply is due at the asked date) or denies an extension;
    the requester and the handler are told."""
    action = Action.APPROVE_EXTENSION if approve else Action.DENY_EXTENSION
    fields = await store.concern_fields(concern_id, "extension_until")
    extra = {"due_reply_at": fields["extension_until"]} if approve and fields else None
    done = await act(store, now=now, person_id=person_id, concern_id=concern_id,
                     action=action, extra=extra)
    c = done.concern
    await tell_requester(store, c,
                         "concern.extension_approved" if approve else "concern.extension_denied",
                         now=now, default_locale=default_locale)
    if c.assigned_member_id:
        key = "task.extension_approved" if approve else "task.extension_denied"
        await notify_person(store, c.assigned_member_id,
                            Reply(key, {"number": c.number},
                                  member_buttons(concern_id, done.transition.status)),
                            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    return done


@dataclass(frozen=True)
class Dispatched:
    number: str
    #: True: an admin dispatched it from the queue; False: a secretary re-dispatched it
    queued: bool
    #: the picked person's name (told to the admin; None for a re-dispatch)
    name: str | None


async def dispatch_to(store: Store, *, now: datetime, person_id: int | None, concern_id: int,
                      member_id: int, default_locale: str) -> Dispatched:
    """A person picked on a returned concern (the secretary) or on a queued one (an
    admin). The pick must be one the picker could have offered (else ``error.forged``);
    ``core.concerns.handling`` decides whether the presser may (re-)dispatch it at all. The new
    handler gets the task card, the requester is told."""
    c = await store.get_concern(concern_id)
    queued = c is not None and c.status == ConcernStatus.RECEIVED
    allowed = [] if c is None else await dispatch_candidates(store, c) if queued else \
        await redispatch_allowed(store, c)
    if c is None or member_id not in allowed:
        raise InputError("error.forged")  # audited by the router
    done = await act(store, now=now, person_id=person_id, concern_id=concern_id,
                     action=Action.ADMIN_DISPATCH if queued else Action.REDISPATCH,
                     extra={"assigned_member_id": member_id})
    fresh = await store.get_concern(concern_id)
    name = (await store.person_names([member_id])).get(member_id, "—") if queued else None
    await send_task_card(store, member_id, concern_id=concern_id, number=c.number,
                         category=c.category, type_=c.type, text=c.text,
                         requester_id=c.requester_id, anonymous=c.anonymous,
                         status=done.transition.status, now=now,
                         default_locale=default_locale)
    assert fresh is not None
    await tell_requester(store, fresh, "concern.dispatched" if queued else "concern.redispatched",
                         now=now, default_locale=default_locale)
    return Dispatched(c.number, queued, name)


@dataclass(frozen=True)
class Task:
    """One line of /tasks: a concern waiting on its handler."""

    id: int
    number: str
    status: ConcernStatus
    category: str
    due_reply_at: datetime | None
    #: the earliest limit still open (accept, contact or reply) and the 督办 level reached
    next_due: datetime | None = None
    level: int = 0


async def waiting_tasks(store: Store, person_id: int | None) -> list[Task]:
    """The member's to-do list: every concern assigned to them on which a task-card
    button applies (core.concerns.cards), the earliest due first, those without a due time last.
    Someone who is no person yet is told they have none (``task.none``)."""
    if person_id is None:
        raise InputError("task.none")
    tasks = [Task(r["id"], r["number"], ConcernStatus(r["status"]), r["category"],
                  r["due_reply_at"], r.get("next_due", r["due_reply_at"]), r.get("level", 0))
             # all of them (up to 500), so sorting by due time brings every overdue one first
             for r in await store.concern_rows(member_id=person_id, limit=500)]
    tasks = [x for x in tasks if handler_verbs(x.status)]
    far = datetime.max.replace(tzinfo=timezone.utc)
    tasks.sort(key=lambda x: (x.next_due is None, x.next_due or far, -x.level))
    return tasks
