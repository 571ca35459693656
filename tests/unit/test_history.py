"""core/concerns/history.py against an in-memory store: who may see a concern's history,
what each line says (actor, label), anonymity, crisis cases, and the same refusal for an
unknown number and a concern one may not see."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from core.concerns.history import (
    History,
    concern_history,
    duration,
    event_label,
    operator_history,
)
from core.concerns.history_ports import ConcernEventView
from core.errors import AccessDenied
from core.model import Role
from core.ports import CrisisPageView
from core.replies import t
from locales import Catalog
from tests.unit.handling_fakes import (ADMIN, BASE, COLLEGE, HANDLER, NOW, REQUESTER, SECRETARY,
                                       STRANGER)
from tests.unit.handling_fakes import Store as HandlingStore

CREW, PAGED = 20, 21  # a crisis-team member; a counsellor paged on a crisis case
CATALOG = Catalog.load()


class Store(HandlingStore):
    """The handling fake plus what a history reads: events, flags, pages, role holders."""

    def __init__(self, *, anonymous: bool = False, crisis: bool = False,
                 about_member: bool = False) -> None:
        super().__init__(replace(BASE, anonymous=anonymous))
        self.names.update({REQUESTER: "陈梓轩", SECRETARY: "李书记", ADMIN: "组织部张"})
        self.flags = {"crisis": crisis, "about_member": about_member}
        self.role_holders = {Role.CRISIS_TEAM.value: [CREW], Role.ADMIN.value: [ADMIN]}
        self.pages = [CrisisPageView(1, 10, 0, PAGED, NOW, None, None, None, None)]
        self.names_asked: list[int] = []
        self.rows = [
            self._event(1, "received", REQUESTER, 0),
            self._event(2, "dispatched", None, 1),
            self._event(3, "accepted", HANDLER, 30),
            self._event(4, "ladder_college", None, 60 * 24 * 3,
                        {"subject": "reply", "late_minutes": 2 * 24 * 60 + 3 * 60}),
            self._event(5, "crisis_linked", None, 60 * 24 * 4, {"case_id": 99}),
            self._event(6, "first_contact", HANDLER, 60 * 24 * 5),
        ]

    @staticmethod
    def _event(i: int, kind: str, actor: int | None, minutes: int,
               detail: dict | None = None) -> ConcernEventView:
        return ConcernEventView(i, kind, None, None, actor, detail or {},
                                NOW + timedelta(minutes=minutes))

    async def concern_events(self, concern_id: int) -> list[ConcernEventView]:
        return list(self.rows) if concern_id == BASE.id else []

    async def concern_fields(self, concern_id: int, *names: str) -> dict:
        return {n: self.flags.get(n) for n in names}

    async def people_with_role(self, role: str) -> list[int]:
        return self.role_holders.get(role, [])

    async def crisis_pages(self, concern_id: int) -> list[CrisisPageView]:
        return self.pages

    async def person_names(self, ids: list[int]) -> dict[int, str]:
        self.names_asked += ids
        return await super().person_names(ids)


def _text(value: Any, locale: str = "zh_CN") -> str:
    """A line's actor or label as the user reads it."""
    return CATALOG.render_plain(locale, "button.plain", {"label": value})  # "{label}"


def _actors(history: History) -> list[object]:
    return [line.actor for line in history.lines]


async def test_the_requester_sees_every_event_oldest_first_and_themself_as_you() -> None:
    store = Store()
    h = await concern_history(store, now=NOW, person_id=REQUESTER, number=" 2026-0010 ")
    assert h.number == "2026-0010"
    # crisis_linked is the crisis team's: not in the requester's record
    assert [line.kind for line in h.lines] == ["received", "dispatched", "accepted",
                                               "ladder_college", "first_contact"]
    assert [line.at for line in h.lines] == sorted(line.at for line in h.lines)
    assert _actors(h) == [t("history.actor_you"), t("history.actor_system"), "王老师",
                          t("history.actor_system"), "王老师"]
    assert _text(h.lines[2].label) == "签收"
    assert _text(h.lines[3].label) == "督办（学院党委）：答复超时 2天3小时"
    assert _text(h.lines[3].label, "en") == \
        "Supervision (college committee): reply overdue by 2 days 3 hours"
    assert store.audits == []


async def test_the_handler_never_learns_an_anonymous_requesters_name() -> None:
    store = Store(anonymous=True)
    h = await concern_history(store, now=NOW, person_id=HANDLER, number="2026-0010")
    assert h.lines[0].actor == t("history.actor_anonymous")
    assert _text(h.lines[0].actor) == "匿名诉求人"
    assert h.lines[2].actor == t("history.actor_you")
    assert REQUESTER not in store.names_asked  # the name is not even read
    assert "陈梓轩" not in repr(h)
    # the requester still sees themself
    mine = await concern_history(store, now=NOW, person_id=REQUESTER, number="2026-0010")
    assert mine.lines[0].actor == t("history.actor_you")


async def test_not_anonymous_the_handler_sees_the_requesters_name() -> None:
    h = await concern_history(Store(), now=NOW, person_id=HANDLER, number="2026-0010")
    assert h.lines[0].actor == "陈梓轩"


@pytest.mark.parametrize("person", [SECRETARY, COLLEGE, ADMIN])
async def test_the_subtree_and_the_admins_see_it(person: int) -> None:
    h = await concern_history(Store(anonymous=True), now=NOW, person_id=person,
                              number="2026-0010")
    assert h.lines[0].actor == t("history.actor_anonymous")
    assert h.lines[2].actor == "王老师"


