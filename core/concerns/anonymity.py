"""Anonymity: what a handler learns about a requester, and the identity escrow.

An anonymous concern shows its handler (and the admin queue) only the category, type and
text: no name, college, dorm or anything else from the roster or the chat account. The
college is left out too: alone it says little, but with the category and the text it can
narrow a small class down to one person. Replies still reach the requester through the
bot, which knows who they are.

The identity stays in escrow: only a person holding the identity-supervisor role may
reveal it (``reveal_identity``), with a reason. The reveal is audited and the requester is
told. Everyone else is refused, and the refusal is audited as well.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from core.concerns.cards import member_buttons
from core.errors import AccessDenied, InputError
from core.model import ConcernStatus, Lane, Role
from core.notify import notify_person
from core.ports import PersonCard, Store
from core.replies import Button, Reply, t
from core.types import JSON, JSONObject, opt_str


def requester_card(key: str, *, number: str, category: str, type_: str, text: str,
                   card: PersonCard | None, anonymous: bool,
                   buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    """A new-concern card (``task.new`` or ``admin.queue_new``) for a handler or an admin.

    Anonymous: the ``<key>_anonymous`` text, whose parameters carry nothing about the
    requester. Otherwise the requester's name, college and dorm (building and room).
    """
    params: dict[str, JSON] = {"number": number, "category": t(f"category.{category}"),
                              "type": t(f"type.{type_}"), "text": text or "—"}
    if anonymous:
        return Reply(f"{key}_anonymous", params, buttons)
    params["requester"] = requester_where(card)
    return Reply(key, params, buttons)


def requester_where(card: PersonCard | None) -> JSON:
    """The requester's name with their college (else unit) and dorm, whichever are known:
    「陈梓轩（后勤保障处）」, 「赵子涵（会计学院，3号楼 3411）」, or just the name."""
    if card is None:
        return "—"
    dorm = " ".join(x for x in (card.dorm_building, card.dorm_room) if x)
    place = [x for x in (card.college_name or card.unit_name, dorm) if x]
    if len(place) == 2:
        return t("task.requester_at_both", name=card.name, college=place[0], building=place[1])
    if place:
        return t("task.requester_at", name=card.name, place=place[0])
    return card.name


def neutral_attachments(attachments: Sequence[JSONObject], anonymous: bool) -> list[JSONObject]:
    """What a handler may receive of an anonymous requester's files: no file name.

    A document's name ("张三_申请表.docx") can name its sender, so it is replaced by a
    neutral ``send_as`` name that keeps only the extension; the channel re-sends the
    file under that name. Photos carry no name. Not anonymous: unchanged.
    """
    if not anonymous:
        return list(attachments)
    out: list[JSONObject] = []
    for n, att in enumerate(attachments, 1):
        clean = {k: v for k, v in att.items() if k != "file_name"}
        if att.get("kind") == "document":
            ext = (opt_str(att.get("file_name")) or "").rpartition(".")[2].lower()
            ext = ext if ext.isalnum() and 0 < len(ext) <= 8 else "bin"
            clean["send_as"] = f"attachment-{n}.{ext}"
        out.append(clean)
    return out


async def send_task_card(store: Store, member_id: int, *, concern_id: int, number: str,
                         category: str, type_: str, text: str, requester_id: int,
                         anonymous: bool, status: ConcernStatus, now: datetime,
                         default_locale: str,
                         attachments: Sequence[JSONObject] | None = None) -> None:
    """Hand a concern to a member: the task card, then each of its files.

    The same for a new concern, a secretary's re-dispatch and the system's; the files are
    read from the concern unless the caller has them. An anonymous requester's files lose
    their names (``neutral_attachments``).
    """
    card = None if anonymous else await store.person_card(requester_id)
    files = attachments if attachments is not None else \
        await store.concern_attachments(concern_id)
    task = requester_card("task.new", number=number, category=category, type_=type_,
                          text=text, card=card, anonymous=anonymous,
                          buttons=member_buttons(concern_id, status))
    # The card says how many files follow, so one that cannot be shown is missed.
    await notify_person(store, member_id, replace(task, params={**task.params,
                                                                "files": len(files)}),
                        lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)
    for n, att in enumerate(neutral_attachments(files, anonymous), 1):
        await notify_person(store, member_id, Reply(
            "task.attachment", {"number": number, "index": n, "total": len(files)},
            attachments=(att,)), lane=Lane.INTERACTIVE, now=now, default_locale=default_locale)


@dataclass(frozen=True)
class Revealed:
    number: str
    card: PersonCard


async def reveal_identity(store: Store, *, now: datetime, person_id: int | None, number: str,
                          reason: str, default_locale: str) -> Revealed:
    """Reveal the requester of the anonymous concern ``number`` to an identity supervisor.

    Refused (AccessDenied, audited as ``refused``) unless ``person_id`` holds the
    identity-supervisor role; the role is checked before anything else, so a refused
    person learns nothing about the concern. The reason is required (InputError
    ``reveal.usage``). A reveal writes an ``identity_revealed`` audit row and tells the
    requester, through the bot, that their identity was looked at and why.
    """
    roles = {r for r, _ in await store.roles_of(person_id)} if person_id is not None else set()
    if Role.IDENTITY_SUPERVISOR.value not in roles:
        await store.audit("refused", person_id, {"number": number[:40], "action": "reveal",
                                                 "why": "not_identity_supervisor"}, now)
        raise AccessDenied("reveal.not_supervisor")
    reason = reason.strip()
    if not reason or not number.strip():
        raise InputError("reveal.usage")
    cid = await store.concern_id_by_number(number.strip().upper())
    c = await store.get_concern(cid) if cid is not None else None
    if c is None:
        await store.audit("refused", person_id, {"number": number[:40], "action": "reveal",
                                                 "why": "not_found"}, now)
        raise AccessDenied("handling.not_found")
    if not c.anonymous:
        raise InputError("reveal.not_anonymous", number=c.number)
    card = await store.person_card(c.requester_id)
    if card is None:
        raise AccessDenied("handling.not_found")
    await store.audit("identity_revealed", person_id, {
        "concern_id": c.id, "number": c.number, "subject": c.requester_id,
        "reason": reason}, now)
    await notify_person(store, c.requester_id, Reply("reveal.requester_told", {
        "number": c.number, "reason": reason}), lane=Lane.INTERACTIVE, now=now,
        default_locale=default_locale)
    return Revealed(c.number, card)
