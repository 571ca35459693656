"""The member's side: task card buttons, relay to the requester, /tasks, and the secretary's
re-dispatch. Access is checked in core.handling, never here."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from core.actions import Verb, encode
from core.admin_queue import dispatch_candidates
from core.anonymity import send_task_card
from core.cards import STEP_OF, answer_button, handler_verbs, member_buttons
from core.errors import InputError, too_long
from core.handling import ConcernRecord, act, may_act, status_label, tell_requester
from core.lifecycle import Action
from core.model import ConcernStatus, Lane, Role
from core.notify import notify_person
from core.pickers import redispatch_allowed, redispatch_offer
from core.replies import Button, Reply, t
from core.types import JSON, as_int
from handlers.context import FlowContext

FLOW = "handle"


def _cid(arg: str) -> int:
    if not arg.isdigit() or len(arg) > 12:
        raise InputError("error.forged")
    return int(arg)


async def _card(ctx: FlowContext, c: ConcernRecord, status: ConcernStatus) -> None:
    card = None if c.anonymous else await ctx.store.person_card(c.requester_id)
    requester = {"t": "task.anonymous"} if c.anonymous else (card.name if card else "—")
    ctx.say("task.card", member_buttons(c.id, status), edit=True, number=c.number,
            status=status_label(status), category={"t": f"category.{c.category}"},
            type={"t": f"type.{c.type}"}, requester=requester, text=c.text or "—")


async def accept(ctx: FlowContext, arg: str) -> None:
    done = await act(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                     concern_id=_cid(arg), action=STEP_OF[Verb.ACCEPT])
    ctx.toast()
    await _card(ctx, done.concern, done.transition.status)
    # The requester can add information or photos from here on: it goes to the handler.
    await tell_requester(ctx.store, done.concern, "concern.accepted", now=ctx.now,
                         default_locale=ctx.config.rules.default_locale,
                         buttons=answer_button(done.concern.id))


async def _ask(ctx: FlowContext, arg: str, verb: Verb, step: str, key: str) -> None:
    cid = _cid(arg)
    c = await ctx.store.get_concern(cid)
    if c is None or c.assigned_member_id != ctx.identity.person_id:
        await ctx.store.audit("refused", ctx.identity.person_id,
                              {"concern_id": cid, "action": step, "why": "not_handler"}, ctx.now)
        raise InputError("handling.no_access")
    # Refused (and audited) now, not after the member has typed the text; the same
    # lifecycle step that decides whether the button is drawn at all (core.cards).
    await may_act(ctx.store, now=ctx.now, person_id=ctx.identity.person_id, concern_id=cid,
                  action=STEP_OF[verb])
    ctx.conv.goto(FLOW, step, concern=cid)
    ctx.toast()
    ctx.say(key, number=c.number)


async def ask_return(ctx: FlowContext, arg: str) -> None:
    await _ask(ctx, arg, Verb.RETURN, "return", "task.ask_return_reason")


async def ask_contact(ctx: FlowContext, arg: str) -> None:
    await _ask(ctx, arg, Verb.CONTACT, "contact", "task.ask_contact")


async def ask_reply(ctx: FlowContext, arg: str) -> None:
    await _ask(ctx, arg, Verb.REPLY, "reply", "task.ask_reply_summary")


async def ask_extension(ctx: FlowContext, arg: str) -> None:
    await _ask(ctx, arg, Verb.EXTEND, "extension", "task.ask_extension")


#: What the text of each step is, for the reply that it is too long.
_TOO_LONG = {"return": "too_long.return_reason", "contact": "too_long.relay_to_requester",
             "reply": "too_long.reply_summary", "extension": "too_long.extension"}


async def member_text(ctx: FlowContext, text: str,
                      attachment: dict[str, JSON] | None = None) -> None:
    """Free text while a member's step awaits it (reason, relay, summary, extension)."""
    step, cid = ctx.conv.step, as_int(ctx.conv.data["concern"])
    text = text.strip()
    if not text and not attachment:
        raise InputError("intake.empty_text")
    if len(text) > ctx.config.rules.max_text_chars:
        raise too_long(_TOO_LONG[step], length=len(text), limit=ctx.config.rules.max_text_chars)
    locale = ctx.config.rules.default_locale
    me = ctx.identity.person_id
    if step == "return":
        done = await act(ctx.store, now=ctx.now, person_id=me, concern_id=cid,
                         action=Action.RETURN, reason=text)
        await _offer_redispatch(ctx, done.concern, text)
        await tell_requester(ctx.store, done.concern, "concern.returned", now=ctx.now,
                             default_locale=locale)
        ctx.say("task.returned", number=done.concern.number)
    elif step == "contact":
        c = await ctx.store.get_concern(cid)
        if c is None or me is None or c.assigned_member_id != me:
            raise InputError("handling.no_access")
        if c.status == ConcernStatus.ACCEPTED:
            await act(ctx.store, now=ctx.now, person_id=me, concern_id=cid,
                      action=Action.FIRST_CONTACT)
        elif c.status not in (ConcernStatus.IN_PROGRESS, ConcernStatus.EXTENSION_REQUESTED):
            raise InputError("lifecycle.refused")
        await ctx.store.add_relay(cid, me, "to_requester", text,
                                  [attachment] if attachment else [], ctx.now)
        await notify_person(ctx.store, c.requester_id, Reply(
            "relay.to_requester", {"number": c.number, "text": text or "—"},
            answer_button(cid), attachments=(attachment,) if attachment else ()),
            lane=Lane.INTERACTIVE, now=ctx.now, default_locale=locale)
        ctx.say("relay.sent", number=c.number)
    elif step == "reply":
        done = await act(ctx.store, now=ctx.now, person_id=me, concern_id=cid,
                         action=Action.REPLY, reason=text,
                         extra={"reply_summary": text,
                                "revisit_due_at": ctx.config.revisit_due(ctx.now)})
        await tell_requester(ctx.store, done.concern, "concern.replied", now=ctx.now,
                             default_locale=locale, summary=text)
        ctx.say("task.replied", number=done.concern.number)
    elif step == "extension":
        until, _, reason = text.partition(" ")
        when = _parse_date(until, ctx.config.rules.timezone)
        if when is None or when <= ctx.now or not reason.strip():
            raise InputError("task.bad_extension")
        done = await act(ctx.store, now=ctx.now, person_id=me, concern_id=cid,
                         action=Action.REQUEST_EXTENSION, reason=reason.strip(),
                         extra={"extension_until": when, "extension_reason": reason.strip()})
        await _ask_college(ctx, done.concern, until, reason.strip())
        await tell_requester(ctx.store, done.concern, "concern.extension_requested",
                             now=ctx.now, default_locale=locale, until=until)
        ctx.say("task.extension_requested", number=done.concern.number, until=until)
    ctx.conv.goto("idle")


