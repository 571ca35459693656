"""/history NUMBER: a concern's events, oldest first, for whoever may see them.
Thin: parse, one core call, reply. Access and anonymity are core.concerns.history's."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from core.concerns.history import concern_history
from core.errors import InputError
from core.replies import t
from core.types import JSON
from handlers.context import FlowContext

#: The newest events one chat message lists; older ones are counted in a note, so the
#: message stays well under Telegram's 4096 characters (a line is about 100 at most).
SHOWN = 30


async def history_command(ctx: FlowContext) -> None:
    arg = ctx.inbound.command_arg.split()
    if not arg:
        raise InputError("history.usage")
    history = await concern_history(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                                    number=arg[0])
    tz = ZoneInfo(ctx.config.rules.timezone)
    shown = history.lines[-SHOWN:]
    lines: list[JSON] = []
    if len(history.lines) > len(shown):
        lines.append(t("history.omitted", count=len(history.lines) - len(shown)))
    lines += [t("history.line", time=line.at.astimezone(tz).strftime("%m-%d %H:%M"),
                actor=line.actor, label=line.label) for line in shown]
    ctx.say("history.list", number=history.number, count=len(history.lines), lines=lines)
