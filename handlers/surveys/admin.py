"""/survey for admins: list, files, create, preview, push, status, pause, resume, cancel,
close, results (results also for the roles a survey names: admin_results.py); create, push, cancel and close ask for a confirmation button first (creating from
a file of the configured folder: handlers/surveys/admin_create.py). A push from chat is
watched there: one progress message the push sweep edits in place (core.surveys.watch)."""
from __future__ import annotations

from core.actions import Verb, encode
from core.errors import InputError
from core.replies import Button, t
from core.types import JSON
from core.surveys.admin import preview, require_admin
from core.surveys.push import control, progress, start_push
from core.surveys.model import state_name
from core.surveys.watch import progress_reply
from handlers.context import FlowContext
from handlers.surveys.admin_create import create_asked, create_confirmed, list_files
from handlers.surveys.admin_results import show_results

FLOW = "survey_admin"
ACTIONS = ("preview", "push", "status", "pause", "resume", "cancel", "close")
CONFIRMED = ("push", "cancel", "close")
ALL_CONFIRMED = (*CONFIRMED, "create")
_ASK = {"push": "survey_admin.confirm_push", "cancel": "survey_admin.confirm_cancel",
        "close": "survey_admin.confirm_close"}


async def _admin(ctx: FlowContext) -> int:
    return await require_admin(ctx.store, ctx.identity.person_id, ctx.now)


async def survey_admin(ctx: FlowContext) -> None:
    words = ctx.inbound.command_arg.split()
    if words[:1] == ["results"]:  # for its readers too, not only admins
        if len(words) != 2:
            raise InputError("survey_results.usage")
        await show_results(ctx, words[1])
        return
    await _admin(ctx)
    if not words or words[0] == "list":
        rows = await ctx.store.recent_surveys(20)
        lines = [t("survey_admin.list_line", code=r.code, title=r.title,
                   status=state_name(r.status)) for r in rows]
        ctx.say("survey_admin.list", lines=lines or "—")
        return
    if words[0] == "files" and len(words) == 1:
        list_files(ctx)
        return
    if words[0] == "create" and len(words) == 2:
        await create_asked(ctx, words[1])
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
                                              "status": state_name(found.status)})
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
    if ctx.conv.flow != FLOW or ctx.conv.step != "confirm" or action not in ALL_CONFIRMED \
            or not isinstance(code, str) or not isinstance(action, str):
        raise InputError("error.stale")
    file, digest = ctx.conv.data.get("file"), ctx.conv.data.get("digest")
    ctx.conv.goto("idle")
    ctx.toast()
    if action == "create":
        if not isinstance(file, str) or not isinstance(digest, str):
            raise InputError("error.stale")
        await create_confirmed(ctx, file, digest)
        return
    await _act(ctx, action, code)
