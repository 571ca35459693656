"""A concern's history: ``/history NUMBER`` in chat and ``python -m bot history`` for operators.

Who may see it (``concern_history``):

* an ordinary concern: anyone with a relation to it (``core.concerns.handling.actors_for``:
  the requester, the assigned handler, the secretary of its branch, the committee of its
  college, an admin). A concern about a Party member is left out for a branch secretary
  with no other relation, as ``/branch`` leaves it out (conflict of interest);
* a crisis (P0) case: only the crisis team, the admins and the people paged on it
  (DOMAIN.md: the case is visible only to the crisis team). Its requester is refused too:
  the case machinery stays invisible to the person in crisis.

An unknown number and a refusal give the same answer (``history.not_found``), so naming
numbers learns nothing; both are audited as ``refused``. On an ordinary concern the
``crisis_linked`` event (a crisis case split off) is shown only to the crisis team and
the admins.

Each event becomes a ``HistoryLine``: its time (UTC; the caller shows it in the configured
zone), who acted and a label, oldest first. Anonymity: on an anonymous concern the
requester's name is never shown, to anyone but the requester (who sees "you"); the
operator's view (``operator_history``) is not the identity supervisor's, so it hides the
name too. An event kind without a label (a newer kind) shows as its raw kind.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.concerns.handling import actors_for
from core.concerns.history_ports import ConcernEventView, HistoryStore
from core.concerns.lifecycle import Actor
from core.errors import AccessDenied
from core.model import Role
from core.ports import ConcernRecord, ConcernStore, CrisisStore, MessageStore, OrgStore, PeopleStore
from core.replies import t
from core.types import JSON, JSONObject, opt_str

#: A person's name is cut to this many characters in a history line (the chat message
#: has a size limit; names are far shorter).
NAME_CHARS = 40

#: The label of each event kind written today, by the code that writes it.
LABELS: Mapping[str, str] = {
    # core/concerns/intake.py, redispatch.py, followup.py
    "received": "event.received",
    "queued": "event.queued",
    "revisit_comment": "event.revisit_comment",
    # core/concerns/lifecycle.py (through core.concerns.handling.act)
    "dispatched": "event.dispatched",
    "admin_dispatched": "event.admin_dispatched",
    "accepted": "event.accepted",
    "returned": "event.returned",
    "redispatched": "event.redispatched",
    "first_contact": "event.first_contact",
    "replied": "event.replied",
    "extension_requested": "event.extension_requested",
    "extension_approved": "event.extension_approved",
    "extension_denied": "event.extension_denied",
    "revisit_started": "event.revisit_started",
    "revisit_satisfied": "event.revisit_satisfied",
    "reopened": "event.reopened",
    "escalated_to_college": "event.escalated_to_college",
    "closed_no_answer": "event.closed_no_answer",
    "merged": "event.merged",
    "rejected": "event.rejected",
    # core/crisis/
    "crisis_opened": "event.crisis_opened",
    "crisis_review_opened": "event.crisis_review_opened",
    "crisis_review_held": "event.crisis_review_held",
    "crisis_upgraded": "event.crisis_upgraded",
    "crisis_message": "event.crisis_message",
    "crisis_paged": "event.crisis_paged",
    "crisis_acknowledged": "event.crisis_acknowledged",
    "crisis_closed": "event.crisis_closed",
    "crisis_linked": "event.crisis_linked",
    # the time-limit ladder (催办, 督办) and its recalculation
    "ladder_remind": "event.ladder_remind",
    "ladder_supervise": "event.ladder_supervise",
    "ladder_college": "event.ladder_college",
    "ladder_orgdept": "event.ladder_orgdept",
}
#: Ladder events: their detail may say which time limit (``subject``) and how late.
LADDER = frozenset({"ladder_remind", "ladder_supervise", "ladder_college", "ladder_orgdept"})
SUBJECTS: Mapping[str, str] = {"accept": "history.subject_accept",
                               "contact": "history.subject_contact",
                               "reply": "history.subject_reply"}
#: Shown only to the crisis team and the admins.
CRISIS_ONLY = frozenset({"crisis_linked"})


class HistoryReadStore(ConcernStore, OrgStore, PeopleStore, CrisisStore, MessageStore,
                       HistoryStore, Protocol):
    """What reading a history touches."""


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: JSON  # a person's name (user text), or t(...) of a role word
    label: JSON  # t(...) of the event's label, or the raw kind of an unknown event
    kind: str


@dataclass(frozen=True)
class History:
    number: str
    lines: tuple[HistoryLine, ...]  # oldest first


def duration(minutes: int) -> JSON:
    """``2天3小时`` / ``2 days 3 hours``: the two largest units, each with its plural form."""
    days, rest = divmod(max(minutes, 0), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        parts = [t("history.dur_days", count=days)] + (
            [t("history.dur_hours", count=hours)] if hours else [])
    elif hours:
        parts = [t("history.dur_hours", count=hours)] + (
            [t("history.dur_minutes", count=mins)] if mins else [])
    else:
        parts = [t("history.dur_minutes", count=mins)]
    return parts[0] if len(parts) == 1 else t("history.dur_two", first=parts[0],
                                                second=parts[1])


def event_label(kind: str, detail: JSONObject) -> JSON:
    """The event's label: ``督办（学院党委）：答复超时 2天3小时`` for a ladder event whose
    detail has them, the plain label otherwise, the raw kind for an unknown event."""
    key = LABELS.get(kind)
    if key is None:
        return kind
    subject = SUBJECTS.get(opt_str(detail.get("subject")) or "")
    if kind not in LADDER or subject is None:
        return t(key)
    late = detail.get("late_minutes")
    if not isinstance(late, int) or isinstance(late, bool) or late < 0:
        return t("history.ladder_subject", level=t(key), subject=t(subject))
    if kind == "ladder_remind":  # the reminder at 80% of the limit
        return t("history.ladder_due", level=t(key), subject=t(subject))
    if late == 0:  # a 督办 swept at the limit itself
        return t("history.ladder_reached", level=t(key), subject=t(subject))
    return t("history.ladder_late", level=t(key), subject=t(subject), late=duration(late))


def _actor(actor_id: int | None, *, viewer: int | None, c: ConcernRecord,
           names: Mapping[int, str]) -> JSON:
    if actor_id is None:
        return t("history.actor_system")
    if viewer is not None and actor_id == viewer:
        return t("history.actor_you")
    if c.anonymous and actor_id == c.requester_id:
        return t("history.actor_anonymous")
    name = names.get(actor_id)
    return name[:NAME_CHARS] if name else t("history.actor_unknown")


async def _lines(store: HistoryReadStore, c: ConcernRecord, *, viewer: int | None,
                 crisis_events: bool) -> tuple[HistoryLine, ...]:
    events: list[ConcernEventView] = [
        e for e in await store.concern_events(c.id)
        if crisis_events or e.kind not in CRISIS_ONLY]
    # Only names that may be shown are read: never an anonymous requester's.
    wanted = {e.actor_id for e in events if e.actor_id is not None and e.actor_id != viewer
              and not (c.anonymous and e.actor_id == c.requester_id)}
    names = await store.person_names(sorted(wanted)) if wanted else {}
    return tuple(HistoryLine(e.created_at, _actor(e.actor_id, viewer=viewer, c=c, names=names),
                             event_label(e.kind, e.detail), e.kind) for e in events)


async def _crisis_team_or_admin(store: OrgStore, person_id: int) -> bool:
    for role in (Role.CRISIS_TEAM.value, Role.ADMIN.value):
        if person_id in await store.people_with_role(role):
            return True
    return False


async def _may_see(store: HistoryReadStore, person_id: int, c: ConcernRecord, *,
                   crisis: bool, about_member: bool) -> bool:
    if crisis:
        if await _crisis_team_or_admin(store, person_id):
            return True
        return any(p.person_id == person_id for p in await store.crisis_pages(c.id))
    actors = set(await actors_for(store, person_id, c))
    if about_member and actors == {Actor.SECRETARY}:
        return False
    return bool(actors)


async def _find(store: HistoryReadStore, number: str) -> ConcernRecord | None:
    cid = await store.concern_id_by_number(number) if number else None
    return await store.get_concern(cid) if cid is not None else None


def normalise(number: str) -> str:
    """The number as typed, trimmed and upper-cased (numbers are stored upper-case)."""
    return number.strip().upper()[:40]


async def concern_history(store: HistoryReadStore, *, now: datetime, person_id: int | None,
                          number: str) -> History:
    """The history of concern ``number`` for ``person_id``, or AccessDenied
    ``history.not_found`` (the same for an unknown number and a refusal; audited)."""
    wanted = normalise(number)
    c = await _find(store, wanted)
    why = "not_found" if c is None else "no_access"
    if c is not None and person_id is not None:
        flags = await store.concern_fields(c.id, "crisis", "about_member")
        if await _may_see(store, person_id, c, crisis=bool(flags.get("crisis")),
                          about_member=bool(flags.get("about_member"))):
            return History(c.number, await _lines(
                store, c, viewer=person_id,
                crisis_events=await _crisis_team_or_admin(store, person_id)))
    await store.audit("refused", person_id, {"number": wanted, "action": "history",
                                             "why": why}, now)
    raise AccessDenied("history.not_found", number=wanted)


async def operator_history(store: HistoryReadStore, *, number: str) -> History | None:
    """Every event of concern ``number`` for the operator's CLI (None: no such concern).

    The operator is not the identity supervisor: an anonymous requester stays anonymous.
    """
    c = await _find(store, normalise(number))
    if c is None:
        return None
    return History(c.number, await _lines(store, c, viewer=None, crisis_events=True))
