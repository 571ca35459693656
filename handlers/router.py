"""One entry point for every inbound message: pick the flow, map domain errors to replies."""
from __future__ import annotations

from collections.abc import Coroutine
from datetime import datetime, timedelta

from core.actions import ForgedAction, Verb, decode
from core.errors import DomainError, InputError
from core.model import Lane
from core.ports import Store
from core.replies import Reply
from handlers.concerns import followup, history, intake, reveal, supervision, tasks
from handlers.calendar import admin as calendar_admin
from handlers.crisis import flow as crisis
from handlers.reception import admin as reception_admin
from handlers.reception import booking as reception
from handlers.reception import feed as reception_feed
from handlers.reception import outcome as reception_outcome
from handlers.reception import visit as reception_visit
from handlers.surveys import admin as survey_admin
from handlers.surveys import answer as survey_answer
from handlers.people import start
from handlers.privacy import erasure as privacy_erasure
from handlers.privacy import mydata as privacy_mydata
from handlers.context import FlowConfig, FlowContext, callback_answer
from handlers.inbound import Inbound, content_name

COMMANDS = {
    "start": start.start,
    "help": start.help_,
    "cancel": start.cancel,
    "lang": start.lang,
    "new": lambda ctx: intake.begin(ctx),
    "tasks": tasks.tasks_command,
    "my": tasks.my_command,
    "away": supervision.away_command,
    "merge": supervision.merge_command,
    "reject": supervision.reject_command,
    "branch": supervision.branch_command,
    "reveal": reveal.reveal_command,
    "calendar": calendar_admin.calendar_admin,
    "history": history.history_command,
    "reception": reception.reception_command,
    "receptions": reception_admin.receptions_admin,
    "survey": survey_admin.survey_admin,
    "surveys": survey_answer.surveys_command,
    "visit": reception_visit.visit_command,
    "feed": reception_feed.feed_command,
    "mydata": privacy_mydata.mydata_command,
    "erase": privacy_erasure.erase_command,
}

#: The commands menu each channel shows (Telegram: setMyCommands), as locale keys.
MENU = ("start", "new", "my", "tasks", "reception", "help", "cancel", "lang")


async def _no_arg(arg: str, flow: Coroutine[object, object, None]) -> None:
    """Buttons drawn without an argument: one that carries an argument is forged."""
    if arg:
        flow.close()  # never started
        raise InputError("error.forged")
    await flow


