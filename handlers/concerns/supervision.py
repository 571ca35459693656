"""/away for members; /merge, /reject and /branch for secretaries and college committees.
Thin: parse, one core call, reply. Access is checked in core.concerns.supervision / core.concerns.handling."""
from __future__ import annotations

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from core.errors import InputError, check_length
from core.replies import t
from core.concerns.supervision import merge_concern, reject_concern, set_away, subtree_concerns
from core.types import JSON
from handlers.concerns.due_lines import due_line
from handlers.context import FlowContext


async def away_command(ctx: FlowContext) -> None:
    if not ctx.inbound.command_arg.strip():
        raise InputError("away.usage")
    until = await set_away(ctx.store, person_id=ctx.identity.person_id,
                           arg=ctx.inbound.command_arg, now=ctx.now,
                           timezone_name=ctx.config.rules.timezone)
    if until is None:
        ctx.say("away.cleared")
    else:
        # ``until`` is the midnight after the last day away, in the configured zone.
        last = (until.astimezone(ZoneInfo(ctx.config.rules.timezone)) - timedelta(days=1))
        ctx.say("away.set", until=last.date().isoformat())


async def merge_command(ctx: FlowContext) -> None:
    parts = ctx.inbound.command_arg.split()
    if len(parts) != 2:
        raise InputError("merge.usage")
    done = await merge_concern(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                               duplicate_number=parts[0], original_number=parts[1],
                               default_locale=ctx.config.rules.default_locale)
    ctx.say("merge.done", number=done.concern.number, original=done.transition.target or "")


async def reject_command(ctx: FlowContext) -> None:
    number, _, reason = ctx.inbound.command_arg.strip().partition(" ")
    if not number or not reason.strip():
        raise InputError("reject.usage")
    check_length(reason, ctx.config.rules.max_text_chars, "too_long.reject_reason")
    done = await reject_concern(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                                number=number, reason=reason,
                                default_locale=ctx.config.rules.default_locale)
    ctx.say("reject.done", number=done.concern.number)


async def branch_command(ctx: FlowContext) -> None:
    rows = await subtree_concerns(ctx.store, ctx.identity.person_id)
    if not rows:
        ctx.say("branch.none")
        return
    tz = ZoneInfo(ctx.config.rules.timezone)
    lines: list[JSON] = []
    late = False
    for r in rows[:30]:  # core sorts them: the earliest due (the overdue ones) first
        line, overdue = due_line(r["number"], r.get("next_due"), r.get("level", 0),
                                 now=ctx.now, tz=tz)
        lines.append(line)
        late |= overdue
    ctx.say("branch.list", count=len(rows), lines=lines,
            legend=t("branch.overdue_legend") if late else "")
