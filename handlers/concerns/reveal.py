"""/reveal <number> <reason>: the identity supervisor looks up an anonymous requester.
Thin: parse, one core call, reply. The role check and the audit are in core.concerns.anonymity."""
from __future__ import annotations

from core.concerns.anonymity import reveal_identity
from core.errors import check_length
from handlers.context import FlowContext


async def reveal_command(ctx: FlowContext) -> None:
    number, _, reason = ctx.inbound.command_arg.strip().partition(" ")
    check_length(reason, ctx.config.rules.max_text_chars, "too_long.reveal_reason")
    # An empty number or reason still reaches core: a non-supervisor must be refused (and
    # audited) before being told how the command is used.
    shown = await reveal_identity(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                                  number=number, reason=reason,
                                  default_locale=ctx.config.rules.default_locale)
    card = shown.card
    dorm = " ".join(x for x in (card.dorm_building, card.dorm_room) if x) or "—"
    ctx.say("reveal.done", number=shown.number, name=card.name, person_number=card.number or "—",
            college=card.college_name or card.unit_name or "—", class_name=card.class_name or "—",
            dorm=dorm)
