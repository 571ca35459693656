"""The crisis (P0) case: open it, tell the people on it, acknowledge it.

Crisis wording (core.crisis.detection) anywhere a person writes opens a linked *case*: a concern with
``crisis=True``, urgency P0, category psych, assigned to no ordinary member, so it never
shows in /tasks or in relays. The writer gets a caring reply with the hotlines at once, in
the crisis lane. Then the ladder is paged (core.crisis.paging: its levels, their limits
and the escalation sweep).

For the crisis team safety overrides anonymity: every page names the person, and each page
is audited as ``crisis_identity_access`` (docs/decisions/0005). Closing a case, which
ends its paging for good, is core.crisis.close.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from core.actions import Verb, encode
from core.concerns.numbering import concern_number
from core.crisis.detection import CrisisMatch
from core.crisis.paging import CrisisRules, page_level
from core.crisis.review import caring_review_reply, page_or_hold, upgrade
from core.errors import AccessDenied
from core.model import ConcernStatus, ConcernType, Lane, Role, Urgency
from core.notify import notify_person
from core.ports import CrisisCase, CrisisSubject, Store
from core.replies import Button, Reply
from core.types import JSON, JSONObject


@dataclass
class Opened:
    case_id: int
    number: str
    new: bool
    levels: list[int] = field(default_factory=list)


def caring_reply(rules: CrisisRules) -> Reply:
    """The reply the writer gets at once: care, and the hotlines (the school's only when
    one is set: a line with no number to call is no help)."""
    if rules.school_hotline.strip():
        return Reply("crisis.caring_with_school", {"national": rules.national_hotline,
                                                   "school": rules.school_hotline.strip()})
    return Reply("crisis.caring", {"national": rules.national_hotline})


async def open_crisis(store: Store, *, now: datetime, rules: CrisisRules, person_id: int,
                      text: str, match: CrisisMatch, source: str, channel: str,
                      source_key: str, parent_concern_id: int | None = None,
                      attachments: Sequence[JSONObject] | None = None,
                      tier: str = "crisis", why: str = "") -> Opened:
    """Crisis wording from ``person_id``: reply with care, open (or add to) the case, page.

    ``source`` says where the wording was found (intake, caption, relay_to_handler,
    relay_to_requester, ...). ``tier`` is "crisis" (clear intent: P0, paged at once) or
    "review" (possible distress: a needs-review item, core.crisis.review). A person with an
    open case gets no second one: the message is added to the case and the people on it
    are told; clear intent upgrades an open review item to a crisis.
    """
    review = tier == "review"
    await notify_person(store, person_id, caring_review_reply(rules) if review
                        else caring_reply(rules), lane=Lane.CRISIS, now=now,
                        default_locale=rules.default_locale)
    detail = {"source": source, "term": match.term, "language": match.language,
              "parent_concern_id": parent_concern_id, "tier": tier, "why": why}
    existing = await store.open_crisis_case_of(person_id)
    if existing is not None:
        await store.add_event(existing, "crisis_message", from_status=None, to_status=None,
                              actor_id=person_id, detail={**detail, "text": text}, now=now)
        for att in attachments or ():
            await store.add_attachment(existing, att, now)
        case = await store.crisis_case(existing)
        assert case is not None  # open_crisis_case_of just found it open
        if case.tier == "review" and not review:
            await upgrade(store, case, now=now, rules=rules, text=text)
            case = await store.crisis_case(existing)
            assert case is not None
            if ConcernStatus(case.status) == ConcernStatus.DISPATCHED:
                return Opened(existing, case.number, new=False)
        if case.tier == "crisis" or await store.crisis_pages(existing):
            await _tell_case_people(store, case, rules, now, "crisis.again" if
                                    case.tier == "crisis" else "crisis.review_again", text=text)
        return Opened(existing, case.number, new=False)
    year = now.astimezone(ZoneInfo(rules.timezone)).year
    number = concern_number(rules.university_code, year, await store.next_concern_seq(year))
    anonymous = False
    if parent_concern_id is not None:
        parent = await store.get_concern(parent_concern_id)
        anonymous = bool(parent and parent.anonymous)
    case_id = await store.add_concern(
        number=number, requester_id=person_id, type=ConcernType.HELP.value, category="psych",
        urgency=(Urgency.P1 if review else Urgency.P0).value,
        status=ConcernStatus.DISPATCHED.value, anonymous=anonymous,
        text=text, assigned_member_id=None, zone_id=None, routing_reason="crisis_team",
        source_channel=channel, source_key=f"crisis:{source_key}"[:120], created_at=now,
        updated_at=now, crisis=True, crisis_tier=tier, parent_concern_id=parent_concern_id)
    await store.add_event(case_id, "crisis_review_opened" if review else "crisis_opened",
                          from_status=None,
                          to_status=ConcernStatus.DISPATCHED.value, actor_id=person_id,
                          detail=detail, now=now)
    for att in attachments or ():
        await store.add_attachment(case_id, att, now)
    if parent_concern_id is not None:
        # The parent's audit shows that a case split off, not what it says.
        await store.add_event(parent_concern_id, "crisis_linked", from_status=None,
                              to_status=None, actor_id=None, detail={"case_id": case_id},
                              now=now)
    case = await store.crisis_case(case_id)
    assert case is not None  # added above as a crisis case
    opened = Opened(case_id, number, new=True)
    opened.levels = await page_or_hold(store, case, now=now, rules=rules) if review else \
        await page_level(store, case, 0, now=now, rules=rules, reason="opened")
    return opened


async def _tell_case_people(store: Store, case: CrisisCase, rules: CrisisRules, now: datetime,
                            key: str, *, skip: int | None = None, **params: JSON) -> None:
    pages = await store.crisis_pages(case.id)
    acked_by = next((p.acked_by for p in pages if p.acked_by), None)
    people = [acked_by] if acked_by and key in ("crisis.again", "crisis.review_again") else \
        list(dict.fromkeys(p.person_id for p in pages))
    # Told it was taken, the crisis team and admins may still close it (结案) themselves.
    closers = set() if key != "crisis.taken" else {
        *await store.people_with_role(Role.CRISIS_TEAM.value),
        *await store.people_with_role(Role.ADMIN.value)}
    close = ((Button("crisis_close.button", encode(Verb.CRISIS_CLOSE, str(case.id))),),)
    for person in people:
        if person != skip:
            await notify_person(store, person, Reply(key, {"number": case.number, **params},
                                                     close if person in closers else ()),
                                lane=Lane.CRISIS, now=now, default_locale=rules.default_locale)


@dataclass(frozen=True)
class Acknowledged:
    case: CrisisCase
    first: bool  # False: someone else had taken it already
    by_name: str
    subject: CrisisSubject | None


async def acknowledge(store: Store, *, now: datetime, rules: CrisisRules, person_id: int | None,
                      case_id: int) -> Acknowledged:
    """The paged person takes the case: escalation stops and the others are told who.

    Only someone paged on this case may acknowledge it; anyone else (a forged button) is
    refused and audited.
    """
    pages = await store.crisis_pages(case_id)
    if person_id is None or not any(p.person_id == person_id for p in pages):
        await store.audit("refused", person_id, {"concern_id": case_id, "action": "crisis_ack",
                                                 "why": "not_paged"}, now)
        raise AccessDenied("crisis.not_paged")
    case = await store.crisis_case(case_id)
    assert case is not None  # only a crisis case has pages
    subject = await store.crisis_subject(case.requester_id)
    if not await store.ack_crisis(case_id, person_id, now):
        by = next((p.acked_by for p in await store.crisis_pages(case_id) if p.acked_by), None)
        by_name = (await store.person_names([by])).get(by, "—") if by else "—"
        return Acknowledged(case, False, by_name, subject)
    name = (await store.person_names([person_id])).get(person_id, "—")
    await store.update_concern(case_id, status=ConcernStatus.ACCEPTED.value, accepted_at=now,
                               updated_at=now)
    await store.add_event(case_id, "crisis_acknowledged",
                          from_status=ConcernStatus.DISPATCHED.value,
                          to_status=ConcernStatus.ACCEPTED.value, actor_id=person_id,
                          detail={"actor": "crisis_team"}, now=now)
    await _tell_case_people(store, case, rules, now, "crisis.taken", skip=person_id, name=name)
    return Acknowledged(case, True, name, subject)
