"""/calendar for admins: the coming overrides, or one change (close, open, clear days).
Thin: one core call, then say its result. The role check, the parsing and the audit are
in core.calendar.admin."""
from __future__ import annotations

from core.calendar.admin import UPCOMING_DAYS, CalendarResult, calendar_command
from core.calendar.days import SOURCE_SHEET, OverrideRange
from core.replies import t
from core.types import JSON
from handlers.context import FlowContext


async def calendar_admin(ctx: FlowContext) -> None:
    done = await calendar_command(ctx.store, person_id=ctx.identity.person_id,
                                  arg=ctx.inbound.command_arg, now=ctx.now,
                                  timezone_name=ctx.config.rules.timezone,
                                  calendar=ctx.config.rules.calendar)
    if done.action == "show":
        period = t("unit.days", count=UPCOMING_DAYS)
        if done.ranges:
            ctx.say("calendar.upcoming", period=period,
                    lines=[_line(r) for r in done.ranges], usage=t("calendar.usage"))
        else:
            ctx.say("calendar.upcoming_none", period=period, usage=t("calendar.usage"))
        return
    ctx.say("calendar.cleared" if done.action == "clear" else "calendar.set",
            span=_span(done), count=done.days, status=_status(done.working),
            label=done.label or "—")


def _span(done: CalendarResult | OverrideRange) -> JSON:
    assert done.first is not None and done.last is not None
    if done.first == done.last:
        return done.first.isoformat()
    return t("calendar.span", first=done.first.isoformat(), last=done.last.isoformat())


def _status(working: bool | None) -> JSON:
    if working is None:
        return ""
    return t("calendar.open") if working else t("calendar.closed")


def _line(r: OverrideRange) -> JSON:
    source = t("calendar.source_sheet") if r.source == SOURCE_SHEET \
        else t("calendar.source_command")
    return t("calendar.line", span=_span(r), status=_status(r.working), label=r.label or "—",
             source=source)
