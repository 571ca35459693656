"""Answering a survey in chat: /surveys lists the open ones; each question is one message
with its buttons ("3/8"), free text is a reply; an evaluation (民主测评) is one message per
subject with the grades as buttons, each a step of its own; back, next (past an optional
question or subject, or a finished multiple choice), submit. Thin: the checks and writes are in
core.surveys.answering. For an anonymous survey every message of the flow is sealed and
every inbound redacted (docs/decisions/0020): nothing of an answer stays in the outbox or
the inbox."""
from __future__ import annotations

from core.actions import Verb, encode
from core.errors import InputError
from core.surveys.answering import Step, answer, current_step, move, submit
from core.surveys.data import survey_of
from core.surveys.evaluation_ports import Subject
from core.surveys.model import QuestionKind
from core.replies import Button, t
from core.types import JSON
from handlers.context import FlowContext

FLOW = "survey"


def _private(ctx: FlowContext) -> None:
    """Every step of the flow, named or anonymous survey alike: the replies are sealed (the
    outbox keeps nothing of a question's state once sent) and the inbound is redacted (no
    answer text or pressed choice stays in the inbox)."""
    ctx.seal_replies()
    ctx.redact_inbound()


def _ids(arg: str, count: int) -> list[int]:
    parts = arg.split(".")
    if len(parts) != count or not all(p.isascii() and p.isdigit() and len(p) <= 12
                                      for p in parts):
        raise InputError("error.forged")
    return [int(p) for p in parts]


async def surveys_command(ctx: FlowContext) -> None:
    me = ctx.identity.person_id
    found = await ctx.store.open_surveys_of(me, ctx.now) if me is not None else []
    rows = tuple((Button("survey.open_button", encode(Verb.SV_OPEN, str(a.id)),
                         {"title": survey_of(a.definition).title[:30]}),) for a in found)
    ctx.say("survey.list" if found else "survey.none", rows)


def _mark(chosen: bool) -> str:
    return "✅ " if chosen else ""


def _buttons(step: Step) -> tuple[tuple[Button, ...], ...]:
    sid, q, i = step.survey_id, step.question, step.index
    rows: list[tuple[Button, ...]] = []
    if q is None:
        rows.append((Button("survey.submit_button", encode(Verb.SV_SUBMIT, str(sid))),))
    else:
        picked = step.current if isinstance(step.current, list) else [step.current]
        choices = [Button("survey.choice", encode(Verb.SV_PICK, f"{sid}.{i}.{k}"),
                          {"mark": _mark(c in picked), "label": c})
                   for k, c in enumerate(q.choices())]
        if q.kind is QuestionKind.RATING:
            rows.append(tuple(choices))
        elif q.kind is QuestionKind.EVALUATION:  # grades two a row
            rows += [tuple(choices[k:k + 2]) for k in range(0, len(choices), 2)]
        else:
            rows += [(b,) for b in choices]
    nav: list[Button] = []
    if i > 0:
        nav.append(Button("survey.back_button", encode(Verb.SV_BACK, f"{sid}.{i}")))
    if q is not None and (step.current or not q.required):
        nav.append(Button("survey.next_button", encode(Verb.SV_NEXT, f"{sid}.{i}")))
    if nav:
        rows.append(tuple(nav))
    return tuple(rows)


def _hint(step: Step) -> JSON:
    q = step.question
    assert q is not None
    if q.kind is QuestionKind.RATING:
        return t("survey.hint_rating")
    if q.kind is QuestionKind.MULTIPLE:
        return t("survey.hint_multiple", most=t("unit.choices", count=q.max_choices or len(q.options)))
    if q.kind is QuestionKind.TEXT:
        return t("survey.hint_text_answered" if step.current else "survey.hint_text")
    if q.kind is QuestionKind.EVALUATION:
        return t("survey.hint_evaluation")
    return t("survey.hint_single")