async def test_only_the_crisis_team_and_admins_see_the_crisis_link() -> None:
    store = Store()
    admin = await concern_history(store, now=NOW, person_id=ADMIN, number="2026-0010")
    assert "crisis_linked" in [line.kind for line in admin.lines]
    for person in (REQUESTER, HANDLER, SECRETARY, COLLEGE):
        h = await concern_history(store, now=NOW, person_id=person, number="2026-0010")
        assert "crisis_linked" not in [line.kind for line in h.lines], person


async def test_unknown_number_and_no_access_say_the_same_and_are_audited() -> None:
    store = Store()
    with pytest.raises(AccessDenied) as unknown:
        await concern_history(store, now=NOW, person_id=STRANGER, number="2026-9999")
    with pytest.raises(AccessDenied) as denied:
        await concern_history(store, now=NOW, person_id=STRANGER, number="2026-0010")
    with pytest.raises(AccessDenied) as unbound:
        await concern_history(store, now=NOW, person_id=None, number="2026-0010")
    assert unknown.value.key == denied.value.key == unbound.value.key == "history.not_found"
    assert unknown.value.params == {"number": "2026-9999"}
    assert denied.value.params == unbound.value.params == {"number": "2026-0010"}
    assert [(k, who, d["why"], d["action"]) for k, who, d, _ in store.audits] == [
        ("refused", STRANGER, "not_found", "history"), ("refused", STRANGER, "no_access", "history"),
        ("refused", None, "no_access", "history")]
    assert store.names_asked == []  # nothing was read for a refused person


async def test_a_concern_about_a_member_is_not_the_branch_secretarys() -> None:
    store = Store(about_member=True)
    with pytest.raises(AccessDenied):
        await concern_history(store, now=NOW, person_id=SECRETARY, number="2026-0010")
    assert (await concern_history(store, now=NOW, person_id=COLLEGE, number="2026-0010")).lines


async def test_a_crisis_case_is_only_for_the_crisis_team_admins_and_the_paged() -> None:
    store = Store(crisis=True)
    for person in (REQUESTER, HANDLER, SECRETARY, COLLEGE, STRANGER):
        with pytest.raises(AccessDenied) as err:
            await concern_history(store, now=NOW, person_id=person, number="2026-0010")
        assert err.value.key == "history.not_found", person
    for person in (CREW, PAGED, ADMIN):
        h = await concern_history(store, now=NOW, person_id=person, number="2026-0010")
        # the paged counsellor is not on the crisis team: no crisis link in the record
        assert len(h.lines) == (5 if person == PAGED else 6), person
    assert all(d["why"] == "no_access" for _, _, d, _ in store.audits)
    assert len(store.audits) == 5


async def test_the_operator_sees_every_event_but_not_an_anonymous_requesters_name() -> None:
    store = Store(anonymous=True)
    h = await operator_history(store, number="2026-0010")
    assert h is not None and len(h.lines) == 6
    assert h.lines[0].actor == t("history.actor_anonymous")
    assert REQUESTER not in store.names_asked
    assert await operator_history(store, number="NOPE") is None
    assert (await operator_history(Store(), number="2026-0010")).lines[0].actor == "陈梓轩"


@pytest.mark.parametrize(("kind", "detail", "zh", "en"), [
    ("ladder_remind", {"subject": "accept", "late_minutes": 0}, "催办：签收时限将到",
     "Reminder: acceptance deadline near"),
    ("ladder_supervise", {"subject": "contact", "late_minutes": 90},
     "督办（党支部书记）：响应超时 1小时30分钟",
     "Supervision (branch secretary): first contact overdue by 1 hour 30 minutes"),
    ("ladder_orgdept", {"subject": "reply", "late_minutes": 1440},
     "督办（组织部）：答复超时 1天", "Supervision (Organisation Department): reply overdue by 1 day"),
    ("ladder_college", {"subject": "reply", "late_minutes": 5},
     "督办（学院党委）：答复超时 5分钟", "Supervision (college committee): reply overdue by 5 minutes"),
    # defensive: missing or odd detail keys
    ("ladder_college", {"subject": "reply"}, "督办（学院党委）：答复",
     "Supervision (college committee): reply"),
    ("ladder_college", {"subject": "reply", "late_minutes": True}, "督办（学院党委）：答复",
     "Supervision (college committee): reply"),
    ("ladder_college", {"subject": "nap", "late_minutes": 5}, "督办（学院党委）",
     "Supervision (college committee)"),
    ("ladder_orgdept", {}, "督办（组织部）", "Supervision (Organisation Department)"),
    ("ladder_supervise", {"subject": "accept", "late_minutes": 0},
     "督办（党支部书记）：签收已到时限",
     "Supervision (branch secretary): acceptance time limit reached"),
    ("replied", {"late_minutes": 5}, "答复办结", "Replied"),
])
def test_labels(kind: str, detail: dict, zh: str, en: str) -> None:
    label = event_label(kind, detail)
    assert (_text(label), _text(label, "en")) == (zh, en)


def test_an_unknown_kind_shows_as_itself() -> None:
    assert event_label("something_new", {"subject": "reply"}) == "something_new"


def test_every_kind_written_today_has_a_label_in_both_languages() -> None:
    from core.concerns.history import LABELS
    from core.concerns.lifecycle import _TABLE

    written = {rule.event for rule in _TABLE.values()} | {"escalated_to_college"}
    assert written <= set(LABELS)
    for key in LABELS.values():
        assert key in CATALOG.texts["zh_CN"] and key in CATALOG.texts["en"], key


def test_durations_keep_the_two_largest_units() -> None:
    assert _text(duration(3 * 1440 + 59), "en") == "3 days"
    assert _text(duration(61), "en") == "1 hour 1 minute"
    assert _text(duration(0)) == "0分钟"
    assert _text(duration(-5)) == "0分钟"
