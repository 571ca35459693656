"""The requester's side after intake: writing back to the handler, and the 回访 answers."""
from __future__ import annotations

from core.anonymity import neutral_attachments
from core.cards import member_buttons, revisit_buttons
from core.errors import InputError, too_long
from core.handling import Acted, act
from core.lifecycle import Action, is_open
from core.model import ConcernStatus, Lane, Role
from core.notify import notify_person
from core.ports import ConcernRecord
from core.replies import Button, Reply
from core.types import JSON, as_int
from handlers.context import FlowContext

FLOW = "followup"


async def _own_open_concern(ctx: FlowContext, cid: int, action: str) -> ConcernRecord:
    """The presser's own concern, still open; otherwise refused, audited, and said why."""
    c = await ctx.store.get_concern(cid)
    why = "not_requester" if c is None or c.requester_id != ctx.identity.person_id else \
        "closed" if not is_open(c.status) else None  # nobody handles a closed one any more
    if why or c is None:  # (c is None only when why is set)
        await ctx.store.audit("refused", ctx.identity.person_id,
                              {"concern_id": cid, "action": action, "why": why}, ctx.now)
        raise InputError("handling.no_access" if why == "not_requester" else "lifecycle.closed")
    return c


async def ask_answer(ctx: FlowContext, arg: str) -> None:
    cid = int(arg) if arg.isdigit() else -1
    c = await _own_open_concern(ctx, cid, "answer")
    ctx.conv.goto(FLOW, "answer", concern=cid)
    ctx.toast()
    ctx.say("relay.ask_answer", number=c.number)


async def answer_text(ctx: FlowContext, text: str,
                      attachment: dict[str, JSON] | None = None) -> None:
    if ctx.conv.step == "comment":
        await _comment(ctx, text)
        return
    cid = as_int(ctx.conv.data["concern"])
    if len(text.strip()) > ctx.config.rules.max_text_chars:  # the step waits for a shorter one
        raise too_long("too_long.relay_to_handler", length=len(text.strip()),
                       limit=ctx.config.rules.max_text_chars)
    c = await ctx.store.get_concern(cid)
    ctx.conv.goto("idle")
    if c is None or c.requester_id != ctx.identity.person_id or c.assigned_member_id is None:
        raise InputError("handling.no_access")
    if not is_open(c.status):
        raise InputError("lifecycle.closed")
    if not text.strip() and not attachment:
        raise InputError("intake.empty_text")
    await ctx.store.add_relay(cid, c.requester_id, "to_handler", text,
                              [attachment] if attachment else [], ctx.now)
    await notify_person(ctx.store, c.assigned_member_id, Reply(
        "relay.to_handler", {"number": c.number, "text": text or "—"},
        member_buttons(cid, c.status),
        attachments=tuple(neutral_attachments([attachment] if attachment else [], c.anonymous))),
        lane=Lane.INTERACTIVE, now=ctx.now, default_locale=ctx.config.rules.default_locale)
    ctx.say("relay.sent", number=c.number)


async def revisit_answer(ctx: FlowContext, arg: str) -> None:
    cid_text, _, answer = arg.partition(".")
    if not cid_text.isdigit() or answer not in ("cy", "cn", "sy", "sn", "rs", "rb", "ru"):
        raise InputError("error.forged")
    cid = int(cid_text)
    c = await _own_open_concern(ctx, cid, "revisit")
    if c.status != ConcernStatus.REVISIT:
        raise InputError("error.stale")  # audited by the router, like every stale button
    ctx.toast()
    q, a = answer[0], answer[1]
    if q == "c":
        await ctx.store.update_concern(cid, revisit_contacted=a == "y")
        ctx.say("revisit.q_solved", revisit_buttons(cid, "s"), edit=True, number=c.number)
        return
    if q == "s":
        await ctx.store.update_concern(cid, revisit_solved=a == "y")
        ctx.say("revisit.q_rating", revisit_buttons(cid, "r"), edit=True, number=c.number)
        return
    rating = {"s": "satisfied", "b": "basic", "u": "unsatisfied"}[a]
    fields = await ctx.store.concern_fields(cid, "revisit_solved", "revisit_contacted")
    if fields.get("revisit_solved") is None or fields.get("revisit_contacted") is None:
        raise InputError("error.stale")
    unhappy = rating == "unsatisfied" or not fields["revisit_solved"]
    action = Action.REVISIT_UNSATISFIED if unhappy else Action.REVISIT_SATISFIED
    done = await act(ctx.store, now=ctx.now, person_id=ctx.identity.person_id, concern_id=cid,
                     action=action, extra={"revisit_rating": rating})
    # An optional comment: the next text message is kept with the rating.
    ctx.conv.goto(FLOW, "comment", concern=cid)
    if not unhappy:
        ctx.say("revisit.thanks_closed", edit=True, number=c.number)
        return
    ctx.say("revisit.thanks_reopened", edit=True, number=c.number)
    await _reopen(ctx, done)