def _parse_date(text: str, tz: str) -> datetime | None:
    try:
        d = date.fromisoformat(text)
    except ValueError:
        return None
    return datetime.combine(d, time(17, 30), ZoneInfo(tz)).astimezone(timezone.utc)


async def _offer_redispatch(ctx: FlowContext, c: ConcernRecord, reason: str) -> None:
    if not c.branch_code:
        return
    members, wider = await redispatch_offer(ctx.store, c, ctx.now,
                                            returned_by=ctx.identity.person_id)
    names = await ctx.store.person_names(members)
    buttons = tuple((Button("button.plain", encode(Verb.REDISPATCH, f"{c.id}.{m}"),
                            {"label": names[m]}),) for m in members[:20])
    key = ("task.returned_to_secretary_college" if wider else "task.returned_to_secretary") \
        if members else "task.returned_nobody"
    for sec in await ctx.store.people_with_role_at(Role.BRANCH_SECRETARY.value, c.branch_code):
        await notify_person(ctx.store, sec, Reply(key, {
            "number": c.number, "reason": reason}, buttons), lane=Lane.INTERACTIVE,
            now=ctx.now, default_locale=ctx.config.rules.default_locale)


async def _ask_college(ctx: FlowContext, c: ConcernRecord, until: str, reason: str) -> None:
    if not c.college_code:
        return
    row = (Button("button.approve", encode(Verb.EXT_OK, str(c.id))),
           Button("button.deny", encode(Verb.EXT_NO, str(c.id))))
    for person in await ctx.store.people_with_role_at(Role.COLLEGE_COMMITTEE.value,
                                                      c.college_code):
        await notify_person(ctx.store, person, Reply("task.extension_asked", {
            "number": c.number, "until": until, "reason": reason}, (row,)),
            lane=Lane.INTERACTIVE, now=ctx.now, default_locale=ctx.config.rules.default_locale)


