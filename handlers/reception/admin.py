"""/receptions for admins: the schedules with their next sessions, single-date changes
(cancel, move, extra, clear) and schedule changes (add, edit, remove). Thin: one core call
(core.reception.admin), then say its result; a cancellation that touches bookings and a
removal are asked first, with the command kept in the conversation until confirmed."""
from __future__ import annotations

from core.actions import Verb, encode
from core.errors import DomainError, InputError
from core.reception.admin import (
    AdminSetting,
    Listing,
    NeedsConfirm,
    OverrideDone,
    Result,
    ScheduleDone,
    receptions_command,
)
from core.replies import Button, t
from core.workdays import FixedCalendar
from handlers.context import FlowContext
from handlers.reception.admin_lines import schedule_line, session_lines, told_words

FLOW = "receptions"
DONE = {"cancel": "receptions.done_cancel", "move": "receptions.done_move",
        "extra": "receptions.done_extra", "clear": "receptions.done_clear",
        "add": "receptions.done_add", "edit": "receptions.done_edit",
        "remove": "receptions.done_remove"}


async def _run(ctx: FlowContext, arg: str, *, confirmed: bool) -> Result:
    expander = ctx.config.reception_expander
    if expander is None:  # a FlowConfig built without one (some tests): nothing to expand
        raise DomainError()
    rules = ctx.config.rules
    setting = AdminSetting(rules.timezone, rules.calendar or FixedCalendar(), expander,
                           rules.default_locale)
    return await receptions_command(ctx.store, person_id=ctx.identity.person_id, arg=arg,
                                    now=ctx.now, setting=setting, confirmed=confirmed)


async def receptions_admin(ctx: FlowContext) -> None:
    arg = ctx.inbound.command_arg
    result = await _run(ctx, arg, confirmed=False)
    if isinstance(result, NeedsConfirm):
        ctx.conv.goto(FLOW, "confirm", arg=arg)
        ok = Button("receptions.confirm_cancel_button" if result.action == "cancel"
                    else "receptions.confirm_remove_button",
                    encode(Verb.RA_CONFIRM, "", ctx.conv.version))
        keep = Button("receptions.keep_button", encode(Verb.CANCEL, "", ctx.conv.version))
        people = t("receptions.people", count=result.booked)
        if result.action == "cancel":
            assert result.day is not None
            ctx.say("receptions.confirm_cancel", ((ok, keep),), code=result.code,
                    day=result.day.isoformat(), people=people)
        else:
            ctx.say("receptions.confirm_remove_booked" if result.booked
                    else "receptions.confirm_remove", ((ok, keep),), code=result.code,
                    people=people)
        return
    _say(ctx, result)


async def confirm_pressed(ctx: FlowContext, arg: str) -> None:
    if arg:  # drawn without one
        raise InputError("error.forged")
    pending = ctx.conv.data.get("arg")
    if ctx.conv.flow != FLOW or ctx.conv.step != "confirm" or not isinstance(pending, str):
        raise InputError("error.stale")
    result = await _run(ctx, pending, confirmed=True)
    ctx.conv.goto("idle")
    ctx.toast()
    _say(ctx, result, edit=True)


def _say(ctx: FlowContext, result: Result, *, edit: bool = False) -> None:
    tz = ctx.config.rules.timezone
    if isinstance(result, Listing):
        lines = []
        for item in result.schedules:
            lines.append(schedule_line(item.record))
            if item.record.active:
                lines += session_lines(item.sessions, tz)
        ctx.say("receptions.list", lines=lines or [t("receptions.none")],
                usage=t("receptions.usage"))
    elif isinstance(result, OverrideDone):
        s = result.record.schedule
        note = t("receptions.off_day", day=(result.new_day or result.day).isoformat()) \
            if result.off_day else ""
        ctx.say(DONE[result.action], edit=edit, code=s.code,
                day=result.day.isoformat(),
                new_day=result.new_day.isoformat() if result.new_day else "",
                start=f"{result.start:%H:%M}", end=f"{result.end:%H:%M}", place=s.place,
                leader=result.record.leader_name, told=told_words(result.told), note=note)
    elif isinstance(result, ScheduleDone):
        notes = []
        if result.reactivated:
            notes.append(t("receptions.reactivated"))
        if result.was_sheet:
            notes.append(t("receptions.was_sheet"))
        ctx.say(DONE[result.action], edit=edit,
                code=result.record.schedule.code, line=schedule_line(result.record),
                sessions=session_lines(result.sessions, tz), told=told_words(result.told),
                notes=notes)
