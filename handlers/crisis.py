"""Crisis wording in anything a person writes, and the page's acknowledge button.

``intercept`` runs before every text flow: crisis wording in a new concern, an intake
addition, a caption, a relay in either direction or any other text never continues on the
ordinary path. It opens (or adds to) the crisis case instead; see core.crisis_case.
"""
from __future__ import annotations

from core.crisis_case import acknowledge, open_crisis
from core.errors import InputError
from handlers.context import FlowContext

#: conversation flows whose data names the concern the message belongs to
_CONCERN_FLOWS = {"handle": "member", "followup": "relay_to_handler"}


def _source(ctx: FlowContext) -> str:
    flow, step = ctx.conv.flow, ctx.conv.step
    caption = ctx.inbound.kind == "attachment"
    if flow == "handle":
        return "relay_to_requester" if step == "contact" else f"member_{step}"[:40]
    if flow == "followup":
        return "relay_to_handler"
    if flow == "intake":
        return "intake_caption" if caption else "intake_text"
    return "caption" if caption else "message"


async def _person(ctx: FlowContext) -> int:
    """The writer as a person; an unbound writer gets an unverified profile at once, so
    the crisis team can reach them through the bot."""
    if ctx.identity.person_id is not None:
        return ctx.identity.person_id
    ib = ctx.inbound
    person_id = await ctx.store.create_unverified_person(
        name=ib.display_name or ib.username or "—",
        college_code=str(ctx.conv.data.get("college", "")), dorm_building="", now=ctx.now)
    await ctx.store.link_identity(ctx.identity.id, person_id)
    ctx.identity.person_id = person_id
    await ctx.store.audit("unverified_profile", person_id, {"reason": "crisis"}, ctx.now)
    return person_id


async def intercept(ctx: FlowContext) -> bool:
    """True when the message held crisis wording and was handled here."""
    ib = ctx.inbound
    if ib.kind not in ("text", "attachment") or not ib.text:
        return False
    match = ctx.config.crisis_detector.detect(ib.text)
    if match is None:
        return False
    conv = ctx.conv
    parent = None
    if conv.flow in _CONCERN_FLOWS and str(conv.data.get("concern", "")).isdigit():
        parent = int(conv.data["concern"])
    await open_crisis(ctx.store, now=ctx.now, rules=ctx.config.crisis_rules,
                      person_id=await _person(ctx), text=ib.text, match=match,
                      source=_source(ctx), channel=ib.channel, source_key=ib.source_key,
                      parent_concern_id=parent,
                      attachments=[ib.attachment] if ib.attachment else [])
    if conv.flow in _CONCERN_FLOWS:
        conv.goto("idle")
        ctx.say("crisis.not_relayed")
    elif conv.flow == "intake":  # the draft stays; this message is not part of it
        ctx.say("crisis.kept_apart")
    return True


async def ack(ctx: FlowContext, arg: str) -> None:
    """The acknowledge button on a page."""
    if not arg.isdigit() or len(arg) > 12:
        raise InputError("error.forged")
    done = await acknowledge(ctx.store, now=ctx.now, rules=ctx.config.crisis_rules,
                             person_id=ctx.identity.person_id, case_id=int(arg))
    ctx.toast()
    if not done.first:
        ctx.say("crisis.already_taken", edit=True, number=done.case.number, name=done.by_name)
        return
    s = done.subject
    ctx.say("crisis.acked", edit=True, number=done.case.number, name=s.name if s else "—",
            person_number=(s.number if s else None) or "—",
            college=(s.college if s else None) or "—", dorm=(s.dorm if s else None) or "—",
            phone=(s.phone if s else None) or "—")
