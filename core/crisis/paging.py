"""The P0 paging ladder of a crisis case: who each level pages, and going up a level.

A case's ladder (``LEVELS``) is paged level by level; each page is a row with a limit
(``escalate_at``). A level that nobody acknowledges in time, or whose first responders
cannot be reached at all, goes up one level. The claim of an escalation is one conditional
update of the level's pages (``claim_crisis_escalation``), so two sweeps, or a sweep re-run
after a crash, escalate a level exactly once: the loser's update matches no row.

For the crisis team safety overrides anonymity: every page names the person, and each page
is audited as ``crisis_identity_access`` (docs/decisions/0005). Opening and acknowledging a
case are core.crisis.case.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from core.actions import Verb, encode
from core.clock import in_local_span
from core.concerns.lifecycle import TERMINAL_STATUSES
from core.model import ConcernStatus, Lane, Role
from core.notify import notify_person
from core.ports import CrisisCase, CrisisPageView, CrisisSubject, Store
from core.replies import Button, Reply
from core.types import JSON

#: Level 0: the duty counsellor (must be reached) and the psych centre; 1: the crisis team;
#: 2: the Organisation Department admins; 3: the named human (``final_number``).
LEVELS = ("duty", "crisis_team", "admins", "final")
TOP_LEVEL = len(LEVELS) - 1


@dataclass(frozen=True)
class CrisisRules:
    """The crisis settings (config.toml ``[crisis]``), with safe defaults."""

    national_hotline: str = "12356"
    school_hotline: str = ""
    ack_minutes: int = 15
    duty_numbers: tuple[str, ...] = ()
    fallback_number: str = ""
    final_number: str = ""
    university_code: str = "DEMO"
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    review_hours: int = 12
    risk_hours: int = 24  # a chat's crisis memory (core.crisis.state) lasts at most this
    quiet_start: time = time(22, 30)  # review items page nobody from here ...
    quiet_end: time = time(7, 30)  # ... to here (local time); crisis pages ignore this

    @property
    def ack_limit(self) -> timedelta:
        return timedelta(minutes=self.ack_minutes)

    @property
    def review_limit(self) -> timedelta:
        return timedelta(hours=self.review_hours)

    def quiet(self, now: datetime) -> bool:
        """Whether ``now`` falls in the quiet hours (local time; the span may cross midnight)."""
        return in_local_span(now, self.timezone, self.quiet_start, self.quiet_end)


async def _ladder(store: Store, rules: CrisisRules, level: int,
                  requester_id: int) -> tuple[list[int], list[int]]:
    """(people who must be reached, other people) for one level of the ladder."""
    if level == 0:
        duty = await store.person_ids_by_numbers(list(rules.duty_numbers))
        if not duty:
            college = (await store.requester_profile(requester_id)).college_code
            if college:
                duty = await store.people_with_role_at(Role.COUNSELLOR.value, college)
        if not duty and rules.fallback_number:
            duty = await store.person_ids_by_numbers([rules.fallback_number])
        return duty, await store.people_with_role(Role.PSYCH_CENTRE.value)
    if level == 1:
        return await store.people_with_role(Role.CRISIS_TEAM.value), []
    if level == 2:
        return await store.people_with_role(Role.ADMIN.value), []
    final = await store.person_ids_by_numbers([rules.final_number]) if rules.final_number else []
    return final, []


async def page_level(store: Store, case: CrisisCase, level: int, *, now: datetime,
                     rules: CrisisRules, reason: str) -> list[int]:
    """Page everyone of ``level`` not yet paged on the case; return the levels paged.

    A level whose must-reach people got nothing (none configured, or no reachable channel
    identity) goes up at once, in the same transaction.
    """
    # The person in crisis is never paged about themselves (a counsellor in crisis, say):
    # their level then counts as not reached and the ladder goes on without them.
    already = {p.person_id for p in await store.crisis_pages(case.id)} | {case.requester_id}
    must, others = await _ladder(store, rules, level, case.requester_id)
    must = [p for p in dict.fromkeys(must)
            if p not in already or (level == TOP_LEVEL and p != case.requester_id)]
    others = [p for p in dict.fromkeys(others) if p not in already and p not in must]
    escalate_at = now + rules.ack_limit if level < TOP_LEVEL else None
    if case.tier == "review" and level == 0:  # the review limit runs from when it opened
        escalate_at = (case.created_at or now) + rules.review_limit
    subject = await store.crisis_subject(case.requester_id)
    reached_must = 0
    paged: list[dict[str, JSON]] = []
    for person in [*must, *others]:
        page_id = await store.add_crisis_page(case.id, level, person, now, escalate_at)
        sent = await notify_person(store, person, page_reply(case, subject, level, reason),
                                   lane=Lane.CRISIS, now=now,
                                   default_locale=rules.default_locale)
        await store.audit("crisis_identity_access", person, {
            "concern_id": case.id, "page_id": page_id, "level": level,
            "subject_id": case.requester_id}, now)
        reached_must += 1 if sent and person in must else 0
        paged.append({"person_id": person, "reached": bool(sent)})
    await store.add_event(case.id, "crisis_paged", from_status=None, to_status=None,
                          actor_id=None, detail={"level": level, "reason": reason,
                                                 "pages": paged}, now=now)
    levels = [level]
    if level < TOP_LEVEL and reached_must == 0:
        if not paged:  # nobody new at this level: nothing to claim, go straight up
            return levels + await page_level(store, case, level + 1, now=now, rules=rules,
                                             reason="empty_level")
        if await store.claim_crisis_escalation(case.id, level, now):
            levels += await page_level(store, case, level + 1, now=now, rules=rules,
                                       reason="unreachable")
    return levels


def page_reply(case: CrisisCase, s: CrisisSubject | None, level: int, reason: str) -> Reply:
    review = case.tier == "review" and level == 0
    return Reply("crisis.review_page" if review else "crisis.page", {
        # Levels count from 0 inside; people read "level 1" for the first page.
        "number": case.number, "level": level + 1, "reason": {"t": _REASON_KEYS[reason]},
        "name": s.name if s else "—", "person_number": (s.number if s else None) or "—",
        "college": (s.college if s else None) or "—", "dorm": (s.dorm if s else None) or "—",
        "phone": (s.phone if s else None) or "—", "text": case.text or "—",
        "parent": case.parent_number or "—"},
        ((Button("button.crisis_review" if review else "button.crisis_ack",
                 encode(Verb.CRISIS_ACK, str(case.id))),),))


_REASON_KEYS = {"opened": "crisis.reason_opened", "timeout": "crisis.reason_timeout",
                "unreachable": "crisis.reason_unreachable",
                "empty_level": "crisis.reason_unreachable",
                "review_timeout": "crisis.reason_review_timeout",
                "upgraded": "crisis.reason_upgraded"}


def due_escalations(pages: list[CrisisPageView], now: datetime, unreachable: set[int],
                    psych_centre: set[int]) -> list[tuple[int, int, str]]:
    """(case, level, reason) for each unacknowledged case whose current level must go up.

    The current level is the highest paged and not yet escalated. It goes up when its limit
    has passed ("timeout"), or when all its must-reach people are unreachable now (a chat
    blocked after the page was queued: "unreachable"). At level 0 the must-reach people are
    the duty counsellors, that is everyone paged there but the psych centre.
    """
    by_case: dict[int, list[CrisisPageView]] = {}
    for p in pages:
        by_case.setdefault(p.concern_id, []).append(p)
    out: list[tuple[int, int, str]] = []
    for case_id, case_pages in sorted(by_case.items()):
        level = max(p.level for p in case_pages)
        if level >= TOP_LEVEL:
            continue
        current = [p for p in case_pages if p.level == level and p.escalated_at is None]
        if not current:
            continue
        if any(p.escalate_at is not None and p.escalate_at <= now for p in current):
            out.append((case_id, level, "timeout"))
            continue
        must = [p.person_id for p in current if level > 0 or p.person_id not in psych_centre]
        if must and all(m in unreachable for m in must):
            out.append((case_id, level, "unreachable"))
    return out


async def escalation_candidates(store: Store, now: datetime) -> list[tuple[int, int, str]]:
    """Read what is due to escalate (no writes): see ``due_escalations``."""
    pages = await store.unacked_crisis_pages()
    unreachable: set[int] = set()
    for person in {p.person_id for p in pages}:
        if not any(not i.unreachable for i in await store.identities_of(person)):
            unreachable.add(person)
    psych = set(await store.people_with_role(Role.PSYCH_CENTRE.value))
    return due_escalations(pages, now, unreachable, psych)


async def escalate(store: Store, case_id: int, level: int, *, now: datetime,
                   rules: CrisisRules, reason: str) -> bool:
    """Escalate one level of one case, exactly once; False if someone else already did
    (or the case was acknowledged or closed meanwhile)."""
    if not await store.claim_crisis_escalation(case_id, level, now):
        return False
    case = await store.crisis_case(case_id)
    if case is None or ConcernStatus(case.status) in TERMINAL_STATUSES:
        return False  # closed while the claim waited (core.crisis.close): page nobody
    if case.tier == "review" and reason == "timeout":
        reason = "review_timeout"
    await page_level(store, case, level + 1, now=now, rules=rules, reason=reason)
    return True


async def escalate_due(store: Store, *, now: datetime, rules: CrisisRules) -> int:
    """Sweep in one unit of work: escalate every level that is due; return how many."""
    done = 0
    for case_id, level, reason in await escalation_candidates(store, now):
        done += await escalate(store, case_id, level, now=now, rules=rules, reason=reason)
    return done
