"""The member's side: task card buttons, relay to the requester, /tasks, and the secretary's
re-dispatch. Thin: parse the press or the text, one core call (core.concerns.tasks), reply; who may,
what follows and who is told are decided there."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from core.actions import Verb
from core.concerns.cards import STEP_OF, member_buttons
from core.errors import InputError, check_length
from core.concerns.handling import status_label
from core.replies import t
from core.concerns.tasks import (
    accept_task,
    contact_requester,
    decide_extension,
    dispatch_to,
    may_start_step,
    reply_task,
    request_extension,
    return_task,
    waiting_tasks,
)
from core.types import JSON, as_int
from handlers.concerns.due_lines import due_line, requester_state
from handlers.context import FlowContext

FLOW = "handle"


def _cid(arg: str) -> int:
    if not arg.isdigit() or len(arg) > 12:
        raise InputError("error.forged")
    return int(arg)


async def accept(ctx: FlowContext, arg: str) -> None:
    done = await accept_task(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                             concern_id=_cid(arg),
                             default_locale=ctx.config.rules.default_locale)
    c, card = done.concern, done.requester
    ctx.toast()
    requester = {"t": "task.anonymous"} if c.anonymous else (card.name if card else "—")
    ctx.say("task.card", member_buttons(c.id, done.status), edit=True, number=c.number,
            status=status_label(done.status), category={"t": f"category.{c.category}"},
            type={"t": f"type.{c.type}"}, requester=requester, text=c.text or "—")


async def _ask(ctx: FlowContext, arg: str, verb: Verb, step: str, key: str) -> None:
    cid = _cid(arg)
    c = await may_start_step(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                             concern_id=cid, step=step, action=STEP_OF[verb])
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
    check_length(text, ctx.config.rules.max_text_chars, _TOO_LONG[step])
    locale = ctx.config.rules.default_locale
    me = ctx.identity.person_id
    if step == "return":
        done = await return_task(ctx.store, now=ctx.now, person_id=me, concern_id=cid,
                                 reason=text, default_locale=locale)
        ctx.say("task.returned", number=done.concern.number)
    elif step == "contact":
        c = await contact_requester(ctx.store, now=ctx.now, person_id=me, concern_id=cid,
                                    text=text, attachment=attachment, default_locale=locale)
        ctx.say("relay.sent", number=c.number)
    elif step == "reply":
        done = await reply_task(ctx.store, now=ctx.now, person_id=me, concern_id=cid,
                                summary=text, revisit_due_at=ctx.config.revisit_due(ctx.now),
                                default_locale=locale)
        ctx.say("task.replied", number=done.concern.number)
    elif step == "extension":
        until, _, reason = text.partition(" ")
        when = _parse_date(until, ctx.config.rules.timezone)
        if when is None or when <= ctx.now or not reason.strip():
            raise InputError("task.bad_extension")
        done = await request_extension(ctx.store, now=ctx.now, person_id=me, concern_id=cid,
                                       until=when, until_text=until, reason=reason.strip(),
                                       default_locale=locale)
        ctx.say("task.extension_requested", number=done.concern.number, until=until)
    ctx.conv.goto("idle")


def _parse_date(text: str, tz: str) -> datetime | None:
    try:
        d = date.fromisoformat(text)
    except ValueError:
        return None
    return datetime.combine(d, time(17, 30), ZoneInfo(tz)).astimezone(timezone.utc)


async def redispatch(ctx: FlowContext, arg: str) -> None:
    """A person picked on a returned concern (the secretary) or on a queued one (an
    admin); core.concerns.tasks.dispatch_to decides whether the presser may and whether the pick
    is one the picker offered."""
    cid_text, _, pid_text = arg.partition(".")
    done = await dispatch_to(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                             concern_id=_cid(cid_text), member_id=_cid(pid_text),
                             default_locale=ctx.config.rules.default_locale)
    ctx.toast()
    if done.queued:
        ctx.say("task.dispatched", edit=True, number=done.number, name=done.name or "—")
    else:
        ctx.say("task.redispatched", edit=True, number=done.number)


async def extension_decision(ctx: FlowContext, arg: str, approve: bool) -> None:
    done = await decide_extension(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                                  concern_id=_cid(arg), approve=approve,
                                  default_locale=ctx.config.rules.default_locale)
    ctx.toast()
    key = "task.extension_approved" if approve else "task.extension_denied"
    ctx.say(key, edit=True, number=done.concern.number)


#: Entries of /tasks drawn with their buttons (one message each); the rest are counted.
TASK_ENTRIES = 10
#: /tasks lists this many lines (the count says how many there are in all)
TASK_LINES = 30


async def tasks_command(ctx: FlowContext) -> None:
    """The member's to-do list: every concern waiting on them, most urgent first, each
    with exactly the buttons its status allows (core.concerns.cards, the rule a press meets)."""
    rows = await waiting_tasks(ctx.store, ctx.identity.person_id)
    if not rows:
        ctx.say("task.none")
        return
    tz = ZoneInfo(ctx.config.rules.timezone)
    lines: list[JSON] = []
    late = False
    for r in rows[:TASK_LINES]:  # the earliest due first: the overdue ones lead
        line, overdue = due_line(r.number, r.next_due, r.level, now=ctx.now, tz=tz)
        lines.append(line)
        late |= overdue
    # The ⚠️ legend only when a line carries it.
    ctx.say("task.list", count=len(rows), lines=lines,
            legend=t("task.overdue_legend") if late else "")
    for r in rows[:TASK_ENTRIES]:
        ctx.say("task.item", member_buttons(r.id, r.status), number=r.number,
                status=status_label(r.status), category=t(f"category.{r.category}"))


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
                category=t(f"category.{r['category']}"),
                state=requester_state(r.get("next_due"), r.get("level", 0), now=ctx.now))