CALLBACKS = {
    Verb.NEW: lambda ctx, arg: _no_arg(arg, intake.begin(ctx, edit=False)),
    Verb.COLLEGE: intake.college_chosen,
    Verb.BUILDING: intake.building_button,
    Verb.CATEGORY: intake.category_chosen,
    Verb.TYPE: intake.type_chosen,
    Verb.DONE: lambda ctx, arg: _no_arg(arg, intake.done(ctx)),
    Verb.CONFIRM: intake.confirm,
    Verb.ABOUT: lambda ctx, arg: _no_arg(arg, intake.about_member(ctx)),
    Verb.ABOUT_BRANCH: intake.about_branch_chosen,
    Verb.CANCEL: lambda ctx, arg: _no_arg(arg, start.cancel(ctx)),
    Verb.LANG: start.lang_chosen,
    Verb.ACCEPT: tasks.accept,
    Verb.RETURN: tasks.ask_return,
    Verb.CONTACT: tasks.ask_contact,
    Verb.REPLY: tasks.ask_reply,
    Verb.EXTEND: tasks.ask_extension,
    Verb.EXT_OK: lambda ctx, arg: tasks.extension_decision(ctx, arg, True),
    Verb.EXT_NO: lambda ctx, arg: tasks.extension_decision(ctx, arg, False),
    Verb.REDISPATCH: tasks.redispatch,
    Verb.ANSWER: followup.ask_answer,
    Verb.REVISIT: followup.revisit_answer,
    Verb.CRISIS_ACK: crisis.ack,
    Verb.CRISIS_CLOSE: crisis.ask_close,
    Verb.RC_BOOK: reception.book_pressed,
    Verb.RC_CONFIRM: reception.confirm,
    Verb.RC_TOPICS: reception.topics_pressed,
    Verb.RC_JOIN: reception.join_pressed,
    Verb.RC_CANCEL: reception.cancel_pressed,
    Verb.RA_CONFIRM: reception_admin.confirm_pressed,
    Verb.RC_RECORD: reception_outcome.record_pressed,
    Verb.RC_ANSWERED: reception_outcome.answered_pressed,
    Verb.RC_FOLLOW: reception_outcome.follow_pressed,
    Verb.RC_UNIT: reception_outcome.unit_pressed,
    Verb.SV_OPEN: survey_answer.open_pressed,
    Verb.SV_PICK: survey_answer.pick_pressed,
    Verb.SV_BACK: lambda ctx, arg: survey_answer.move_pressed(ctx, arg, forward=False),
    Verb.SV_NEXT: lambda ctx, arg: survey_answer.move_pressed(ctx, arg, forward=True),
    Verb.SV_SUBMIT: survey_answer.submit_pressed,
    Verb.SA_CONFIRM: survey_admin.confirm_pressed,
    Verb.RC_FEED_STOP: lambda ctx, arg: _no_arg(arg, reception_feed.stop_pressed(ctx)),
    Verb.PV_ERASE: privacy_erasure.erase_confirmed,
    Verb.PV_APPROVE: privacy_erasure.approve_pressed,
    Verb.PV_REFUSE: privacy_erasure.refuse_pressed,
}
#: Buttons that work whatever step the conversation is at (they carry no step state).
#: Concern buttons name their concern; core checks the presser's relation to it instead.
STATELESS = {Verb.NEW, Verb.LANG, Verb.CANCEL, Verb.ACCEPT, Verb.RETURN, Verb.CONTACT,
             Verb.REPLY, Verb.EXTEND, Verb.EXT_OK, Verb.EXT_NO, Verb.REDISPATCH, Verb.ANSWER,
             Verb.REVISIT, Verb.CRISIS_ACK, Verb.CRISIS_CLOSE, Verb.RC_BOOK, Verb.RC_TOPICS,
             Verb.RC_JOIN, Verb.RC_CANCEL, Verb.RC_FEED_STOP, Verb.RC_RECORD, Verb.RC_ANSWERED,
             Verb.RC_FOLLOW, Verb.RC_UNIT, Verb.SV_OPEN, Verb.SV_PICK, Verb.SV_BACK,
             Verb.SV_NEXT, Verb.SV_SUBMIT, Verb.PV_APPROVE, Verb.PV_REFUSE}


async def handle(inbound: Inbound, store: Store, *, now: datetime, config: FlowConfig,
                 default_locale: str) -> bool:
    """Handle one inbound message inside the caller's transaction; replies go to the outbox.

    True: the flow asked that the stored message be redacted (``FlowContext.redact_inbound``);
    the caller does it in the same transaction."""
    conv = await store.load_conversation(inbound.channel, inbound.chat_id)
    if inbound.callback_id and (inbound.chat_type != "private" or inbound.user_id is None):
        # No flow runs for it, yet every pressed button is answered exactly once.
        await store.enqueue(inbound.channel, inbound.chat_id, callback_answer(inbound),
                            lane=Lane.INTERACTIVE, locale=default_locale, person_id=None,
                            now=now)
    if inbound.chat_type != "private":
        # One polite refusal per group; afterwards the bot stays silent there.
        if conv.flow != "group_refused":
            conv.goto("group_refused")
            await store.enqueue(inbound.channel, inbound.chat_id,
                                Reply("group.refused"), lane=Lane.INTERACTIVE,
                                locale=default_locale, person_id=None, now=now)
            await store.save_conversation(conv, now)
        return False
    if inbound.kind == "ignored" or inbound.user_id is None:
        return False
    identity = await store.upsert_identity(inbound.channel, inbound.user_id, inbound.chat_id,
                                           username=inbound.username,
                                           display_name=inbound.display_name, now=now)
    ctx = FlowContext(store=store, inbound=inbound, conv=conv, identity=identity, now=now,
                      config=config)
    await _flood_notice(ctx)
    try:
        await _dispatch(ctx)
    except DomainError as err:
        ctx.toast()
        ctx.say_with(err.key, dict(err.params))
    if ctx.inbound_redacted:
        crisis.forget_redacted(ctx)  # nor does the chat's crisis memory keep the text
    await start.privacy_notice(ctx)
    await store.save_conversation(conv, now)
    locale = identity.locale or default_locale
    for reply in ctx.outgoing():
        await store.enqueue(inbound.channel, inbound.chat_id, reply, lane=ctx.lane,
                            locale=locale, person_id=identity.person_id, now=now)
    return ctx.inbound_redacted


