"""Reception reminders as reminder rows (docs/decisions/0016's ``reminders``, kind
``reception``): which rows a session needs, and sending the due ones.

Per session (docs/decisions/0019):

- ``leader_eve``: the leader and the accompanying heads get the agenda on the working day
  before the session at ``ReceptionRules.eve_at`` (never before the booking cut-off, so
  the agenda is final);
- ``leader_soon``: the same people, ``soon_minutes`` before the start;
- ``people_eve``: every person booked at that moment, at the same time as ``leader_eve``;
- ``record``: at the end, the leader is asked to record each topic's outcome
  (``core.reception.outcome``);
- ``announce``: an outreach visit (下访) is announced to its contact unit's people once,
  ``announce_ahead`` (7 days) before it, or at once when scheduled later, in the day
  (08:00-21:00 local) only.

A row's key carries the session's start (``rcp:<id>:<what>:<epoch>``), so a moved session
gets new rows and the planner cancels the pending old ones; a cancelled session keeps no
pending row. Claiming a row and writing its messages commit together: each row is sent
exactly once, across restarts and processes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from core.model import Lane
from core.notify import ManyNotifyStore, notify_people, notify_person
from core.ports import NotifyStore
from core.reception.agenda import agenda_messages, hosts_of, record_card
from core.reception.booking import CANCELLED, preview, session_params
from core.reception.ports import (
    DueReminder,
    PlannedReminder,
    ReceptionStore,
    SessionClock,
    What,
)
from core.replies import Reply, t
from core.workdays import WorkCalendar, previous_workday


@dataclass(frozen=True)
class ReceptionRules:
    """``[reception]`` in config.toml."""

    eve_at: time = time(17, 0)
    soon_minutes: int = 60
    followup_working_days: int = 5
    followup_category: str = "suggestion"
    #: a row that came due longer ago than this (the bot was down) is dropped
    grace: timedelta = timedelta(hours=24)
    #: a visit (下访) is announced this long before it (at once when planned later)
    announce_ahead: timedelta = timedelta(days=7)


def reminder_key(session: SessionClock, what: What) -> str:
    if what is What.ANNOUNCE:  # told once; a later move is told as a change
        return f"rcp:{session.id}:{what.value}"
    return f"rcp:{session.id}:{what.value}:{int(session.starts_at.timestamp())}"


def eve_moment(session: SessionClock, rules: ReceptionRules, calendar: WorkCalendar,
               tz: str) -> datetime:
    """The working day before the session at ``eve_at``, not before the cut-off."""
    eve = previous_workday(session.day, calendar)
    at = datetime.combine(eve, rules.eve_at, tzinfo=ZoneInfo(tz)).astimezone(
        session.starts_at.tzinfo)
    return max(at, session.cutoff_at)


#: announcements to a whole unit go out in the day, never at night
DAY_FROM, DAY_UNTIL = time(8, 0), time(21, 0)


def daytime(moment: datetime, tz: str) -> datetime:
    """``moment``, or the next 08:00 local time when it falls outside 08:00-21:00."""
    local = moment.astimezone(ZoneInfo(tz))
    if DAY_FROM <= local.time() < DAY_UNTIL:
        return moment
    day = local.date() + timedelta(days=1) if local.time() >= DAY_UNTIL else local.date()
    return datetime.combine(day, DAY_FROM, tzinfo=ZoneInfo(tz)).astimezone(moment.tzinfo)


def plan_session(session: SessionClock, rules: ReceptionRules, *, calendar: WorkCalendar,
                 tz: str, now: datetime) -> list[PlannedReminder]:
    """The rows ``session`` needs now; none for a cancelled one, and no reminder of a
    session that has started (its record row stays)."""
    if session.status == CANCELLED:
        return []
    out: list[PlannedReminder] = []

    def add(what: What, due: datetime) -> None:
        out.append(PlannedReminder(reminder_key(session, what), session.id, what, due))

    if now < session.starts_at:
        eve = eve_moment(session, rules, calendar, tz)
        if eve < session.starts_at:
            add(What.LEADER_EVE, eve)
            add(What.PEOPLE_EVE, eve)
        add(What.LEADER_SOON, session.starts_at - timedelta(minutes=rules.soon_minutes))
        if session.visit:
            add(What.ANNOUNCE, min(daytime(max(now, session.starts_at - rules.announce_ahead),
                                           tz), session.starts_at))
    add(What.RECORD, session.ends_at)
    return out


class ReminderStore(ReceptionStore, NotifyStore, ManyNotifyStore, Protocol):
    """What the sweep needs: the reception store and sending notices."""


#: how far ahead reminder rows are planned (sessions are materialised 8 weeks ahead)
PLAN_AHEAD = timedelta(days=60)


async def plan_reminders(store: ReminderStore, *, now: datetime, rules: ReceptionRules,
                         calendar: WorkCalendar, tz: str) -> tuple[int, int]:
    """Bring the reception rows in line with the sessions; return (added, cancelled)."""
    # Sessions that ended up to twice the grace ago: a row of theirs that came due while
    # the bot was down stays planned, and the sweep drops it with a warning.
    sessions = await store.reception_clocks(now - 2 * rules.grace, now + PLAN_AHEAD)
    planned = [p for s in sessions
               for p in plan_session(s, rules, calendar=calendar, tz=tz, now=now)]
    return await store.sync_reception_reminders(planned, now)


@dataclass(frozen=True)
class ReminderRun:
    sent: int  # rows claimed and handled
    messages: int  # notices queued


async def send_due_reminders(store: ReminderStore, *, now: datetime, tz: str,
                             default_locale: str, limit: int = 200) -> ReminderRun:
    """Claim the due reception rows and queue their messages (one transaction)."""
    rows = await store.claim_reception_reminders(now=now, limit=limit)
    messages = 0
    for row in rows:
        messages += await _send(store, row, now=now, tz=tz, default_locale=default_locale)
    return ReminderRun(len(rows), messages)


async def _send(store: ReminderStore, row: DueReminder, *, now: datetime, tz: str,
                default_locale: str) -> int:
    session = await store.reception_session(row.session_id)
    if session is None or session.status == CANCELLED:
        return 0
    params = session_params(session, tz)
    hosts = await store.session_hosts(row.session_id)
    if hosts is None:
        return 0
    sent = 0

    async def tell(person: int, reply: Reply, lane: Lane = Lane.INTERACTIVE) -> None:
        nonlocal sent
        sent += await notify_person(store, person, reply, lane=lane, now=now,
                                    default_locale=default_locale)

    if row.what in (What.LEADER_EVE, What.LEADER_SOON):
        agenda = await store.session_agenda(row.session_id)
        key = "reception.agenda_soon" if row.what == What.LEADER_SOON else \
            "reception.agenda_eve" if agenda else "reception.agenda_eve_empty"
        replies = await agenda_messages(store, agenda, key, {
            **params, "topics": t("unit.topics", count=len(agenda)),
            "accompany": hosts_of(hosts)})
        for person in (hosts.leader_id, *hosts.accompany_ids):
            for reply in replies:
                await tell(person, reply)
    elif row.what == What.PEOPLE_EVE:
        for topic in await store.session_agenda(row.session_id):
            for who in topic.people:
                await tell(who.id, Reply("reception.remind_booked",
                                            {**params, "topic": preview(topic.text)}))
    elif row.what == What.RECORD:
        card = await record_card(store, row.session_id, params)
        if card is not None:
            await tell(hosts.leader_id, card)
    elif row.what == What.ANNOUNCE and hosts.contact_unit_id is not None:
        reply = Reply("reception.visit_announce", {**params, "unit": hosts.contact_unit_name})
        people = [p for p in await store.unit_people(hosts.contact_unit_id)
                  if p != hosts.leader_id]
        sent += await _announce(store, people, reply, now=now, default_locale=default_locale)
    return sent


async def _announce(store: ReminderStore, people: Sequence[int], reply: Reply, *,
                    now: datetime, default_locale: str) -> int:
    """A whole unit told with one identity query (a college has thousands), in the bulk
    lane so that interactive replies never wait behind it."""
    return await notify_people(store, [(people, reply)], lane=Lane.BULK, now=now,
                               default_locale=default_locale)
