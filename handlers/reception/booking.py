"""/reception: the coming sessions with free places, one's bookings, and the buttons to
book (a topic text, optional photos, then confirm), to see a session's topics and join
one (同问), and to cancel. Thin: the checks, writes and audits are in
core.reception.booking."""
from __future__ import annotations

from core.actions import Verb, encode
from core.errors import InputError, check_length
from core.reception.booking import (
    MAX_TOPIC_CHARS,
    MAX_TOPIC_FILES,
    MAX_TOPIC_PEOPLE,
    book,
    cancel,
    check_booking,
    join,
    preview,
    reception_list,
    session_params,
    topics_of,
)
from core.reception.ports import SessionView
from core.replies import Button, t
from core.types import JSON, is_object_list, is_str_list
from handlers.context import FlowContext
from handlers.people.start import main_menu
from handlers.reception.outcome import record_buttons

FLOW = "reception"


def _id(arg: str) -> int:
    if not (arg.isascii() and arg.isdigit()) or len(arg) > 12:
        raise InputError("error.forged")
    return int(arg)


def _line(s: SessionView, ctx: FlowContext) -> JSON:
    params = session_params(s, ctx.config.rules.timezone)
    key = "reception.line_moved" if s.moved_from else "reception.line"
    if s.visit_unit_id is not None:
        key = "reception.line_visit"
    return t(key, **params)


async def reception_command(ctx: FlowContext) -> None:
    found = await reception_list(ctx.store, ctx.identity.person_id, ctx.now)
    tz = ctx.config.rules.timezone
    rows: list[tuple[Button, ...]] = []
    for s in found.sessions:
        day = session_params(s, tz)["day"]
        row = []
        if s.id not in found.booked and s.topics < s.capacity:
            row.append(Button("reception.book_button", encode(Verb.RC_BOOK, str(s.id)),
                              {"day": day}))
        if s.topics:
            row.append(Button("reception.topics_button", encode(Verb.RC_TOPICS, str(s.id)),
                              {"day": day}))
        if row:
            rows.append(tuple(row))
    for b in found.mine:
        if b.session.cutoff_at > ctx.now:
            rows.append((Button("reception.cancel_button", encode(Verb.RC_CANCEL, str(b.id)),
                                {"day": session_params(b.session, tz)["day"]}),))
    rows += await record_buttons(ctx)  # a leader's agendas; sessions left to record
    sessions = [_line(s, ctx) for s in found.sessions] or [t("reception.none")]
    mine = [t("reception.mine_line", **{**session_params(b.session, tz), "topic": preview(b.text)})
            for b in found.mine] or [t("reception.mine_none")]
    ctx.say("reception.list", tuple(rows), sessions=sessions, mine=mine)


def _cancel_row(ctx: FlowContext) -> tuple[Button, ...]:
    return (Button("button.cancel", encode(Verb.CANCEL, "", ctx.conv.version)),)


async def book_pressed(ctx: FlowContext, arg: str) -> None:
    session = await check_booking(ctx.store, ctx.identity.person_id, _id(arg), ctx.now)
    ctx.conv.goto(FLOW, "text", session=session.id, texts=[], attachments=[])
    ctx.toast()
    ctx.say_with("reception.ask_topic", {**session_params(session, ctx.config.rules.timezone),
                                         "limit": t("unit.chars", count=MAX_TOPIC_CHARS)},
                 (_cancel_row(ctx),))


def _draft(ctx: FlowContext) -> tuple[list[str], list[dict[str, JSON]]]:
    texts, files = ctx.conv.data.get("texts", []), ctx.conv.data.get("attachments", [])
    return (texts if is_str_list(texts) else [],
            [dict(f) for f in files] if is_object_list(files) else [])


async def topic_input(ctx: FlowContext) -> None:
    """A text or a photo while booking: add it to the topic, then offer to confirm."""
    texts, files = _draft(ctx)
    ib = ctx.inbound
    if ib.kind == "attachment":
        if len(files) >= MAX_TOPIC_FILES:
            raise InputError("intake.too_many_files", count=MAX_TOPIC_FILES)
        files.append(dict(ib.attachment or {}))
    if ib.text:
        check_length("\n".join([*texts, ib.text]), MAX_TOPIC_CHARS, "too_long.reception_topic")
        texts.append(ib.text)
    session = ctx.conv.data.get("session")
    ctx.conv.goto(FLOW, "confirm", session=session, texts=texts, attachments=files)
    if not texts:
        ctx.say("reception.topic_required", (_cancel_row(ctx),))
        return
    ctx.say("reception.confirm", ((Button("reception.confirm_button",
                                          encode(Verb.RC_CONFIRM, "", ctx.conv.version)),
                                   *_cancel_row(ctx)),),
            text="\n".join(texts), files=t("unit.files", count=len(files)))


async def confirm(ctx: FlowContext, arg: str) -> None:
    session = ctx.conv.data.get("session")
    if arg or ctx.conv.flow != FLOW or ctx.conv.step != "confirm" or not isinstance(session, int):
        raise InputError("error.stale")
    texts, files = _draft(ctx)
    done = await book(ctx.store, ctx.identity.person_id, session, "\n".join(texts),
                      list(files), ctx.now)
    ctx.conv.goto("idle")
    ctx.toast()
    ctx.say_with("reception.booked", session_params(done.session, ctx.config.rules.timezone),
                 main_menu(ctx), edit=True)


async def topics_pressed(ctx: FlowContext, arg: str) -> None:
    session, topics = await topics_of(ctx.store, ctx.identity.person_id, _id(arg), ctx.now)
    me = ctx.identity.person_id
    lines = [t("reception.topic_line", n=i + 1, text=preview(tp.text), people=tp.people,
               most=MAX_TOPIC_PEOPLE) for i, tp in enumerate(topics)] or [t("reception.none")]
    buttons = tuple((Button("reception.join_button", encode(Verb.RC_JOIN, str(tp.id)),
                            {"n": i + 1}),) for i, tp in enumerate(topics)
                    if tp.people < MAX_TOPIC_PEOPLE and me not in tp.person_ids)
    ctx.toast()
    ctx.say_with("reception.topics", {**session_params(session, ctx.config.rules.timezone),
                                      "lines": lines}, buttons)


async def join_pressed(ctx: FlowContext, arg: str) -> None:
    done = await join(ctx.store, ctx.identity.person_id, _id(arg), ctx.now)
    ctx.toast()
    ctx.say_with("reception.joined", session_params(done.session, ctx.config.rules.timezone))


async def cancel_pressed(ctx: FlowContext, arg: str) -> None:
    session = await cancel(ctx.store, ctx.identity.person_id, _id(arg), ctx.now)
    ctx.toast()
    ctx.say_with("reception.cancelled_booking",
                 session_params(session, ctx.config.rules.timezone))
