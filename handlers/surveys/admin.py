"""/survey for admins: list, preview, push, status, pause, resume, cancel, close; push,
cancel and close ask for a confirmation button first. A push from chat is watched there:
one progress message the push sweep edits in place (core.surveys.watch). Creating a
survey is the CLI's (`python -m bot survey create FILE`)."""
from __future__ import annotations

from core.actions import Verb, encode
from core.errors import InputError
from core.replies import Button
from core.types import JSON
from core.surveys.admin import preview, require_admin
from core.surveys.push import control, progress, start_push
from core.surveys.watch import progress_reply
from handlers.context import FlowContext

FLOW = "survey_admin"
ACTIONS = ("preview", "push", "status", "pause", "resume", "cancel", "close")
CONFIRMED = ("push", "cancel", "close")
_ASK = {"push": "survey_admin.confirm_push", "cancel": "survey_admin.confirm_cancel",
        "close": "survey_admin.confirm_close"}


async def _admin(ctx: FlowContext) -> int:
    return await require_admin(ctx.store, ctx.identity.person_id, ctx.now)


async def survey_admin(ctx: FlowContext) -> None:
    await _admin(ctx)
    words = ctx.inbound.command_arg.split()
    if not words or words[0] == "list":
        rows = await ctx.store.recent_surveys(20)
        lines = [f"{r.code}　{r.title}（{r.status}）" for r in rows]
        ctx.say("survey_admin.list", lines="\n".join(lines) or "—")
        return
    if len(words) != 2 or words[0] not in ACTIONS:
        raise InputError("survey_admin.usage")
    action, code = words
    if action in CONFIRMED:
        found = await preview(ctx.store, code)
        c = found.counts()
        ctx.conv.goto(FLOW, "confirm", action=action, code=code)
        ok = Button("survey_admin.confirm_button", encode(Verb.SA_CONFIRM, "", ctx.conv.version))
        keep = Button("survey_admin.keep_button", encode(Verb.CANCEL, "", ctx.conv.version))
        ctx.say(_ASK[action], ((ok, keep),), code=code, title=found.survey.title,
                reachable=c["reachable"], unreachable=c["audience"] - c["reachable"])
        return
    await _act(ctx, action, code)


async def _act(ctx: FlowContext, action: str, code: str, *, edit: bool = False) -> None:
    me = ctx.identity.person_id
    if action == "preview":
        found = await preview(ctx.store, code)
        c = found.counts()
        params: dict[str, JSON] = {k: c[k] for k in (
            "audience", "reachable", "never_bound", "blocked", "deactivated", "unknown")}
        ctx.say_with("survey_admin.preview", {**params, "code": code,
                                              "title": found.survey.title,
                                              "status": found.status})
        return
    if action == "push":
        found = await start_push(ctx.store, code, person_id=me, now=ctx.now)
        await ctx.store.watch_survey(found.survey_id, ctx.inbound.channel,
                                     ctx.inbound.chat_id, ctx.now)
    elif action != "status":
        await control(ctx.store, code, action, person_id=me, now=ctx.now)
    row = await ctx.store.survey_by_code(code)
    shown = await progress(ctx.store, code, now=ctx.now)
    reply = progress_reply(code, row.title if row else code, shown)
    ctx.say_with(reply.key, reply.params, edit=edit)


async def confirm_pressed(ctx: FlowContext, arg: str) -> None:
    if arg:  # drawn without one
        raise InputError("error.forged")
    await _admin(ctx)
    action, code = ctx.conv.data.get("action"), ctx.conv.data.get("code")
    if ctx.conv.flow != FLOW or ctx.conv.step != "confirm" or action not in CONFIRMED \
            or not isinstance(code, str) or not isinstance(action, str):
        raise InputError("error.stale")
    ctx.conv.goto("idle")
    ctx.toast()
    await _act(ctx, action, code)
