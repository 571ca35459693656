"""Erasure on request (core/privacy/erasure.py): ``/erase`` shows what would go and what
must stay, and asks for a confirmation; the confirmed request goes to every admin, whose
同意 carries it out at once and whose 拒绝 asks for the reason told to the person."""
from __future__ import annotations

from core.actions import Verb, encode
from core.errors import InputError
from core.privacy.erasure import (decide_erasure, kept_lines, pending_request,
                                  preview_erasure, request_erasure)
from core.replies import Button, t
from handlers.context import FlowContext

FLOW = "privacy"
CONFIRM, REASON = "confirm", "reason"


async def erase_command(ctx: FlowContext) -> None:
    scope = await preview_erasure(ctx.store, ctx.identity.person_id, ctx.now)
    ctx.conv.goto(FLOW, CONFIRM)
    v = ctx.conv.version
    ctx.say("privacy.erase_preview",
            ((Button("privacy.erase_confirm", encode(Verb.PV_ERASE, "", v)),
              Button("button.cancel", encode(Verb.CANCEL, "", v))),),
            erase=t("privacy.n_concerns", count=len(scope.erase)),
            kept=kept_lines(scope) or [t("privacy.kept_nothing")])


async def erase_confirmed(ctx: FlowContext, arg: str) -> None:
    """The person's 确认 (a step button: the router refused a stale one already)."""
    if arg or (ctx.conv.flow, ctx.conv.step) != (FLOW, CONFIRM):
        raise InputError("error.stale")
    await request_erasure(ctx.store, ctx.identity.person_id, now=ctx.now,
                          default_locale=ctx.config.rules.default_locale)
    ctx.conv.goto("idle")
    ctx.toast()
    ctx.say("privacy.erase_requested", edit=True)


async def approve_pressed(ctx: FlowContext, token: str) -> None:
    ctx.redact_inbound()  # the pressed alert's text names the person
    done = await decide_erasure(ctx.store, ctx.config.privacy_files,
                                admin_id=ctx.identity.person_id, token=token, approve=True,
                                reason="", now=ctx.now,
                                default_locale=ctx.config.rules.default_locale)
    ctx.toast()
    ctx.say("privacy.erase_approved", edit=True,
            erase=t("privacy.n_concerns", count=done.counts.get("concerns", 0)))


async def refuse_pressed(ctx: FlowContext, token: str) -> None:
    ctx.redact_inbound()
    await pending_request(ctx.store, ctx.identity.person_id, token, ctx.now)
    ctx.conv.goto(FLOW, REASON, request=token)
    ctx.toast()
    ctx.say("privacy.erase_ask_reason")


async def text_input(ctx: FlowContext) -> None:
    """Text while this flow waits: an admin's reason for refusing; else the buttons."""
    if ctx.conv.step != REASON:
        ctx.say("privacy.erase_use_buttons")
        return
    await decide_erasure(ctx.store, ctx.config.privacy_files,
                         admin_id=ctx.identity.person_id,
                         token=str(ctx.conv.data.get("request") or ""), approve=False,
                         reason=ctx.inbound.text, now=ctx.now,
                         default_locale=ctx.config.rules.default_locale)
    ctx.conv.goto("idle")
    ctx.say("privacy.erase_refused_admin")
