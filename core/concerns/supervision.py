"""Secretary and college tools: merge a duplicate, reject out-of-scope, see the subtree,
and a member's /away. Access is checked here (through ``core.concerns.handling.act`` and roles)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from core.concerns.handling import Acted, act, actors_for, tell_requester
from core.concerns.lifecycle import Action, Actor, is_open
from core.errors import AccessDenied, InputError
from core.model import Lane, Role
from core.notify import notify_person
from core.ports import ConcernRow, Store
from core.replies import Reply

_SUPERVISING = {Actor.SECRETARY, Actor.COLLEGE, Actor.ADMIN}
#: Roles that hold a zone or may stand in for one (who may declare themselves away).
_HANDLING_ROLES = {Role.PARTY_MEMBER.value, Role.BRANCH_SECRETARY.value,
                   Role.COLLEGE_COMMITTEE.value, Role.DISCIPLINE_CONTACT.value}


async def _concern_id(store: Store, number: str, *, now: datetime, person_id: int | None,
                      action: Action) -> int:
    cid = await store.concern_id_by_number(number.strip().upper())
    if cid is None:
        await store.audit("refused", person_id, {"number": number[:40], "action": action.value,
                                                 "why": "not_found"}, now)
        raise AccessDenied("handling.not_found")
    return cid


async def merge_concern(store: Store, *, now: datetime, person_id: int | None,
                        duplicate_number: str, original_number: str,
                        default_locale: str) -> Acted:
    """Close ``duplicate_number`` as MERGED into ``original_number``.

    The actor must supervise both concerns (secretary, college or admin), so nobody can
    learn or touch a concern outside their subtree by naming it. The duplicate's requester
    is told the original's number and follows the original from then on.
    """
    dup = await _concern_id(store, duplicate_number, now=now, person_id=person_id,
                            action=Action.MERGE)
    orig = await _concern_id(store, original_number, now=now, person_id=person_id,
                             action=Action.MERGE)
    if dup == orig:
        raise InputError("merge.same")
    original = await store.get_concern(orig)
    if person_id is None or original is None or not (
            set(await actors_for(store, person_id, original)) & _SUPERVISING):
        await store.audit("refused", person_id, {"concern_id": orig, "action": "merge_into",
                                                 "why": "no_access"}, now)
        raise AccessDenied("handling.no_access")
    if not is_open(original.status):
        raise InputError("merge.original_closed", number=original.number)
    done = await act(store, now=now, person_id=person_id, concern_id=dup, action=Action.MERGE,
                     target=original.number,
                     extra={"merged_into_id": orig, "close_reason": "merged"})
    await tell_requester(store, done.concern, "concern.merged", now=now,
                         default_locale=default_locale, original=original.number)
    if done.concern.assigned_member_id:
        await notify_person(store, done.concern.assigned_member_id, Reply(
            "task.merged", {"number": done.concern.number, "original": original.number}),
            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    return done


async def reject_concern(store: Store, *, now: datetime, person_id: int | None, number: str,
                         reason: str, default_locale: str) -> Acted:
    """Reject an out-of-scope concern; the requester sees the reason."""
    cid = await _concern_id(store, number, now=now, person_id=person_id, action=Action.REJECT)
    done = await act(store, now=now, person_id=person_id, concern_id=cid, action=Action.REJECT,
                     reason=reason, extra={"reject_reason": reason.strip(),
                                           "close_reason": "rejected"})
    await tell_requester(store, done.concern, "concern.rejected", now=now,
                         default_locale=default_locale, reason=reason.strip())
    if done.concern.assigned_member_id:
        await notify_person(store, done.concern.assigned_member_id, Reply(
            "task.rejected", {"number": done.concern.number, "reason": reason.strip()}),
            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    return done


async def subtree_concerns(store: Store, person_id: int | None) -> list[ConcernRow]:
    """Open concerns of the branches and colleges the person is secretary or committee of.

    A branch secretary sees concerns whose handler or requester is in the branch (never
    one about a Party member: conflict of interest); a college committee sees all the
    college's branches. Anyone else is refused.
    """
    roles = await store.roles_of(person_id) if person_id is not None else []
    branches = sorted({u for r, u in roles if r == Role.BRANCH_SECRETARY.value})
    colleges = sorted({u for r, u in roles if r == Role.COLLEGE_COMMITTEE.value})
    if not branches and not colleges:
        raise AccessDenied("branch.not_secretary")
    college_branches: list[str] = []
    for college in colleges:
        college_branches += await store.branch_codes_of_college(college)
    rows = {r["id"]: r for r in await store.subtree_concern_rows(branches, college_level=False)}
    rows.update({r["id"]: r for r in await store.subtree_concern_rows(
        sorted(set(college_branches)), college_level=True)})
    far = datetime.max.replace(tzinfo=timezone.utc)
    # The earliest due first (the overdue ones lead), the most escalated first among equals.
    return sorted(rows.values(), key=lambda r: (r.get("next_due") is None,
                                                r.get("next_due") or far, -r.get("level", 0),
                                                r["id"]))


async def set_away(store: Store, *, person_id: int | None, arg: str, now: datetime,
                   timezone_name: str) -> datetime | None:
    """``/away YYYY-MM-DD`` (away through that local date) or ``/away off``.

    While away, new concerns of the person's zones go to the deputy. Returns the moment the
    absence ends (UTC), or None when cleared.
    """
    roles = await store.roles_of(person_id) if person_id is not None else []
    if person_id is None or not {r for r, _ in roles} & _HANDLING_ROLES:
        raise AccessDenied("away.not_member")
    text = arg.strip().lower()
    if text in ("off", "no", "0"):
        await store.set_away(person_id, None)
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError("away.bad_date") from None
    tz = ZoneInfo(timezone_name)
    if day < now.astimezone(tz).date():
        raise InputError("away.bad_date")
    until = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(timezone.utc)
    await store.set_away(person_id, until)
    return until
