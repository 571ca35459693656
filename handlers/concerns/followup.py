"""The requester's side after intake: writing back to the handler, and the 回访 answers.
Thin: parse the press or the text, one core call (core.concerns.followup), reply; who may, what
follows and who is told are decided there."""
from __future__ import annotations

from core.concerns.cards import revisit_buttons
from core.errors import InputError, check_length
from core.concerns.followup import (
    REVISIT_ANSWERS,
    answer_revisit,
    own_open_concern,
    relay_to_handler,
    save_revisit_comment,
)
from core.types import JSON, as_int
from handlers.context import FlowContext

FLOW = "followup"


async def ask_answer(ctx: FlowContext, arg: str) -> None:
    cid = int(arg) if arg.isdigit() else -1
    c = await own_open_concern(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                               concern_id=cid, action="answer")
    ctx.conv.goto(FLOW, "answer", concern=cid)
    ctx.toast()
    ctx.say("relay.ask_answer", number=c.number)


async def answer_text(ctx: FlowContext, text: str,
                      attachment: dict[str, JSON] | None = None) -> None:
    if ctx.conv.step == "comment":
        await _comment(ctx, text)
        return
    cid = as_int(ctx.conv.data["concern"])
    # Too long: the step waits for a shorter one.
    check_length(text.strip(), ctx.config.rules.max_text_chars, "too_long.relay_to_handler")
    ctx.conv.goto("idle")
    c = await relay_to_handler(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                               concern_id=cid, text=text, attachment=attachment,
                               default_locale=ctx.config.rules.default_locale)
    ctx.say("relay.sent", number=c.number)


async def revisit_answer(ctx: FlowContext, arg: str) -> None:
    cid_text, _, answer = arg.partition(".")
    if not cid_text.isdigit() or answer not in REVISIT_ANSWERS:
        raise InputError("error.forged")
    cid = int(cid_text)
    step = await answer_revisit(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                                concern_id=cid, answer=answer,
                                default_locale=ctx.config.rules.default_locale)
    ctx.toast()
    number = step.concern.number
    if step.ask == "s":
        ctx.say("revisit.q_solved", revisit_buttons(cid, "s"), edit=True, number=number)
    elif step.ask == "r":
        ctx.say("revisit.q_rating", revisit_buttons(cid, "r"), edit=True, number=number)
    else:
        # An optional comment: the next text message is kept with the rating.
        ctx.conv.goto(FLOW, "comment", concern=cid)
        ctx.say("revisit.thanks_reopened" if step.reopened else "revisit.thanks_closed",
                edit=True, number=number)


async def _comment(ctx: FlowContext, text: str) -> None:
    cid = as_int(ctx.conv.data["concern"])
    text = text.strip()
    # Too long: the step waits for a shorter one.
    check_length(text, ctx.config.rules.max_text_chars, "too_long.revisit_comment")
    ctx.conv.goto("idle")
    if not text:
        raise InputError("intake.empty_text")
    c = await save_revisit_comment(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                                   concern_id=cid, text=text,
                                   default_locale=ctx.config.rules.default_locale)
    ctx.say("revisit.comment_saved", number=c.number)
