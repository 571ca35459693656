"""Crisis wording in anything a person writes, the page's acknowledge button, and the
close step (结案) of a taken case.

``intercept`` runs before every text flow and assesses the text in its conversation
(core.crisis.assess; the chat's remembered risk state goes in and comes back out):

* **crisis** (clear intent): a new concern, an intake addition, a caption, a relay in
  either direction or any other text never continues on the ordinary path. It opens (or
  adds to) the P0 crisis case instead; see core.crisis.case.
* **review** (possible distress): a needs-review item for the crisis team opens (or the
  open case gets the message), the writer gets a caring reply with the hotlines, and the
  message goes on along the ordinary path (core.crisis.review).
* **none**: only the remembered state changes.

The one exception is the responder's close note: it describes the case, so crisis wording
in it is about the person in crisis, not about the writer (see ``close_note``).
"""
from __future__ import annotations

from core.actions import Verb, encode
from core.people.binding import bind_unverified
from core.crisis.close import close_case, may_close
from core.crisis.assess import RiskState, Verdict
from core.crisis.case import acknowledge, open_crisis
from core.crisis.state import MAX_TEXT
from core.errors import InputError, check_length
from core.replies import Button
from core.types import as_int
from handlers.context import FlowContext

FLOW = "crisis"
#: the step that waits for the close note; conv.data["case"] names the case
CLOSE_STEP = "close"

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
    person_id = await bind_unverified(
        ctx.store, ctx.identity, name=ib.display_name or ib.username or "—",
        college_code=str(ctx.conv.data.get("college", "")), dorm_building="", now=ctx.now,
        audit={"reason": "crisis"})
    ctx.identity.person_id = person_id
    return person_id


async def intercept(ctx: FlowContext) -> bool:
    """True when the message held crisis wording and was handled here."""
    ib = ctx.inbound
    if ib.kind not in ("text", "attachment") or not ib.text:
        return False
    if ctx.conv.flow == FLOW and ctx.conv.step == CLOSE_STEP:
        return False  # the responder's note on the case, not their own crisis
    conv = ctx.conv
    result = ctx.config.crisis_assessor.assess(
        ib.text, now=ctx.now, state=RiskState.from_json(conv.crisis_state))
    conv.crisis_state = result.state.to_json() if result.state else None
    match = result.match
    if match is None:
        return False
    review = result.verdict is Verdict.REVIEW
    parent = None
    if conv.flow in _CONCERN_FLOWS and str(conv.data.get("concern", "")).isdigit():
        parent = as_int(conv.data["concern"])
    await open_crisis(ctx.store, now=ctx.now, rules=ctx.config.crisis_rules,
                      person_id=await _person(ctx), text=ib.text, match=match,
                      source=_source(ctx), channel=ib.channel, source_key=ib.source_key,
                      parent_concern_id=parent,
                      attachments=[ib.attachment] if ib.attachment else [],
                      tier="review" if review else "crisis", why=result.why)
    if review:
        return False  # seen by the crisis team; the message goes on as usual
    if conv.flow in _CONCERN_FLOWS:
        conv.goto("idle")
        ctx.say("crisis.not_relayed")
    elif conv.flow == "intake":  # the draft stays; this message is not part of it
        ctx.say("crisis.kept_apart")
    return True


def forget_redacted(ctx: FlowContext) -> None:
    """A message whose stored copy is redacted (an anonymous survey's free-text answer)
    leaves no copy in the chat's crisis memory either: ``intercept`` remembered its text
    among the recent messages, beside the chat; it goes. The risk level it raised stays."""
    state = RiskState.from_json(ctx.conv.crisis_state)
    text = (ctx.inbound.text or "")[:MAX_TEXT]
    if state is None or not text:
        return
    recent = tuple(m for m in state.recent if m[1] != text)
    if recent != state.recent:
        kept = RiskState(state.level, state.until, recent)
        ctx.conv.crisis_state = kept.to_json() if state.level or recent else None


def _case_id(arg: str) -> int:
    if not arg.isdigit() or len(arg) > 12:
        raise InputError("error.forged")  # audited by the router
    return int(arg)


async def ack(ctx: FlowContext, arg: str) -> None:
    """The acknowledge button on a page."""
    done = await acknowledge(ctx.store, now=ctx.now, rules=ctx.config.crisis_rules,
                             person_id=ctx.identity.person_id, case_id=_case_id(arg))
    ctx.toast()
    if not done.first:
        ctx.say("crisis.already_taken", edit=True, number=done.case.number, name=done.by_name)
        return
    s = done.subject
    close = Button("crisis_close.button", encode(Verb.CRISIS_CLOSE, str(done.case.id)))
    ctx.say("crisis.acked", ((close,),), edit=True, number=done.case.number,
            name=s.name if s else "—", person_number=(s.number if s else None) or "—",
            college=(s.college if s else None) or "—", dorm=(s.dorm if s else None) or "—",
            phone=(s.phone if s else None) or "—")


async def ask_close(ctx: FlowContext, arg: str) -> None:
    """The close button (结案) on the acknowledgement: check now, then ask for the note."""
    case, _ = await may_close(ctx.store, now=ctx.now, person_id=ctx.identity.person_id,
                              case_id=_case_id(arg))
    ctx.conv.goto(FLOW, CLOSE_STEP, case=case.id)
    ctx.toast()
    ctx.say("crisis_close.ask_note", number=case.number)


async def close_note(ctx: FlowContext) -> None:
    """The note that closes the case (text, or a photo's caption)."""
    text = (ctx.inbound.text or "").strip()
    if not text:
        raise InputError("crisis_close.note_required")  # the step waits for the note
    check_length(text, ctx.config.rules.max_text_chars, "too_long.crisis_note")
    case_id = as_int(ctx.conv.data["case"])
    ctx.conv.goto("idle")  # a refusal below (closed meanwhile) ends the step as well
    done = await close_case(ctx.store, now=ctx.now, rules=ctx.config.crisis_rules,
                            person_id=ctx.identity.person_id, case_id=case_id, note=text)
    ctx.say("crisis_close.done", number=done.case.number, count=len(done.told))