async def _comment(ctx: FlowContext, text: str) -> None:
    cid = as_int(ctx.conv.data["concern"])
    text = text.strip()
    if len(text) > ctx.config.rules.max_text_chars:  # the step waits for a shorter one
        raise too_long("too_long.revisit_comment", length=len(text),
                       limit=ctx.config.rules.max_text_chars)
    ctx.conv.goto("idle")
    if not text:
        raise InputError("intake.empty_text")
    c = await ctx.store.get_concern(cid)
    if c is None or c.requester_id != ctx.identity.person_id:
        raise InputError("handling.no_access")
    await ctx.store.update_concern(cid, revisit_comment=text)
    await ctx.store.add_event(cid, "revisit_comment", from_status=None, to_status=None,
                              actor_id=ctx.identity.person_id, detail={}, now=ctx.now)
    if is_open(c.status):  # reopened: whoever handles it now should read why
        await _forward_comment(ctx, c, text)
    ctx.say("revisit.comment_saved", number=c.number)


async def _forward_comment(ctx: FlowContext, c: ConcernRecord, text: str) -> None:
    """The comment on an unsatisfied 回访 goes to the reopened concern's handler, or to
    the college committee when the reopen escalated there. Only the number and the text:
    nothing about the requester, anonymous or not (the handler's card already says who)."""
    if c.status == ConcernStatus.REOPENED:  # escalated: the college re-dispatches it
        people = await ctx.store.people_with_role_at(Role.COLLEGE_COMMITTEE.value,
                                                     c.college_code or "")
        buttons: tuple[tuple[Button, ...], ...] = ()
    else:
        people = [c.assigned_member_id] if c.assigned_member_id else []
        buttons = member_buttons(c.id, c.status)
    for person in people:
        await notify_person(ctx.store, person, Reply(
            "task.reopen_comment", {"number": c.number, "text": text}, buttons),
            lane=Lane.INTERACTIVE, now=ctx.now, default_locale=ctx.config.rules.default_locale)


async def _reopen(ctx: FlowContext, done: Acted) -> None:
    """退回重办: back to the same handler; after the second reopen, the college decides."""
    c, locale = done.concern, ctx.config.rules.default_locale
    if done.transition.escalated:
        for person in await ctx.store.people_with_role_at(Role.COLLEGE_COMMITTEE.value,
                                                          c.college_code or ""):
            await notify_person(ctx.store, person, Reply("task.escalated_college", {
                "number": c.number, "count": done.transition.reopen_count}),
                lane=Lane.INTERACTIVE, now=ctx.now, default_locale=locale)
        return
    again = await act(ctx.store, now=ctx.now, person_id=None, concern_id=c.id,
                      action=Action.REDISPATCH,
                      extra={"revisit_contacted": None, "revisit_solved": None,
                             "revisit_due_at": None, "revisit_sent_at": None})
    if c.assigned_member_id:
        await notify_person(ctx.store, c.assigned_member_id, Reply("task.reopened", {
            "number": c.number, "text": c.text}, member_buttons(c.id, again.transition.status)),
            lane=Lane.INTERACTIVE, now=ctx.now, default_locale=locale)