async def redispatch(ctx: FlowContext, arg: str) -> None:
    """A person picked on a returned concern (the secretary) or on a queued one (an
    admin); core.handling decides whether the presser may (re-)dispatch it at all."""
    cid_text, _, pid_text = arg.partition(".")
    cid, pid = _cid(cid_text), _cid(pid_text)
    c = await ctx.store.get_concern(cid)
    queued = c is not None and c.status == ConcernStatus.RECEIVED
    allowed = [] if c is None else await dispatch_candidates(ctx.store, c) if queued else \
        await redispatch_allowed(ctx.store, c)
    if c is None or pid not in allowed:
        raise InputError("error.forged")  # audited by the router
    done = await act(ctx.store, now=ctx.now, person_id=ctx.identity.person_id, concern_id=cid,
                     action=Action.ADMIN_DISPATCH if queued else Action.REDISPATCH,
                     extra={"assigned_member_id": pid})
    fresh = await ctx.store.get_concern(cid)
    ctx.toast()
    if queued:
        name = (await ctx.store.person_names([pid])).get(pid, "—")
        ctx.say("task.dispatched", edit=True, number=c.number, name=name)
    else:
        ctx.say("task.redispatched", edit=True, number=c.number)
    await send_task_card(ctx.store, pid, concern_id=cid, number=c.number,
                         category=c.category, type_=c.type, text=c.text,
                         requester_id=c.requester_id, anonymous=c.anonymous,
                         status=done.transition.status, now=ctx.now,
                         default_locale=ctx.config.rules.default_locale)
    assert fresh is not None
    await tell_requester(ctx.store, fresh,
                         "concern.dispatched" if queued else "concern.redispatched",
                         now=ctx.now, default_locale=ctx.config.rules.default_locale)


async def extension_decision(ctx: FlowContext, arg: str, approve: bool) -> None:
    cid = _cid(arg)
    action = Action.APPROVE_EXTENSION if approve else Action.DENY_EXTENSION
    fields = await ctx.store.concern_fields(cid, "extension_until")
    extra = {"due_reply_at": fields["extension_until"]} if approve and fields else None
    done = await act(ctx.store, now=ctx.now, person_id=ctx.identity.person_id, concern_id=cid,
                     action=action, extra=extra)
    ctx.toast()
    key = "task.extension_approved" if approve else "task.extension_denied"
    ctx.say(key, edit=True, number=done.concern.number)
    await tell_requester(ctx.store, done.concern,
                         "concern.extension_approved" if approve else "concern.extension_denied",
                         now=ctx.now, default_locale=ctx.config.rules.default_locale)
    if done.concern.assigned_member_id:
        await notify_person(ctx.store, done.concern.assigned_member_id,
                            Reply(key, {"number": done.concern.number},
                                  member_buttons(cid, done.transition.status)),
                            lane=Lane.INTERACTIVE, now=ctx.now,
                            default_locale=ctx.config.rules.default_locale)


#: Entries of /tasks drawn with their buttons (one message each); the rest are counted.
TASK_ENTRIES = 10


async def tasks_command(ctx: FlowContext) -> None:
    """The member's to-do list: every concern waiting on them, most urgent first, each
    with exactly the buttons its status allows (core.cards, the rule a press meets)."""
    if ctx.identity.person_id is None:
        raise InputError("task.none")
    rows = await ctx.store.concern_rows(member_id=ctx.identity.person_id)
    rows = [r for r in rows if handler_verbs(ConcernStatus(r["status"]))]
    if not rows:
        ctx.say("task.none")
        return
    far = datetime.max.replace(tzinfo=timezone.utc)
    rows.sort(key=lambda r: (r["due_reply_at"] is None, r["due_reply_at"] or far))
    tz = ZoneInfo(ctx.config.rules.timezone)
    lines, late = [], False
    for r in rows:
        due = r["due_reply_at"]
        overdue = due is not None and due < ctx.now
        late |= overdue
        lines.append(("⚠️ " if overdue else "· ") + r["number"] + " "
                     + (due.astimezone(tz).strftime("%m-%d %H:%M") if due else "—"))
    # The ⚠️ legend only when a line carries it.
    ctx.say("task.list", count=len(rows), lines="\n".join(lines),
            legend=t("task.overdue_legend") if late else "")
    for r in rows[:TASK_ENTRIES]:
        status = ConcernStatus(r["status"])
        ctx.say("task.item", member_buttons(r["id"], status), number=r["number"],
                status=status_label(status), category=t(f"category.{r['category']}"))


async def my_command(ctx: FlowContext) -> None:
    if ctx.identity.person_id is None:
        ctx.say("my.none")
        return
    rows = await ctx.store.concern_rows(requester_id=ctx.identity.person_id, open_only=False)
    if not rows:
        ctx.say("my.none")
        return
    ctx.say("my.list", count=len(rows))
    for r in rows[:5]:
        ctx.say("my.item", number=r["number"], status=t(f"status.{r['status']}"),
                category=t(f"category.{r['category']}"))
