"""After a session: the leader (or an admin) sees a session's agenda and records each
topic as answered on the spot or to follow up by a unit they pick. Thin: the checks,
writes, notices and audits are in core.reception.outcome."""
from __future__ import annotations

from datetime import timedelta

from core.actions import Verb, encode
from core.errors import InputError
from core.reception.agenda import agenda_messages, hosts_of, record_card
from core.reception.booking import session_params
from core.reception.outcome import (
    may_record,
    record_answered,
    record_follow_up,
    topic_to_record,
)
from core.replies import Button, t
from core.types import JSON
from core.workdays import FixedCalendar
from handlers.context import FlowContext

#: units per page of the follow-up picker (two per row)
PAGE = 8
#: how far back /reception offers sessions still to record, and how many at most
RECORD_DAYS = 30
RECORD_SESSIONS = 10


def _ids(arg: str, count: int) -> list[int]:
    parts = arg.split(".")
    if len(parts) != count or not all(p.isascii() and p.isdigit() and len(p) <= 12
                                      for p in parts):
        raise InputError("error.forged")
    return [int(p) for p in parts]


async def record_buttons(ctx: FlowContext) -> list[tuple[Button, ...]]:
    """For /reception: a leader's (or, for an admin, every) recent session with topics
    still to record, and a leader's upcoming sessions' agendas."""
    me = ctx.identity.person_id
    if me is None:
        return []
    roles = {role for role, _ in await ctx.store.roles_of(me)}
    if not roles & {"leader", "admin"}:
        return []
    leader = None if "admin" in roles else me
    rows: list[tuple[Button, ...]] = []
    tz = ctx.config.rules.timezone
    todo = await ctx.store.sessions_to_record(leader, ctx.now - timedelta(days=RECORD_DAYS),
                                              ctx.now)
    for sid in todo[:RECORD_SESSIONS]:  # the latest first
        s = await ctx.store.reception_session(sid)
        if s is not None:
            rows.append((Button("reception.record_button", encode(Verb.RC_RECORD, str(sid)),
                                {"day": session_params(s, tz)["day"]}),))
    if "leader" in roles:
        for s in await ctx.store.leader_upcoming(me, ctx.now, ctx.now + timedelta(days=14)):
            rows.append((Button("reception.agenda_button", encode(Verb.RC_RECORD, str(s.id)),
                                {"day": session_params(s, tz)["day"]}),))
    return rows


async def record_pressed(ctx: FlowContext, arg: str) -> None:
    """A session's agenda; after its start, with the buttons to record each topic."""
    (sid,) = _ids(arg, 1)
    session = await ctx.store.reception_session(sid)
    hosts = await ctx.store.session_hosts(sid)
    why = "no_such_session" if session is None or hosts is None else \
        None if await may_record(ctx.store, ctx.identity.person_id, hosts.leader_id) \
        else "not_host"
    if why is not None:
        await ctx.store.audit("refused", ctx.identity.person_id,
                              {"action": "reception_record", "why": why, "session": sid},
                              ctx.now)
        raise InputError("reception.gone" if why == "no_such_session" else "reception.not_host")
    assert session is not None and hosts is not None
    params = session_params(session, ctx.config.rules.timezone)
    ctx.toast()
    if ctx.now >= session.starts_at:
        card = await record_card(ctx.store, sid, params)
        if card is None:
            ctx.say_with("reception.record_nothing", params)
        else:
            ctx.say_with(card.key, card.params, card.buttons)
        return
    agenda = await ctx.store.session_agenda(sid)
    for reply in await agenda_messages(ctx.store, agenda, "reception.agenda_view", {
            **params, "topics": t("unit.topics", count=len(agenda)),
            "accompany": hosts_of(hosts)}):
        ctx.say_with(reply.key, reply.params)


async def answered_pressed(ctx: FlowContext, arg: str) -> None:
    (tid,) = _ids(arg, 1)
    await record_answered(ctx.store, ctx.identity.person_id, tid, now=ctx.now,
                          tz=ctx.config.rules.timezone,
                          default_locale=ctx.config.rules.default_locale)
    ctx.toast("reception.recorded_answered")
    await _card_again(ctx, tid)


async def follow_pressed(ctx: FlowContext, arg: str) -> None:
    """The unit picker, a page at a time (arg: topic id, or "<topic id>.<page>")."""
    tid, page = (_ids(arg, 2) if "." in arg else [*_ids(arg, 1), 0])
    topic = await topic_to_record(ctx.store, ctx.identity.person_id, tid, ctx.now)
    units = await ctx.store.followup_units()
    if not units:
        raise InputError("reception.no_units")
    pages = max((len(units) + PAGE - 1) // PAGE, 1)
    page = min(page, pages - 1)
    shown = units[page * PAGE:(page + 1) * PAGE]
    rows: list[tuple[Button, ...]] = [
        tuple(Button("reception.unit_button", encode(Verb.RC_UNIT, f"{tid}.{u.id}"),
                     {"name": u.name}) for u in shown[i:i + 2])
        for i in range(0, len(shown), 2)]
    nav: list[Button] = []
    if page > 0:
        nav.append(Button("reception.prev_page", encode(Verb.RC_FOLLOW, f"{tid}.{page - 1}")))
    if page + 1 < pages:
        nav.append(Button("reception.next_page", encode(Verb.RC_FOLLOW, f"{tid}.{page + 1}")))
    if nav:
        rows.append(tuple(nav))
    ctx.toast()
    ctx.say_with("reception.pick_unit", {"text": topic.text[:60], "page": page + 1,
                                         "pages": pages}, tuple(rows))


async def unit_pressed(ctx: FlowContext, arg: str) -> None:
    tid, unit_id = _ids(arg, 2)
    rules = ctx.config.rules
    done = await record_follow_up(
        ctx.store, ctx.identity.person_id, tid, unit_id, now=ctx.now,
        rules=ctx.config.reception, calendar=rules.calendar or FixedCalendar(),
        tz=rules.timezone, university_code=rules.university_code,
        default_locale=rules.default_locale)
    ctx.toast("reception.recorded_follow_up")
    handler: JSON = t("reception.handler_named") if done.handler_id else t("reception.handler_queue")
    ctx.say("reception.follow_up_made", number=done.number or "", unit=done.unit or "",
            handler=handler)
    await _card_again(ctx, tid)


async def _card_again(ctx: FlowContext, topic_id: int) -> None:
    """The record card again, with what is left to record."""
    topic = await ctx.store.topic_for_record(topic_id)
    session = await ctx.store.reception_session(topic.session_id) if topic else None
    if session is None:
        return
    card = await record_card(ctx.store, session.id,
                             session_params(session, ctx.config.rules.timezone))
    if card is not None:
        ctx.say_with(card.key, card.params, card.buttons)
