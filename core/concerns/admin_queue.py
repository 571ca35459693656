"""The admin queue: a concern nobody could take goes to the Organisation Department.

The admins are told the real reason (no zone covers it, or the zone's people are all
away, unbound, unreachable or gone; no discipline contact for a 举报; no committee for a
concern about a Party member) and get a button per person who could take it now (not
away, reachable). When nobody fits, the buttons offer Party members near the requester,
then of the whole university (``fallback_candidates``), so an admin can always dispatch
in chat; never for a 举报, which only the discipline office handles. A press comes back as ``Verb.REDISPATCH`` and meets the same check as the
secretary's re-dispatch: the person must be one of ``dispatch_candidates`` and the
presser must be allowed ``admin_dispatch`` by core.concerns.handling (admins only).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.actions import Verb, encode
from core.concerns.anonymity import requester_card
from core.concerns.pickers import available_people
from core.concerns.routing import matching_zones
from core.model import ConcernType, RequesterProfile, Role, RoutingDecision
from core.notify import alert_admins
from core.ports import ConcernRecord, RoutingStore, Store
from core.replies import Button, t
from core.types import opt_str

#: Buttons on a queue notice, at most.
MAX_CANDIDATES = 8
#: Why nobody of the zone could take it, by cause (store.unavailability).
_WHY = {"inactive": "admin.why_inactive", "away": "admin.why_away",
        "unbound": "admin.why_unbound", "unreachable": "admin.why_unreachable"}


async def why_queued(store: RoutingStore, decision: RoutingDecision, now: datetime) -> str:
    """The locale key that says why the concern is in the admin queue."""
    reason = decision.reason
    if reason.startswith("report:"):
        return "admin.why_no_discipline"
    if reason.startswith("conflict_of_interest:"):
        return "admin.why_no_committee"
    if reason.startswith("unit_unstaffed:"):
        return "admin.why_unit_unstaffed"
    if not reason.startswith("nobody_available:"):
        return "admin.why_no_zone"
    causes = set((await store.unavailability(list(decision.passed_over), now)).values())
    causes &= set(_WHY)
    return _WHY[causes.pop()] if len(causes) == 1 else "admin.why_unavailable"


async def queue_candidates(store: RoutingStore, *, category: str, concern_type: str,
                           profile: RequesterProfile, about_member: bool,
                           about_branch_code: str | None) -> list[int]:
    """Who an admin may hand this concern to, the most fitting first.

    A 举报: the discipline contacts. About a Party member: the college committee above
    the named branch (none of that branch). Otherwise the matching zones' members and
    deputies, the members' branch secretaries, then the Party members of the members'
    branches and of the requester's branch.
    """
    if concern_type == ConcernType.REPORT.value:
        return await store.people_with_role(Role.DISCIPLINE_CONTACT.value)
    if about_member:
        college = (await store.college_of_unit(about_branch_code) if about_branch_code
                   else None) or profile.college_code
        committee = await store.people_with_role_at(Role.COLLEGE_COMMITTEE.value,
                                                    college) if college else []
        branch_of = await store.branches_of(committee)
        return [p for p in committee
                if about_branch_code is None or branch_of.get(p) != about_branch_code]
    zones = matching_zones(category, profile, await store.active_zones(category))
    people = [p for z in zones for p in (z.member_id, z.deputy_id) if p]
    branches = list(dict.fromkeys(
        b for b in (await store.branches_of(people)).values() if b))
    for branch in branches:
        people += await store.people_with_role_at(Role.BRANCH_SECRETARY.value, branch)
    for branch in branches + ([profile.branch_code] if profile.branch_code else []):
        people += await store.people_with_role_at(Role.PARTY_MEMBER.value, branch)
    return list(dict.fromkeys(people))


async def fallback_candidates(store: RoutingStore, profile: RequesterProfile, *,
                              about_branch_code: str | None) -> list[int]:
    """Party members an admin may hand a queued concern to when nobody fits: those of the
    requester's branch, of their college's branches, then of the whole university (the
    least busy first). Never one of the branch a concern about a Party member names."""
    near: list[int] = []
    if profile.branch_code:
        near += await store.people_with_role_at(Role.PARTY_MEMBER.value, profile.branch_code)
    if profile.college_code:
        for branch in await store.branch_codes_of_college(profile.college_code):
            near += await store.people_with_role_at(Role.PARTY_MEMBER.value, branch)
    everyone = await store.people_with_role(Role.PARTY_MEMBER.value)
    load = await store.open_load(everyone) if everyone else {}
    people = list(dict.fromkeys(near + sorted(everyone, key=lambda p: load.get(p, 0))))
    if about_branch_code:
        branch_of = await store.branches_of(people)
        people = [p for p in people if branch_of.get(p) != about_branch_code]
    return people


async def dispatch_candidates(store: Store, concern: ConcernRecord) -> list[int]:
    """Whom an admin's press may dispatch a stored concern (core.concerns.handling.ConcernRecord)
    to: ``queue_candidates`` and ``fallback_candidates``, whatever the notice offered."""
    extra = await store.concern_fields(concern.id, "about_member", "about_branch_code")
    profile = await store.requester_profile(concern.requester_id)
    fitting = await queue_candidates(
        store, category=concern.category, concern_type=concern.type, profile=profile,
        about_member=bool(extra.get("about_member")),
        about_branch_code=opt_str(extra.get("about_branch_code")))
    if concern.type == ConcernType.REPORT.value:
        return fitting  # a 举报 goes to the discipline office, never to a member
    return fitting + await fallback_candidates(
        store, profile, about_branch_code=opt_str(extra.get("about_branch_code")))


async def send_to_admin_queue(store: Store, *, concern_id: int, number: str, category: str,
                              type_: str, text: str, requester_id: int, anonymous: bool,
                              about_member: bool, about_branch_code: str | None,
                              decision: RoutingDecision, now: datetime,
                              default_locale: str) -> None:
    """Tell every admin, with the reason and a dispatch button per candidate who can take
    it now; with no fitting one, Party members near the requester or of the university."""
    profile = await store.requester_profile(requester_id)
    fitting = await queue_candidates(store, category=category, concern_type=type_,
                                     profile=profile, about_member=about_member,
                                     about_branch_code=about_branch_code)
    candidates = await available_people(store, fitting, now, exclude={requester_id})
    pick = "admin.queue_pick"
    if not candidates and type_ == ConcernType.REPORT.value:
        pick = "admin.queue_report_nobody"  # never handed to a Party member
    elif not candidates:
        candidates = await available_people(store, await fallback_candidates(
            store, profile, about_branch_code=about_branch_code), now, exclude={requester_id})
        pick = "admin.queue_pick_fallback" if candidates else "admin.queue_nobody"
    candidates = candidates[:MAX_CANDIDATES]
    names = await store.person_names(list(decision.passed_over) + candidates)
    buttons = tuple((Button("button.plain", encode(Verb.REDISPATCH, f"{concern_id}.{p}"),
                            {"label": names.get(p, "—")}),) for p in candidates)
    card = None if anonymous else await store.person_card(requester_id)
    reply = requester_card("admin.queue_new", number=number, category=category, type_=type_,
                           text=text, card=card, anonymous=anonymous, buttons=buttons)
    people = " / ".join(names.get(p, "—") for p in decision.passed_over)
    reply = replace(reply, params={
        **reply.params, "pick": t(pick),
        "people": t("admin.queue_people", people=people) if people else "",
        "why": t(await why_queued(store, decision, now))})
    await alert_admins(store, reply, now=now, default_locale=default_locale)
