"""The push engine's rules (docs/decisions/0020), shared by every mass send:

- ``start_push`` writes one delivery row per person of the audience: ``pending`` for the
  reachable, ``unreachable`` with its reason for the others; the survey is ``pushing``.
- ``feed_push`` (the bot's push sweep, every second) keeps the outbox's bulk lane at most
  ``window`` rows deep: it claims that many pending deliveries of pushing surveys and
  writes one bulk outbox row per reachable chat of each person. The sender paces the bulk
  lane (``[outbox]`` rates, a 429 pausing the channel) and always sends the interactive
  and crisis lanes first, so a push never delays a reply by more than the window.
- ``settle_push`` turns each queued delivery's outbox outcome into its own: ``sent`` if
  any chat got it, else ``ambiguous`` if a send was in flight at a crash (never sent
  again: at most once), ``unreachable`` if every chat refused (403), ``failed`` if given
  up, ``cancelled``; a survey with nothing left to feed or settle is ``open``.
- pause stops feeding (what is in the window still goes), resume feeds again, cancel
  cancels what is not sent yet, close ends answering (and any push still running).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from core.actions import Verb, encode
from core.errors import InputError
from core.notify import ManyNotifyStore
from core.ports import Store
from core.replies import Button, Reply, t
from core.surveys.admin import Preview, preview
from core.surveys.data import survey_of
from core.surveys.model import Survey, state_name
from core.surveys.ports import OutboxWrite

#: delivery states that are final
FINAL = ("sent", "failed", "unreachable", "ambiguous", "cancelled")


class PushStore(Store, ManyNotifyStore, Protocol):
    """The store, and the identities of many people at once."""


async def start_push(store: Store, code: str, *, person_id: int | None, now: datetime) -> Preview:
    """Write the deliveries; the push sweep sends them from now on."""
    found = await preview(store, code)
    if found.status != "created":
        raise InputError("survey_admin.already_pushed", code=code,
                         status=state_name(found.status))
    if found.survey.closes_at <= now:
        raise InputError("survey_admin.closes_in_past",
                         closes=found.survey.closes_at.isoformat())
    reach = found.reach
    await store.add_survey_deliveries(found.survey_id, list(reach.reachable),
                                      dict(reach.unreachable), now)
    await store.set_survey_status(found.survey_id, "pushing", now, pushed=True)
    await store.audit("survey_pushed", person_id, {"survey": code,
                                                   "reachable": len(reach.reachable),
                                                   "unreachable": len(reach.unreachable)}, now)
    return found


def invitation(survey: Survey, survey_id: int, round_: int, tz: str) -> Reply:
    """The invitation (round 0) or the n-th reminder, with the button that opens it."""
    closes = survey.closes_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    return Reply("survey.invite" if round_ == 0 else "survey.reminder", {
        "title": survey.title, "closes": closes,
        "questions": t("unit.questions", count=len(survey.questions)),
        "anonymous": t("survey.anonymous" if survey.anonymous else "survey.named")},
        ((Button("survey.start_button", encode(Verb.SV_OPEN, str(survey_id))),),))


@dataclass(frozen=True)
class Fed:
    claimed: int
    rows: int
    unreachable: int


async def feed_push(store: PushStore, *, window: int, now: datetime, tz: str,
                    default_locale: str) -> Fed:
    """Top the bulk lane up to ``window`` rows from the pending deliveries."""
    room = window - await store.bulk_backlog()
    if room <= 0:
        return Fed(0, 0, 0)
    claimed = await store.claim_deliveries(room, now)
    if not claimed:
        return Fed(0, 0, 0)
    identities = await store.identities_of_people(sorted({c.person_id for c in claimed}))
    surveys: dict[int, Survey] = {}
    rows: list[OutboxWrite] = []
    lost: list[int] = []
    for c in claimed:
        if c.survey_id not in surveys:
            row = await store.survey_row(c.survey_id)
            surveys[c.survey_id] = survey_of(row.definition)
        reply = invitation(surveys[c.survey_id], c.survey_id, c.round, tz).to_dict()
        chats = {(i.channel, i.chat_id): i.locale for i in identities.get(c.person_id, [])
                 if not i.unreachable}
        if not chats:
            lost.append(c.delivery_id)  # blocked or unbound since the push began
        rows += [OutboxWrite(c.delivery_id, channel, chat, c.person_id, reply,
                             locale or default_locale)
                 for (channel, chat), locale in chats.items()]
    await store.write_push_rows(rows, now)
    if lost:
        await store.set_deliveries(lost, "unreachable", now, reason="blocked")
    return Fed(len(claimed), len(rows), len(lost))


def outcome(states: Sequence[str]) -> str | None:
    """A delivery's state from its outbox rows' states; None while any is on its way."""
    if any(s in ("pending", "sending") for s in states):
        return None
    for wanted in ("sent", "ambiguous"):
        if wanted in states:
            return wanted
    if states and all(s == "unreachable" for s in states):
        return "unreachable"
    if states and all(s == "cancelled" for s in states):
        return "cancelled"
    return "failed"


async def settle_push(store: PushStore, *, now: datetime, limit: int = 5000) -> int:
    """Settle the queued deliveries whose rows are done; finish surveys; return how many."""
    by_state: dict[str, list[int]] = {}
    for did, states in (await store.queued_outcomes(limit)).items():
        state = outcome(states)
        if state is not None:
            by_state.setdefault(state, []).append(did)
    for state, ids in by_state.items():
        await store.set_deliveries(ids, state, now)
    await store.finish_pushes(now)
    return sum(len(ids) for ids in by_state.values())


_NEXT = {"pause": ("pushing", "paused"), "resume": ("paused", "pushing")}
_CANNOT = {"pause": "survey_admin.cannot_pause", "resume": "survey_admin.cannot_resume",
           "cancel": "survey_admin.cannot_cancel", "close": "survey_admin.cannot_close"}


async def control(store: Store, code: str, action: str, *, person_id: int | None,
                  now: datetime) -> str:
    """pause, resume, cancel (the push) or close (the survey); return the new status."""
    row = await store.survey_by_code(code)
    if row is None:
        raise InputError("survey_admin.unknown_survey", code=code)
    if action in _NEXT:
        was, becomes = _NEXT[action]
        if row.status != was:
            raise InputError(_CANNOT[action], code=code, status=state_name(row.status))
    elif action == "cancel":
        if row.status not in ("created", "pushing", "paused"):
            raise InputError(_CANNOT["cancel"], code=code, status=state_name(row.status))
        becomes = "cancelled"
        await store.cancel_deliveries(row.id, now)
    else:
        if row.status in ("closed", "cancelled"):
            raise InputError(_CANNOT["close"], code=code, status=state_name(row.status))
        becomes = "closed"
        await store.cancel_deliveries(row.id, now)
    await store.set_survey_status(row.id, becomes, now)
    await store.audit(f"survey_{action}", person_id, {"survey": code}, now)
    return becomes


@dataclass(frozen=True)
class Progress:
    status: str
    counts: dict[str, int]
    remaining: int
    per_second: float
    eta: timedelta | None


async def progress(store: Store, code: str, *, now: datetime) -> Progress:
    """Where a push stands: counts by state, the rate over the last minute, the ETA."""
    row = await store.survey_by_code(code)
    if row is None:
        raise InputError("survey_admin.unknown_survey", code=code)
    counts = {k: row.counts.get(k, 0) for k in ("pending", "queued", *FINAL)}
    remaining = counts["pending"] + counts["queued"]
    rate = await store.push_sent_since(row.id, now - timedelta(minutes=1)) / 60
    eta = timedelta(seconds=remaining / rate) if rate > 0 and remaining else None
    return Progress(row.status, counts, remaining, rate, eta)
