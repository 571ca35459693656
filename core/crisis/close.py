"""Closing a crisis (P0) case with a handling note (结案).

A case stays open after a responder acknowledges it (core.crisis.case.acknowledge), and
while it is open every further crisis message of the same person joins it. Closing ends
that: the case becomes CLOSED (``closed_at`` set), its remaining pages can no longer
escalate, the other people paged for it are told, and the person's next crisis message
opens a new case that pages the ladder afresh.

Who may close: the person who acknowledged the case, anyone holding the crisis_team role,
and the admins. Only an acknowledged case can be closed, with a note that is not blank.
Like acknowledging, closing does not go through core.concerns.lifecycle: the store's
``close_crisis`` is one conditional update (only a crisis case in ``CLOSABLE`` matches), so
two people closing at once close it once and the second is told it is closed already.
Every refusal (not allowed, no such case, not yet acknowledged, already closed) writes a
``refused`` audit row, as the acknowledge button's does.

The person in crisis is told nothing: the case machinery stays invisible to them
(DOMAIN.md: the case is visible only to the crisis team). They already had the caring
reply with the hotlines.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.concerns.lifecycle import OPEN_STATUSES
from core.crisis.paging import CrisisRules
from core.errors import AccessDenied, DomainError, InputError
from core.model import ConcernStatus, Lane, Role
from core.notify import notify_person
from core.ports import CrisisCase, MessageStore, Store
from core.replies import Reply

S = ConcernStatus
#: The statuses a case can be closed from: open, and taken by a responder.
CLOSABLE: frozenset[ConcernStatus] = OPEN_STATUSES - {S.RECEIVED, S.DISPATCHED}


@dataclass(frozen=True)
class Closed:
    case: CrisisCase
    by_name: str
    told: list[int]  # the other people paged for the case, told it was closed


async def _refuse(store: MessageStore, person_id: int | None, case_id: int, why: str,
                  now: datetime) -> None:
    await store.audit("refused", person_id, {"concern_id": case_id, "action": "crisis_close",
                                             "why": why}, now)


async def _relation(store: Store, person_id: int | None, case_id: int) -> str | None:
    """How the person may close the case: acknowledger, crisis_team, admin; or None."""
    if person_id is None:
        return None
    pages = await store.crisis_pages(case_id)
    if any(p.acked_by == person_id for p in pages):
        return "acknowledger"
    if person_id in await store.people_with_role(Role.CRISIS_TEAM.value):
        return "crisis_team"
    if person_id in await store.people_with_role(Role.ADMIN.value):
        return "admin"
    return None


async def may_close(store: Store, *, now: datetime, person_id: int | None,
                    case_id: int) -> tuple[CrisisCase, str]:
    """The case and the presser's relation to it, if they may close it now.

    Checked in this order, so someone not allowed learns nothing about the case: who
    presses, whether it is a crisis case, whether it is closed, whether it was taken.
    """
    relation = await _relation(store, person_id, case_id)
    if relation is None:
        await _refuse(store, person_id, case_id, "not_allowed", now)
        raise AccessDenied("crisis_close.not_allowed")
    case = await store.crisis_case(case_id)
    if case is None:
        await _refuse(store, person_id, case_id, "no_case", now)
        raise AccessDenied("crisis_close.no_case")
    if S(case.status) not in OPEN_STATUSES:
        await _refuse(store, person_id, case_id, "closed", now)
        raise DomainError("crisis_close.already_closed", number=case.number)
    if S(case.status) not in CLOSABLE:
        await _refuse(store, person_id, case_id, "not_acked", now)
        raise DomainError("crisis_close.not_acked", number=case.number)
    return case, relation


async def close_case(store: Store, *, now: datetime, rules: CrisisRules,
                     person_id: int | None, case_id: int, note: str) -> Closed:
    """Close the case with ``note``; tell the other people paged for it."""
    note = note.strip()
    if not note:
        raise InputError("crisis_close.note_required")
    case, relation = await may_close(store, now=now, person_id=person_id, case_id=case_id)
    if not await store.close_crisis(case_id, now):  # closed meanwhile by someone else
        await _refuse(store, person_id, case_id, "closed", now)
        raise DomainError("crisis_close.already_closed", number=case.number)
    assert person_id is not None  # may_close refused an unknown presser
    name = (await store.person_names([person_id])).get(person_id, "—")
    await store.add_event(case_id, "crisis_closed", from_status=case.status,
                          to_status=S.CLOSED.value, actor_id=person_id,
                          detail={"actor": "crisis_team", "as": relation, "note": note},
                          now=now)
    await store.audit("crisis_closed", person_id, {"concern_id": case_id, "as": relation,
                                                   "from_status": case.status}, now)
    told: list[int] = []
    for person in dict.fromkeys(p.person_id for p in await store.crisis_pages(case_id)):
        if person in (person_id, case.requester_id):
            continue
        if await notify_person(store, person, Reply("crisis_close.closed", {
                "number": case.number, "name": name, "note": note}), lane=Lane.CRISIS,
                now=now, default_locale=rules.default_locale):
            told.append(person)  # an unreachable one is audited by notify_person
    return Closed(case, name, told)
