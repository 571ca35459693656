"""core/concerns/anonymity.py: what a handler learns of a requester, and the identity escrow.

Written against the mutants of core/concerns/anonymity.py that survived ``make mutate``: exact
card parameters, file names taken off an anonymous requester's documents, the reveal's
checks in their order, and its audit rows and notice.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from core.concerns.anonymity import (neutral_attachments, requester_card, requester_where,
                                     reveal_identity, send_task_card)
from core.concerns.cards import member_buttons
from core.errors import AccessDenied, InputError
from core.model import ConcernStatus as S
from core.model import Lane, Role
from core.ports import PersonCard
from tests.unit.handling_fakes import BASE, HANDLER, NOW, REQUESTER, STRANGER, Store

CARD = PersonCard(id=REQUESTER, name="赵子涵", number="2023001", kind="student",
                  unit_name="2023级会计1班", college_name="会计学院", dorm_building="3号楼",
                  dorm_room="3411", class_name="会计2301", verified=True)
SUPERVISOR = 8
SECRET = replace(BASE, anonymous=True)


def _card(**changes: object) -> PersonCard:
    return replace(CARD, **changes)


@pytest.mark.parametrize(("card", "said"), [
    (None, "—"),
    (CARD, {"t": "task.requester_at_both",
            "p": {"name": "赵子涵", "college": "会计学院", "building": "3号楼 3411"}}),
    (_card(college_name=None), {"t": "task.requester_at_both", "p": {
        "name": "赵子涵", "college": "2023级会计1班", "building": "3号楼 3411"}}),
    (_card(dorm_room=None), {"t": "task.requester_at_both", "p": {
        "name": "赵子涵", "college": "会计学院", "building": "3号楼"}}),
    (_card(dorm_building=None, dorm_room=None),
     {"t": "task.requester_at", "p": {"name": "赵子涵", "place": "会计学院"}}),
    (_card(college_name=None, unit_name=None, dorm_building=None),
     {"t": "task.requester_at", "p": {"name": "赵子涵", "place": "3411"}}),
    (_card(college_name=None, unit_name=None, dorm_building=None, dorm_room=None), "赵子涵"),
])
def test_where_the_requester_is(card: PersonCard | None, said: object) -> None:
    assert requester_where(card) == said


def test_an_anonymous_card_carries_nothing_about_the_requester() -> None:
    reply = requester_card("task.new", number="2026-0010", category="logistics", type_="help",
                           text="", card=CARD, anonymous=True)
    assert reply.key == "task.new_anonymous"
    assert reply.params == {"number": "2026-0010", "category": {"t": "category.logistics"},
                            "type": {"t": "type.help"}, "text": "—"}
    named = requester_card("task.new", number="2026-0010", category="logistics",
                           type_="help", text="热水", card=CARD, anonymous=False)
    assert named.key == "task.new"
    assert named.params["requester"] == requester_where(CARD)
    assert named.params["text"] == "热水"


def test_anonymous_documents_lose_their_names_photos_keep_theirs() -> None:
    files = [{"kind": "photo", "refs": {"telegram": "p1"}},
             {"kind": "document", "file_name": "张三_申请表.DOCX", "refs": {"telegram": "d1"}},
             {"kind": "document", "file_name": "no-extension", "refs": {}},
             {"kind": "document", "file_name": "a.verylongext", "refs": {}},
             {"kind": "document", "refs": {}}]
    assert neutral_attachments(files, anonymous=False) == files
    assert neutral_attachments(files, anonymous=True) == [
        {"kind": "photo", "refs": {"telegram": "p1"}},
        {"kind": "document", "refs": {"telegram": "d1"}, "send_as": "attachment-2.docx"},
        {"kind": "document", "refs": {}, "send_as": "attachment-3.bin"},
        {"kind": "document", "refs": {}, "send_as": "attachment-4.bin"},
        {"kind": "document", "refs": {}, "send_as": "attachment-5.bin"},
    ]
    eight = [{"kind": "document", "file_name": "x.abcdefgh"}]
    assert neutral_attachments(eight, anonymous=True)[0]["send_as"] == "attachment-1.abcdefgh"


async def test_a_task_card_then_each_file_numbered() -> None:
    store = Store(SECRET)
    store.cards[REQUESTER] = CARD
    store.files[10] = [{"kind": "document", "file_name": "张三.pdf"}, {"kind": "photo"}]
    await send_task_card(store, HANDLER, concern_id=10, number="2026-0010",
                         category="logistics", type_="help", text="热水", requester_id=REQUESTER,
                         anonymous=True, status=S.DISPATCHED, now=NOW, default_locale="zh_CN")
    card, first, second = [r for _, r, _, _ in store.sent]
    assert card.key == "task.new_anonymous" and card.params["files"] == 2
    assert "requester" not in card.params and card.buttons  # the member's buttons
    assert (first.key, first.params) == ("task.attachment",
                                         {"number": "2026-0010", "index": 1, "total": 2})
    assert first.attachments == ({"kind": "document", "send_as": "attachment-1.pdf"},)
    assert (second.params["index"], second.attachments) == (2, ({"kind": "photo"},))
    assert {(chat, lane, locale) for chat, _, lane, locale in store.sent} == {
        ("chat2", Lane.INTERACTIVE, "zh_CN")}


async def test_a_named_task_card_uses_the_files_given() -> None:
    store = Store(BASE)
    store.cards[REQUESTER] = CARD
    store.files[10] = [{"kind": "photo"}]  # not read: the caller has the files
    await send_task_card(store, HANDLER, concern_id=10, number="2026-0010",
                         category="logistics", type_="help", text="热水", requester_id=REQUESTER,
                         anonymous=False, status=S.DISPATCHED, now=NOW, default_locale="zh_CN",
                         attachments=[])
    [(_, card, _, _)] = store.sent
    assert card.key == "task.new" and card.params["files"] == 0
    assert card.params["requester"] == requester_where(CARD)


def _supervised() -> Store:
    store = Store(SECRET)
    store.roles[SUPERVISOR] = [(Role.IDENTITY_SUPERVISOR.value, "ORG")]
    store.cards[REQUESTER] = CARD
    return store


async def test_only_a_supervisor_may_reveal_and_a_refusal_is_audited() -> None:
    store = _supervised()
    for person in (STRANGER, None):
        with pytest.raises(AccessDenied) as err:
            await reveal_identity(store, now=NOW, person_id=person, number="2026-0010",
                                  reason="安全", default_locale="zh_CN")
        assert err.value.key == "reveal.not_supervisor"
    assert store.audits == [
        ("refused", STRANGER, {"number": "2026-0010", "action": "reveal",
                               "why": "not_identity_supervisor"}, NOW),
        ("refused", None, {"number": "2026-0010", "action": "reveal",
                           "why": "not_identity_supervisor"}, NOW)]
    assert store.sent == []


async def test_a_reveal_needs_a_reason_and_a_number() -> None:
    store = _supervised()
    for number, reason in (("2026-0010", "  "), (" ", "安全")):
        with pytest.raises(InputError) as err:
            await reveal_identity(store, now=NOW, person_id=SUPERVISOR, number=number,
                                  reason=reason, default_locale="zh_CN")
        assert err.value.key == "reveal.usage"
    assert store.audits == []


async def test_an_unknown_number_is_refused_and_audited_cut_to_40() -> None:
    store = _supervised()
    with pytest.raises(AccessDenied) as err:
        await reveal_identity(store, now=NOW, person_id=SUPERVISOR, number="9" * 50,
                              reason="安全", default_locale="zh_CN")
    assert err.value.key == "handling.not_found"
    assert store.audits == [("refused", SUPERVISOR, {"number": "9" * 40, "action": "reveal",
                                                     "why": "not_found"}, NOW)]


async def test_a_named_concern_has_nothing_to_reveal() -> None:
    store = _supervised()
    store.concern = BASE
    with pytest.raises(InputError) as err:
        await reveal_identity(store, now=NOW, person_id=SUPERVISOR, number="2026-0010",
                              reason="安全", default_locale="zh_CN")
    assert (err.value.key, err.value.params) == ("reveal.not_anonymous", {"number": "2026-0010"})


async def test_a_requester_gone_from_the_roster_is_not_found() -> None:
    store = _supervised()
    store.cards.clear()
    with pytest.raises(AccessDenied) as err:
        await reveal_identity(store, now=NOW, person_id=SUPERVISOR, number="2026-0010",
                              reason="安全", default_locale="zh_CN")
    assert err.value.key == "handling.not_found"
    assert store.sent == []


async def test_a_reveal_is_audited_and_the_requester_told() -> None:
    store = _supervised()
    got = await reveal_identity(store, now=NOW, person_id=SUPERVISOR, number=" 2026-0010 ",
                                reason=" 人身安全 ", default_locale="zh_CN")
    assert (got.number, got.card) == ("2026-0010", CARD)
    assert store.audits == [("identity_revealed", SUPERVISOR, {
        "concern_id": 10, "number": "2026-0010", "subject": REQUESTER, "reason": "人身安全"},
        NOW)]
    [(chat, reply, lane, locale)] = store.sent
    assert (chat, reply.key, reply.params, lane, locale) == (
        "chat1", "reveal.requester_told", {"number": "2026-0010", "reason": "人身安全"},
        Lane.INTERACTIVE, "zh_CN")


@pytest.mark.parametrize(("name", "send_as"), [
    ("申请表.v2.docx", "attachment-1.docx"),  # the last extension only
    ("图.c", "attachment-1.c"),  # one character is an extension
    ("x.abcdefghi", "attachment-1.bin"),  # nine is not
])
def test_the_neutral_name_keeps_a_plausible_extension(name: str, send_as: str) -> None:
    out = neutral_attachments([{"kind": "document", "file_name": name}], anonymous=True)
    assert out == [{"kind": "document", "send_as": send_as}]


async def test_the_task_card_names_the_concern_and_is_sent_now() -> None:
    store = Store(SECRET)
    await send_task_card(store, HANDLER, concern_id=10, number="2026-0010",
                         category="logistics", type_="help", text="热水", requester_id=REQUESTER,
                         anonymous=True, status=S.DISPATCHED, now=NOW, default_locale="zh_CN",
                         attachments=[{"kind": "photo"}])
    card = store.sent[0][1]
    assert card.params == {"number": "2026-0010", "category": {"t": "category.logistics"},
                           "type": {"t": "type.help"}, "text": "热水", "files": 1}
    assert card.buttons == member_buttons(10, S.DISPATCHED)  # this concern's buttons
    assert store.sent_at == [NOW, NOW]


async def test_a_named_requester_is_looked_up_an_anonymous_one_never() -> None:
    looked: list[int] = []
    store = Store(BASE)
    store.cards[REQUESTER] = CARD
    real = store.person_card

    async def person_card(person_id: int) -> PersonCard | None:
        looked.append(person_id)
        return await real(person_id)

    store.person_card = person_card  # type: ignore[method-assign]
    for anonymous in (True, False):
        await send_task_card(store, HANDLER, concern_id=10, number="2026-0010",
                             category="logistics", type_="help", text="热水",
                             requester_id=REQUESTER, anonymous=anonymous, status=S.DISPATCHED,
                             now=NOW, default_locale="zh_CN", attachments=[])
    assert looked == [REQUESTER]


async def test_a_number_typed_in_lower_case_is_found_and_the_notice_sent_now() -> None:
    store = _supervised()
    store.concern = replace(SECRET, number="DEMO-2026-000010")
    got = await reveal_identity(store, now=NOW, person_id=SUPERVISOR, number="demo-2026-000010",
                                reason="安全", default_locale="zh_CN")
    assert got.number == "DEMO-2026-000010"
    assert store.sent_at == [NOW]


async def test_a_refused_reveal_audits_at_most_40_characters_of_the_number() -> None:
    store = _supervised()
    with pytest.raises(AccessDenied):
        await reveal_identity(store, now=NOW, person_id=STRANGER, number="X" * 60,
                              reason="安全", default_locale="zh_CN")
    assert store.audits[0][2]["number"] == "X" * 40