async def _flood_notice(ctx: FlowContext) -> None:
    window = timedelta(seconds=ctx.config.flood_window_seconds)
    count = await ctx.store.recent_inbound(ctx.inbound.chat_key, ctx.now - window)
    if count <= ctx.config.flood_max:
        return
    last = ctx.conv.flood_notice_at
    if last is None or ctx.now - last > window:
        ctx.conv.flood_notice_at = ctx.now
        ctx.say("flood.notice")


async def _dispatch(ctx: FlowContext) -> None:
    ib = ctx.inbound
    if await crisis.intercept(ctx):  # crisis wording never continues on the ordinary path
        return
    if ib.kind == "command":
        handler = COMMANDS.get(ib.command or "")
        if handler is None:
            ctx.say("error.unknown_command", command=ib.command or "")
            return
        await handler(ctx)
    elif ib.kind == "callback":
        await _callback(ctx)
    elif ib.kind in ("text", "attachment") and ctx.conv.flow == tasks.FLOW:
        await tasks.member_text(ctx, ib.text, ib.attachment)
    elif ib.kind in ("text", "attachment") and ctx.conv.flow == followup.FLOW:
        await followup.answer_text(ctx, ib.text, ib.attachment)
    elif ib.kind in ("text", "attachment") and ctx.conv.flow == reception.FLOW:
        await reception.topic_input(ctx)
    elif ib.kind in ("text", "attachment") and ctx.conv.flow == survey_answer.FLOW:
        await survey_answer.text_input(ctx)
    elif ib.kind in ("text", "attachment") and ctx.conv.flow == crisis.FLOW:
        await crisis.close_note(ctx)
    elif ib.kind in ("text", "attachment") and ctx.conv.flow == privacy_erasure.FLOW:
        await privacy_erasure.text_input(ctx)
    elif ib.kind == "text":
        await _text(ctx)
    elif ib.kind == "attachment":
        if ctx.conv.flow == "intake" and ctx.conv.step in ("text", "more", "confirm"):
            await intake.add_attachment(ctx, ib.attachment or {})
        elif ctx.conv.flow == "idle":
            if ib.text:
                await intake.begin(ctx, text=ib.text, attachment=ib.attachment)
            else:
                await intake.begin(ctx, attachment=ib.attachment)
        else:
            ctx.say("intake.kept_waiting_choice")
    else:
        ctx.say("error.unsupported", content=content_name(ib.content_type))


async def _text(ctx: FlowContext) -> None:
    conv, text = ctx.conv, ctx.inbound.text
    if conv.flow == "intake" and conv.step in ("text", "more", "confirm"):
        await intake.add_text(ctx, text)
    elif conv.flow == "intake" and conv.step == "building":
        await intake.building_chosen(ctx, text)
    elif conv.flow == "intake":
        ctx.say("intake.use_buttons")
    else:
        await intake.begin(ctx, text=text)


async def _callback(ctx: FlowContext) -> None:
    try:
        action = decode(ctx.inbound.callback_data or "")
    except ForgedAction as exc:
        await ctx.store.audit("forged_button", ctx.identity.person_id,
                              {"data": (ctx.inbound.callback_data or "")[:64],
                               "why": str(exc), "identity_id": ctx.identity.id}, ctx.now)
        ctx.toast()  # no text: the message says it (a toast too would say it twice)
        ctx.say("error.forged")
        return
    if action.verb not in STATELESS and action.version != ctx.conv.version:
        await _audit_button(ctx, "stale_version")
        ctx.toast()
        ctx.say("error.stale")
        return
    try:
        await CALLBACKS[action.verb](ctx, action.arg)
    except DomainError as err:
        # A flow refuses a forged argument or an out-of-step press with these keys before
        # any check that audits (core audits its own refusals): every refusal leaves a row.
        if err.key in ("error.forged", "error.stale"):
            await _audit_button(ctx, err.key)
        raise


async def _audit_button(ctx: FlowContext, why: str) -> None:
    # A redacted press (an anonymous answer) is not copied here either.
    data = "" if ctx.inbound_redacted else (ctx.inbound.callback_data or "")[:64]
    await ctx.store.audit("refused", ctx.identity.person_id,
                          {"data": data, "why": why,
                           "identity_id": ctx.identity.id}, ctx.now)
