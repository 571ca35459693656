"""The requester's side after intake: writing back to the handler, the 回访 (follow-up)
answers and the comment on them; and the 回访 sweeps (ask for the follow-up when it is
due, close what nobody answered).

Who may is checked here: only the concern's requester, and only while it is open.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.concerns.anonymity import neutral_attachments
from core.concerns.cards import member_buttons, revisit_buttons
from core.concerns.handling import Acted, act, tell_requester
from core.concerns.lifecycle import Action, is_open
from core.errors import InputError
from core.model import ConcernStatus, Lane, Role
from core.notify import notify_person
from core.ports import ConcernRecord, Store
from core.replies import Button, Reply
from core.types import JSONObject


async def own_open_concern(store: Store, *, now: datetime, person_id: int | None,
                           concern_id: int, action: str) -> ConcernRecord:
    """The requester's own concern, still open (nobody handles a closed one any more);
    otherwise refused and audited (``action`` names the press in the audit row)."""
    c = await store.get_concern(concern_id)
    why = "not_requester" if c is None or c.requester_id != person_id else \
        "closed" if not is_open(c.status) else None
    if why or c is None:  # (c is None only when why is set)
        await store.audit("refused", person_id,
                          {"concern_id": concern_id, "action": action, "why": why}, now)
        raise InputError("handling.no_access" if why == "not_requester" else "lifecycle.closed")
    return c


async def relay_to_handler(store: Store, *, now: datetime, person_id: int | None,
                           concern_id: int, text: str, attachment: JSONObject | None,
                           default_locale: str) -> ConcernRecord:
    """The requester writes to the handler of their open concern through the bot; an
    anonymous requester's file reaches the handler without its name."""
    c = await store.get_concern(concern_id)
    if c is None or c.requester_id != person_id or c.assigned_member_id is None:
        raise InputError("handling.no_access")
    if not is_open(c.status):
        raise InputError("lifecycle.closed")
    if not text.strip() and not attachment:
        raise InputError("intake.empty_text")
    files = [attachment] if attachment else []
    await store.add_relay(concern_id, c.requester_id, "to_handler", text, files, now)
    await notify_person(store, c.assigned_member_id, Reply(
        "relay.to_handler", {"number": c.number, "text": text or "—"},
        member_buttons(concern_id, c.status),
        attachments=tuple(neutral_attachments(files, c.anonymous))),
        lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    return c


#: Each 回访 answer: the question (c: contacted?, s: solved?, r: rating) and the answer.
REVISIT_ANSWERS = ("cy", "cn", "sy", "sn", "rs", "rb", "ru")
_RATINGS = {"s": "satisfied", "b": "basic", "u": "unsatisfied"}


@dataclass(frozen=True)
class RevisitStep:
    concern: ConcernRecord
    #: the question to ask next ("s": solved?, "r": the rating); None after the rating
    ask: str | None = None
    #: after the rating: the concern was reopened (unsatisfied, or not solved)
    reopened: bool = False


async def answer_revisit(store: Store, *, now: datetime, person_id: int | None,
                         concern_id: int, answer: str, default_locale: str) -> RevisitStep:
    """One 回访 answer (one of ``REVISIT_ANSWERS``) by the concern's requester.

    The rating closes the concern, or reopens it (退回重办) when it is 不满意 or the
    problem is not solved: back to the same handler; after the second reopen the college
    committee decides. A press out of turn is ``error.stale``.
    """
    c = await own_open_concern(store, now=now, person_id=person_id, concern_id=concern_id,
                               action="revisit")
    if c.status != ConcernStatus.REVISIT:
        raise InputError("error.stale")  # audited by the router, like every stale button
    q, a = answer[0], answer[1]
    if q == "c":
        await store.update_concern(concern_id, revisit_contacted=a == "y")
        return RevisitStep(c, ask="s")
    if q == "s":
        await store.update_concern(concern_id, revisit_solved=a == "y")
        return RevisitStep(c, ask="r")
    rating = _RATINGS[a]
    fields = await store.concern_fields(concern_id, "revisit_solved", "revisit_contacted")
    if fields.get("revisit_solved") is None or fields.get("revisit_contacted") is None:
        raise InputError("error.stale")
    unhappy = rating == "unsatisfied" or not fields["revisit_solved"]
    action = Action.REVISIT_UNSATISFIED if unhappy else Action.REVISIT_SATISFIED
    done = await act(store, now=now, person_id=person_id, concern_id=concern_id,
                     action=action, extra={"revisit_rating": rating})
    if unhappy:
        await _reopen(store, done, now=now, default_locale=default_locale)
    return RevisitStep(c, reopened=unhappy)


async def _reopen(store: Store, done: Acted, *, now: datetime, default_locale: str) -> None:
    """退回重办: back to the same handler; after the second reopen, the college decides."""
    c = done.concern
    if done.transition.escalated:
        for person in await store.people_with_role_at(Role.COLLEGE_COMMITTEE.value,
                                                      c.college_code or ""):
            await notify_person(store, person, Reply("task.escalated_college", {
                "number": c.number, "count": done.transition.reopen_count}),
                lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
        return
    again = await act(store, now=now, person_id=None, concern_id=c.id,
                      action=Action.REDISPATCH,
                      extra={"revisit_contacted": None, "revisit_solved": None,
                             "revisit_due_at": None, "revisit_sent_at": None})
    if c.assigned_member_id:
        await notify_person(store, c.assigned_member_id, Reply("task.reopened", {
            "number": c.number, "text": c.text}, member_buttons(c.id, again.transition.status)),
            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)


async def save_revisit_comment(store: Store, *, now: datetime, person_id: int | None,
                               concern_id: int, text: str,
                               default_locale: str) -> ConcernRecord:
    """The optional comment after the rating, kept with it. On a reopened concern it goes
    to whoever handles it now (see ``_forward_comment``)."""
    c = await store.get_concern(concern_id)
    if c is None or c.requester_id != person_id:
        raise InputError("handling.no_access")
    await store.update_concern(concern_id, revisit_comment=text)
    await store.add_event(concern_id, "revisit_comment", from_status=None, to_status=None,
                          actor_id=person_id, detail={}, now=now)
    if is_open(c.status):  # reopened: whoever handles it now should read why
        await _forward_comment(store, c, text, now=now, default_locale=default_locale)
    return c


async def _forward_comment(store: Store, c: ConcernRecord, text: str, *, now: datetime,
                           default_locale: str) -> None:
    """The comment on an unsatisfied 回访 goes to the reopened concern's handler, or to
    the college committee when the reopen escalated there. Only the number and the text:
    nothing about the requester, anonymous or not (the handler's card already says who)."""
    if c.status == ConcernStatus.REOPENED:  # escalated: the college re-dispatches it
        people = await store.people_with_role_at(Role.COLLEGE_COMMITTEE.value,
                                                 c.college_code or "")
        buttons: tuple[tuple[Button, ...], ...] = ()
    else:
        people = [c.assigned_member_id] if c.assigned_member_id else []
        buttons = member_buttons(c.id, c.status)
    for person in people:
        await notify_person(store, person, Reply(
            "task.reopen_comment", {"number": c.number, "text": text}, buttons),
            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)


async def start_revisits(store: Store, *, now: datetime, default_locale: str) -> int:
    """Sweep: ask the requester of each replied concern whose follow-up is due."""
    started = 0
    for cid in await store.due_revisits(now):
        done = await act(store, now=now, person_id=None, concern_id=cid,
                         action=Action.START_REVISIT, extra={"revisit_sent_at": now})
        await tell_requester(store, done.concern, "revisit.q_contacted", now=now,
                             default_locale=default_locale, buttons=revisit_buttons(cid, "c"))
        started += 1
    return started


async def close_unanswered(store: Store, *, now: datetime, sent_before: datetime,
                           default_locale: str) -> int:
    """Sweep: a follow-up nobody answered in time closes as "no valid follow-up"."""
    closed = 0
    for cid in await store.unanswered_revisits(sent_before):
        done = await act(store, now=now, person_id=None, concern_id=cid,
                         action=Action.CLOSE_NO_ANSWER, extra={"close_reason": "no_answer"})
        await tell_requester(store, done.concern, "revisit.closed_no_answer", now=now,
                             default_locale=default_locale)
        closed += 1
    return closed
