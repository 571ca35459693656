"""/visit for leaders: without an argument, their contact units and how to schedule a
visit; ``/visit UNIT DATE HH:MM-HH:MM PLACE`` schedules one. Thin: core.reception.visit."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from core.errors import DomainError
from core.reception.admin import AdminSetting
from core.reception.visit import leader_units, parse_visit, plan_visit
from core.replies import t
from core.workdays import FixedCalendar
from handlers.context import FlowContext


async def visit_command(ctx: FlowContext) -> None:
    request = parse_visit(ctx.inbound.command_arg)
    if request is None:
        _, units = await leader_units(ctx.store, ctx.identity.person_id, ctx.now)
        ctx.say("visit.usage_units", units=[t("visit.unit_line", code=code, name=name)
                                            for code, name in units] or [t("visit.no_units")])
        return
    expander = ctx.config.reception_expander
    if expander is None:  # a FlowConfig built without one (some tests)
        raise DomainError()
    rules = ctx.config.rules
    setting = AdminSetting(rules.timezone, rules.calendar or FixedCalendar(), expander,
                           rules.default_locale)
    done, unit = await plan_visit(ctx.store, ctx.identity.person_id, request, now=ctx.now,
                            setting=setting)
    zone = ZoneInfo(rules.timezone)
    session = done.sessions[0] if done.sessions else None
    cutoff = session.cutoff_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if session else "—"
    ctx.say("visit.done", unit=unit, day=request.day.isoformat(), start=f"{request.start:%H:%M}",
            end=f"{request.end:%H:%M}", place=request.place, cutoff=cutoff)
