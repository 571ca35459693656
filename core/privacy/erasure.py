"""Erasure on request (PIPL 删除; docs/decisions/0027). A person asks in chat; every admin
is sent the request with 同意/拒绝 buttons; the first admin's decision is final, audited
and told to the person. Approved, the person's concerns are anonymised as retention does
and their chat accounts, messages, drafts, named answers and reception topics go; what
must be kept is refused part by part, with its reason:

- a concern still being handled (``open``) and an open 举报 (``report``): the handling,
  or the discipline office's inquiry, is not over; their chat accounts stay too, so
  replies still reach them;
- a crisis case (``crisis``), open or closed: a safety record, kept for the retention
  period and seen by the crisis team only;
- a reception booking still to come (``reception``), and the record of having answered
  a survey that is still open (``survey``: it stops a second answer).

The roster row itself (name, number, college, dorm) stays: it is the university's record,
imported again as it is; the notice says so. The request and the decision live in the
audit log, never edited: the admins' alerts (which name the person) are scrubbed once a
decision is made."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.actions import Verb, encode
from core.errors import AccessDenied, InputError, check_length
from core.model import ConcernStatus, ConcernType, Lane, Role, StrEnum
from core.notify import alert_admins, notify_person
from core.ports import NotifyStore, PeopleStore
from core.privacy.ports import COUNTED, ErasureFacts, PrivacyStore, StoredFiles
from core.privacy.retention import remove_files
from core.replies import Button, Reply, t
from core.types import JSON

REQUESTED, DECIDED = "privacy_erasure_requested", "privacy_erasure_decided"
#: a refusal's reason, as long as other reasons given in chat
MAX_REASON = 500
_OVER = {ConcernStatus.CLOSED.value, ConcernStatus.REJECTED.value, ConcernStatus.MERGED.value}


class Kept(StrEnum):
    """Why a part of a person's data stays (its line: ``KEPT_KEYS``)."""

    OPEN = "open"
    REPORT = "report"
    CRISIS = "crisis"
    RECEPTION = "reception"
    SURVEY = "survey"


#: the line saying why each kind of record stays
KEPT_KEYS = {Kept.OPEN: "privacy.kept_open", Kept.REPORT: "privacy.kept_report",
             Kept.CRISIS: "privacy.kept_crisis", Kept.RECEPTION: "privacy.kept_reception",
             Kept.SURVEY: "privacy.kept_survey"}


class ErasureStore(PrivacyStore, NotifyStore, PeopleStore, Protocol):
    """What erasure needs."""


@dataclass(frozen=True)
class ErasureScope:
    #: the concerns to anonymise
    erase: tuple[int, ...]
    #: what stays: (concern number, or "" for a kind of record; why)
    kept: tuple[tuple[str, Kept], ...]
    #: the person's chat accounts stay (something kept must still reach them)
    keep_accounts: bool


def erasure_scope(facts: ErasureFacts) -> ErasureScope:
    """What erasing this person's data would do, part by part."""
    erase: list[int] = []
    kept: list[tuple[str, Kept]] = []
    open_kept = False
    for c in facts.concerns:
        is_open = c.status not in _OVER
        if c.crisis:
            kept.append((c.number, Kept.CRISIS))
        elif is_open:
            kept.append((c.number, Kept.REPORT if c.type == ConcernType.REPORT.value
                         else Kept.OPEN))
        else:
            erase.append(c.id)
        open_kept = open_kept or is_open
    if facts.upcoming_bookings:
        kept.append(("", Kept.RECEPTION))
    if facts.open_surveys:
        kept.append(("", Kept.SURVEY))
    return ErasureScope(tuple(erase), tuple(kept), open_kept or facts.upcoming_bookings > 0)


def kept_lines(scope: ErasureScope) -> list[JSON]:
    """What stays and why, one translated line each."""
    return [t(KEPT_KEYS[why], number=number) for number, why in scope.kept]