def _subject(subject: Subject) -> JSON:
    """A subject as the respondent sees it: 张三（负责 3号楼、会计2301）, or a branch's name."""
    if not subject.about:
        return subject.name
    about: JSON = subject.about[0]
    for more in subject.about[1:]:
        about = t("survey.about_and", a=about, b=more)
    return t("survey.subject_about", name=subject.name, about=about)


def _text(step: Step) -> JSON:
    q = step.question
    assert q is not None
    if step.subject is None:
        return q.text
    return t("survey.evaluate", text=q.text, subject=_subject(step.subject))


def show(ctx: FlowContext, step: Step, *, edit: bool = False, lead: JSON = "") -> None:
    """The step's message (``lead`` before it: the survey's introduction at the start); a
    text question waits for the person's next message."""
    s = step.survey
    if step.question is None:
        ctx.conv.goto("idle")
        ctx.say_with("survey.review", {"title": s.title, "total": step.total},
                     _buttons(step), edit=edit)
        return
    q = step.question
    if q.kind is QuestionKind.TEXT:
        ctx.conv.goto(FLOW, "text", survey=step.survey_id, index=step.index)
    else:
        ctx.conv.goto("idle")
    ctx.say_with("survey.question", {
        "lead": lead, "title": s.title, "n": step.index + 1, "total": step.total,
        "text": _text(step),
        "optional": t("survey.optional") if not q.required else "", "hint": _hint(step)},
        _buttons(step), edit=edit)


async def open_pressed(ctx: FlowContext, arg: str) -> None:
    _private(ctx)
    (sid,) = _ids(arg, 1)
    step = await current_step(ctx.store, ctx.identity.person_id, sid, ctx.now)
    ctx.toast()
    first = step.index == 0 and not step.current
    show(ctx, step, lead=t("survey.intro", intro=step.survey.intro, anonymous=t(
        "survey.anonymous" if step.survey.anonymous else "survey.named")) if first else "")


async def pick_pressed(ctx: FlowContext, arg: str) -> None:
    _private(ctx)
    sid, index, k = _ids(arg, 3)
    step = await current_step(ctx.store, ctx.identity.person_id, sid, ctx.now)
    if step.question is None or index != step.index or k >= len(step.question.choices()):
        raise InputError("error.stale")
    step = await answer(ctx.store, ctx.identity.person_id, sid, index,
                        step.question.choices()[k], ctx.now)
    ctx.toast()
    show(ctx, step, edit=True)


async def move_pressed(ctx: FlowContext, arg: str, *, forward: bool) -> None:
    _private(ctx)
    sid, index = _ids(arg, 2)
    step = await move(ctx.store, ctx.identity.person_id, sid, index, forward, ctx.now)
    ctx.toast()
    show(ctx, step, edit=True)


async def text_input(ctx: FlowContext) -> None:
    """A message while a text question waits: its answer (a photo is not one)."""
    _private(ctx)
    sid, index = ctx.conv.data.get("survey"), ctx.conv.data.get("index")
    if not isinstance(sid, int) or not isinstance(index, int):
        ctx.conv.goto("idle")
        raise InputError("error.stale")
    if ctx.inbound.kind != "text" or not ctx.inbound.text:
        raise InputError("survey.text_only")
    step = await answer(ctx.store, ctx.identity.person_id, sid, index, ctx.inbound.text,
                        ctx.now)
    show(ctx, step)


async def submit_pressed(ctx: FlowContext, arg: str) -> None:
    _private(ctx)
    (sid,) = _ids(arg, 1)
    survey = await submit(ctx.store, ctx.identity.person_id, sid, now=ctx.now,
                          tz=ctx.config.rules.timezone)
    ctx.conv.goto("idle")
    if survey.anonymous:
        ctx.conv.forget_steps()
    ctx.toast("survey.submitted_toast")
    ctx.say("survey.submitted", (), edit=True, title=survey.title,
            how=t("survey.anonymous_kept" if survey.anonymous else "survey.named_kept"))
