"""Handling a concern: who may act on it, the lifecycle step, and who is told.

Every button on a task card, every relay and every sweep comes through ``act``. A forged
or stale payload meets the same checks as a real one: the acting person's relation to the
concern is worked out here from their roles, never taken from the payload, and every
refusal is audited.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from core.concerns.deadlines import ClockChange, clock_change, merge_plan
from core.concerns.lifecycle import Action, Actor, Transition, TransitionRefused, allowed_actions, apply
from core.errors import AccessDenied, DomainError
from core.model import ConcernStatus, Lane, Role
from core.notify import notify_person
from core.ports import ConcernRecord, HandlingStore, MessageStore, OrgStore, PeopleStore, Store
from core.replies import Button, Reply, t
from core.types import JSON, Scalar


async def actors_for(store: OrgStore, person_id: int, c: ConcernRecord) -> list[Actor]:
    """Every relation the person has to the concern, most specific first."""
    found: list[Actor] = []
    if c.assigned_member_id == person_id:
        found.append(Actor.HANDLER)
    if c.requester_id == person_id:
        found.append(Actor.REQUESTER)
    for role, unit in await store.roles_of(person_id):
        if role == Role.BRANCH_SECRETARY.value and unit == c.branch_code:
            found.append(Actor.SECRETARY)
        elif role == Role.COLLEGE_COMMITTEE.value and unit == c.college_code:
            found.append(Actor.COLLEGE)
        elif role == Role.ADMIN.value:
            found.append(Actor.ADMIN)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Acted:
    concern: ConcernRecord
    transition: Transition
    actor: Actor


async def act(store: HandlingStore, *, now: datetime, person_id: int | None, concern_id: int,
              action: Action, reason: str | None = None, target: str | None = None,
              extra: Mapping[str, Scalar] | None = None) -> Acted:
    """Apply one lifecycle step for ``person_id`` (None: the system) and audit it.

    Raises AccessDenied (unknown concern, no relation) or TransitionRefused; both are
    audited as ``refused`` with the payload's concern id, so probing leaves a trace.
    """
    c, tr, chosen = await _decide(store, now, person_id, concern_id, action, reason, target)
    fields: dict[str, Scalar] = {"status": tr.status.value, "updated_at": now,
                              "reopen_count": tr.reopen_count, **(extra or {})}
    if tr.first_contact:
        fields["first_contact_at"] = now
    stamp = {Action.ACCEPT: "accepted_at", Action.REPLY: "replied_at"}.get(action)
    if stamp:
        fields[stamp] = now
    if tr.status in (ConcernStatus.CLOSED, ConcernStatus.REJECTED, ConcernStatus.MERGED):
        fields["closed_at"] = now
    clocks = clock_change(c.status, tr.status, first_contact=tr.first_contact,
                          extension_approved=tr.moves_due_date)
    await restart_clocks(store, c.id, clocks, fields, now=now)
    await store.update_concern(c.id, **fields)
    await store.add_event(c.id, tr.event, from_status=c.status.value, to_status=tr.status.value,
                          actor_id=person_id, detail={"actor": chosen.value,
                                                      "reason": tr.reason, **_plain(extra)},
                          now=now)
    return Acted(c, tr, chosen)


async def restart_clocks(store: HandlingStore, concern_id: int, clocks: ClockChange,
                         fields: dict[str, Scalar], *, now: datetime) -> None:
    """Stop the notices of the limits a step met, and mark (in ``fields``, written by the
    caller) the clocks a sweep must plan, merged with a plan still waiting for one
    (core.concerns.deadlines.merge_plan). Reminder rows are touched before the concern
    row, the order the sending sweep takes them in (docs/decisions/0016)."""
    if clocks.cancel:
        await store.cancel_reminders(concern_id, [s.value for s in clocks.cancel], now)
    if clocks.plan is None:
        return
    pending = (await store.concern_fields(concern_id, "ladder_plan")).get("ladder_plan")
    plan, restart = merge_plan(pending if isinstance(pending, str) else None, clocks.plan)
    fields["ladder_plan"] = plan.value
    if restart:
        fields["deadline_from"] = now


async def may_act(store: HandlingStore, *, now: datetime, person_id: int | None, concern_id: int,
                  action: Action) -> ConcernRecord:
    """Check, without acting, that ``person_id`` may take ``action`` on the concern now.

    For buttons that first ask for text (a reason, a relay, a summary): the press is
    refused and audited exactly as ``act`` would refuse it, before any text is asked for.
    A required reason is not checked here; it is the text that follows.
    """
    c, _, _ = await _decide(store, now, person_id, concern_id, action, "-", "-")
    return c


async def _decide(store: HandlingStore, now: datetime, person_id: int | None, concern_id: int,
                  action: Action, reason: str | None, target: str | None,
                  ) -> tuple[ConcernRecord, Transition, Actor]:
    c = await store.get_concern(concern_id)
    if c is None:
        await _refused(store, now, person_id, concern_id, action, "not_found")
        raise AccessDenied("handling.not_found")
    actors = [Actor.SYSTEM] if person_id is None else await actors_for(store, person_id, c)
    chosen = next((a for a in actors if action in allowed_actions(
        c.status, a, reopen_count=c.reopen_count)), None)
    try:
        if chosen is None:
            if not actors:
                raise AccessDenied("handling.no_access")
            apply(c.status, action, actors[0], reason=reason, target=target,
                  reopen_count=c.reopen_count)  # raises the most telling refusal
            raise AccessDenied("handling.no_access")
        tr = apply(c.status, action, chosen, reason=reason, target=target,
                   reopen_count=c.reopen_count)
    except (AccessDenied, TransitionRefused) as err:
        said = await _accepted_already(store, c, person_id, action, err)
        await _refused(store, now, person_id, concern_id, action, said.key)
        if said is err:
            raise
        raise said from err
    return c, tr, chosen


#: Statuses a concern is in once someone has accepted (签收) it and before it closes.
_ACCEPTED = frozenset({ConcernStatus.ACCEPTED, ConcernStatus.IN_PROGRESS,
                       ConcernStatus.EXTENSION_REQUESTED, ConcernStatus.REPLIED,
                       ConcernStatus.REVISIT})


async def _accepted_already(store: PeopleStore, c: ConcernRecord, person_id: int | None,
                            action: Action, err: DomainError) -> DomainError:
    """A second 签收 says so (and by whom, to anyone else) instead of "not possible now"."""
    if action is not Action.ACCEPT or err.key != "lifecycle.refused" or c.status not in _ACCEPTED:
        return err
    if c.assigned_member_id is None or c.assigned_member_id == person_id:
        return TransitionRefused("lifecycle.already_accepted", **err.params)
    names = await store.person_names([c.assigned_member_id])
    return TransitionRefused("lifecycle.accepted_by", **err.params,
                             name=names.get(c.assigned_member_id) or "—")


def _plain(extra: Mapping[str, Scalar] | None) -> dict[str, JSON]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in (extra or {}).items()
            if k not in ("status", "updated_at")}


async def _refused(store: MessageStore, now: datetime, person_id: int | None, concern_id: int,
                   action: Action, why: str) -> None:
    await store.audit("refused", person_id, {"concern_id": concern_id, "action": action.value,
                                              "why": why}, now)


async def tell_requester(store: Store, c: ConcernRecord, key: str, *, now: datetime,
                         default_locale: str, buttons: tuple[tuple[Button, ...], ...] = (),
                         **params: JSON) -> None:
    """Every state change reaches the requester, through the bot (also when anonymous).

    Requesters whose duplicates were merged into this concern follow it: they get the same
    notice, without the buttons (those act on the concern as its own requester).
    """
    await notify_person(store, c.requester_id,
                        Reply(key, {"number": c.number, **params}, buttons),
                        lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    for person in await store.merged_followers(c.id):
        if person != c.requester_id:
            await notify_person(store, person, Reply(key, {"number": c.number, **params}),
                                lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)


def status_label(status: ConcernStatus) -> dict[str, JSON]:
    return t(f"status.{status.value}")