async def preview_erasure(store: ErasureStore, person_id: int | None,
                          now: datetime) -> ErasureScope:
    """What a request would erase, shown before the person confirms it."""
    if person_id is None:
        raise InputError("privacy.mydata_unbound")
    if any(not r.decided for r in await store.erasure_requests(person_id=person_id)):
        raise InputError("privacy.erase_pending")
    return erasure_scope(await store.erasure_facts(person_id, now))


async def request_erasure(store: ErasureStore, person_id: int | None, *, now: datetime,
                          default_locale: str) -> ErasureScope:
    """The person confirmed: the request is recorded and sent to every admin."""
    scope = await preview_erasure(store, person_id, now)
    assert person_id is not None  # preview refused an unbound account
    token = secrets.token_hex(8)
    await store.audit(REQUESTED, person_id, {"request": token}, now)
    card = await store.person_card(person_id)
    buttons = ((Button("privacy.erase_approve", encode(Verb.PV_APPROVE, token)),
                Button("privacy.erase_refuse", encode(Verb.PV_REFUSE, token))),)
    await alert_admins(store, Reply("privacy.erase_admin", {
        "name": card.name if card else "", "number": (card.number or "") if card else "",
        "erase": t("privacy.n_concerns", count=len(scope.erase)),
        "kept": kept_lines(scope) or [t("privacy.kept_nothing")]}, buttons),
        now=now, default_locale=default_locale)
    return scope


async def pending_request(store: ErasureStore, admin_id: int | None, token: str,
                          now: datetime) -> int:
    """The person whose request ``token`` an admin may decide now; refusals audited."""
    roles = {r for r, _ in await store.roles_of(admin_id)} if admin_id is not None else set()
    if admin_id is None or Role.ADMIN.value not in roles:
        await store.audit("refused", admin_id, {"action": "privacy_erasure",
                                                "why": "not_admin"}, now)
        raise AccessDenied("privacy.erase_not_admin")
    found = await store.erasure_requests(token=token)
    if not found:
        raise InputError("error.forged")
    if found[0].decided:
        raise InputError("privacy.erase_decided")
    return found[0].person_id


@dataclass(frozen=True)
class Decision:
    approved: bool
    #: what was erased, by kind (``privacy.n_<kind>``); empty when refused
    counts: dict[str, int]
    kept: int


async def decide_erasure(store: ErasureStore, files: StoredFiles | None, *,
                         admin_id: int | None, token: str, approve: bool, reason: str,
                         now: datetime, default_locale: str) -> Decision:
    """An admin's decision: carried out, audited, told to the person (sealed: the row
    keeps nothing once sent), and the admins' alerts about the request (and the presses
    on them) scrubbed: they name the person. The flow redacts the deciding press."""
    person_id = await pending_request(store, admin_id, token, now)
    reason = reason.strip()
    check_length(reason, MAX_REASON, "privacy.erase_reason_what")
    if not approve and not reason:
        raise InputError("privacy.erase_reason_needed")
    detail: dict[str, JSON] = {"request": token, "person_id": person_id, "approved": approve,
                               "reason": reason}
    counts: dict[str, int] = {}
    scope = erasure_scope(await store.erasure_facts(person_id, now))
    if approve:
        await notify_person(store, person_id, Reply("privacy.erase_done", {
            "erase": t("privacy.n_concerns", count=len(scope.erase)),
            "kept": kept_lines(scope) or [t("privacy.kept_nothing")]}, sealed=True),
            lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
        removed = await store.erase_person(person_id, concern_ids=scope.erase,
                                           keep_accounts=scope.keep_accounts, now=now)
        files_gone = await remove_files(store, files, removed.files) if files else 0
        counts = {k: getattr(removed, k) for k in COUNTED if getattr(removed, k)}
        if files_gone:
            counts["files"] = files_gone
        detail.update(counts=dict(counts), kept=[why.value for _, why in scope.kept])
    else:
        await notify_person(store, person_id, Reply("privacy.erase_refused", {
            "reason": reason}, sealed=True), lane=Lane.INTERACTIVE, now=now,
            default_locale=default_locale)
    await store.audit(DECIDED, admin_id, detail, now)
    await store.forget_messages_naming(token, now)
    return Decision(approve, counts, len(scope.kept) if approve else 0)
