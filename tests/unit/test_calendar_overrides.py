"""Calendar overrides in core: classification, dates and ranges, the /calendar request, the
roster's calendar sheet, the admin use case (with a fake store) and the process calendar."""
from __future__ import annotations

import copy
from datetime import date, datetime, timezone

import pytest

from bot.workcalendar import ChinaWorkCalendar
from core.calendar.admin import CalendarRequest, calendar_command, parse_request
from core.calendar.days import (
    HOLIDAY, MAKEUP, WEEKEND, WORKDAY, OverrideRange, classify, day_range, group_ranges,
    parse_day, parse_status,
)
from core.calendar.ports import CalendarOverrideView
from core.errors import AccessDenied, InputError
from core.people.roster import CalendarEntry, RosterInvalid
from core.people.roster_validation import validate_roster
from core.workdays import FixedCalendar
from tests.unit.test_roster_rules import BASE, sheets

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


# --- classification and parsing ----------------------------------------------------------

@pytest.mark.parametrize("day, working, kind", [
    (date(2026, 10, 1), False, HOLIDAY),    # a Thursday off: National Day
    (date(2026, 10, 3), False, WEEKEND),    # a Saturday off
    (date(2026, 10, 9), True, WORKDAY),     # a Friday on
    (date(2026, 9, 20), True, MAKEUP),      # a Sunday on: 调休
])
def test_classify_by_weekday_and_working(day: date, working: bool, kind: str) -> None:
    assert classify(day, working) == kind


@pytest.mark.parametrize("text, day", [
    ("2027-01-18", date(2027, 1, 18)), ("2027/1/8", date(2027, 1, 8)),
    (" 2027.02.28 ", date(2027, 2, 28)), ("2027-02-29", None), ("2027-13-01", None),
    ("18.01.2027", None), ("", None), ("寒假", None),
])
def test_parse_day(text: str, day: date | None) -> None:
    assert parse_day(text) == day


def test_status_words_are_few_and_documented() -> None:
    assert [w for w in ("closed", "停课", "放假", "CLOSED") if parse_status(w) is False] == \
        ["closed", "停课", "放假", "CLOSED"]
    assert [w for w in ("open", "上班", "补班") if parse_status(w) is True] == ["open", "上班", "补班"]
    assert parse_status("holiday") is None and parse_status("休息") is None


def test_day_range_checks_dates_order_and_length() -> None:
    assert day_range("2027-01-18") == (date(2027, 1, 18), date(2027, 1, 18))
    assert day_range("2027-01-18", "2027-02-20") == (date(2027, 1, 18), date(2027, 2, 20))
    assert day_range("2027-01-01", "2028-01-01")[1] == date(2028, 1, 1)  # 366 days: allowed
    with pytest.raises(InputError) as bad:
        day_range("2027-01-18", "2027-02-30")
    assert (bad.value.key, bad.value.params) == ("calendar.bad_date", {"text": "2027-02-30"})
    with pytest.raises(InputError) as rev:
        day_range("2027-02-20", "2027-01-18")
    assert rev.value.key == "calendar.reversed"
    assert rev.value.params == {"first": "2027-02-20", "last": "2027-01-18"}
    with pytest.raises(InputError) as long:
        day_range("2027-01-01", "2028-01-02")  # 367 days
    assert long.value.key == "calendar.too_long"
    assert long.value.params["limit"] == {"t": "unit.days", "p": {"count": 366}}


def test_parse_request_forms() -> None:
    assert parse_request("  ") == CalendarRequest("show")
    assert parse_request("closed 2027-01-18 2027-02-20 寒假 放假") == CalendarRequest(
        "set", date(2027, 1, 18), date(2027, 2, 20), False, "寒假 放假")
    assert parse_request("补班 2027-02-07 春节调休") == CalendarRequest(
        "set", date(2027, 2, 7), date(2027, 2, 7), True, "春节调休")
    assert parse_request("open 2027-02-07") == CalendarRequest(
        "set", date(2027, 2, 7), date(2027, 2, 7), True, "")
    assert parse_request("清除 2027-01-18 2027-02-20") == CalendarRequest(
        "clear", date(2027, 1, 18), date(2027, 2, 20))
    for bad in ("shut 2027-01-18", "closed", "clear 2027-01-18 寒假"):
        with pytest.raises(InputError) as caught:
            parse_request(bad)
        assert caught.value.key == "calendar.usage", bad
    with pytest.raises(InputError) as caught:  # a date-shaped word is a bad date, not a label
        parse_request("closed 2027-01-18 2027-02-30 寒假")
    assert caught.value.params == {"text": "2027-02-30"}
    with pytest.raises(InputError) as caught:
        parse_request("closed 2027-01-18 " + "长" * 101)
    assert caught.value.key == "too_long.message"


def test_group_ranges_joins_consecutive_equal_days() -> None:
    rows = [(date(2027, 1, d), False, "寒假", "sheet") for d in (18, 19, 20)] + [
        (date(2027, 1, 21), False, "寒假", "command"), (date(2027, 1, 23), False, "寒假", "command"),
        (date(2027, 1, 24), True, "补班", "command")]
    assert group_ranges(rows) == [
        OverrideRange(date(2027, 1, 18), date(2027, 1, 20), False, "寒假", "sheet"),
        OverrideRange(date(2027, 1, 21), date(2027, 1, 21), False, "寒假", "command"),
        OverrideRange(date(2027, 1, 23), date(2027, 1, 23), False, "寒假", "command"),
        OverrideRange(date(2027, 1, 24), date(2027, 1, 24), True, "补班", "command")]


# --- the roster's calendar sheet ---------------------------------------------------------

def _with_calendar(rows: list[dict[str, str]]) -> dict:
    data = copy.deepcopy(BASE)
    data["calendar"] = rows
    return sheets(data)


def test_roster_without_calendar_sheet_leaves_calendar_none() -> None:
    assert validate_roster(sheets(BASE)).calendar is None


def test_roster_calendar_sheet_becomes_entries() -> None:
    roster = validate_roster(_with_calendar([
        {"from": "2027-01-18", "to": "2027-02-20", "status": "放假", "label": "寒假"},
        {"from": "2027-02-28", "to": "", "status": "open", "label": ""}]))
    assert roster.calendar == (CalendarEntry(date(2027, 1, 18), date(2027, 2, 20), False, "寒假"),
                               CalendarEntry(date(2027, 2, 28), date(2027, 2, 28), True, ""))
    assert validate_roster(_with_calendar([])).calendar == ()  # present but empty: clears


def test_roster_calendar_sheet_reports_every_bad_row_by_line() -> None:
    with pytest.raises(RosterInvalid) as caught:
        validate_roster(_with_calendar([
            {"from": "2027-01-18", "to": "2027-02-20", "status": "closed", "label": "寒假"},
            {"from": "2027-02-30", "to": "", "status": "closed", "label": ""},
            {"from": "2027-03-02", "to": "2027-03-01", "status": "closed", "label": ""},
            {"from": "2027-04-01", "to": "", "status": "holiday", "label": ""},
            {"from": "2027-02-01", "to": "2027-02-03", "status": "open", "label": ""},
            {"from": "2027-05-01", "to": "", "status": "", "label": "长" * 101}]))
    found = [(p.sheet, p.line, p.column) for p in caught.value.problems]
    assert found == [("calendar", 3, "from"), ("calendar", 4, "to"), ("calendar", 5, "status"),
                     ("calendar", 6, "from"), ("calendar", 7, "status"), ("calendar", 7, "label")]
    overlap = caught.value.problems[3]
    assert (overlap.key, overlap.params) == ("roster_problem.overlap", {"first": 2})


def test_roster_calendar_sheet_needs_its_columns() -> None:
    with pytest.raises(RosterInvalid) as caught:
        validate_roster(_with_calendar([{"from": "2027-01-18", "label": "寒假"}]))
    assert [(p.line, p.column) for p in caught.value.problems] == [(1, "status")]


# --- the /calendar use case ---------------------------------------------------------------

class CalendarFake:
    def __init__(self, roles: dict[int, list[tuple[str, str]]]) -> None:
        self.roles = roles
        self.rows: dict[date, CalendarOverrideView] = {}
        self.audits: list[tuple[str, int | None, dict]] = []

    async def roles_of(self, person_id: int) -> list[tuple[str, str]]:
        return self.roles.get(person_id, [])

    async def audit(self, kind: str, actor_id: int | None, detail: dict, now: datetime) -> None:
        self.audits.append((kind, actor_id, detail))

    async def calendar_overrides(self, first=None, last=None):  # noqa: ANN001, ANN201
        return [v for d, v in sorted(self.rows.items())
                if (first is None or d >= first) and (last is None or d <= last)]

    async def set_calendar_overrides(self, days, *, working, label, source, set_by, now):  # noqa: ANN001, ANN201
        for d in days:
            self.rows[d] = CalendarOverrideView(d, working, label, source, set_by)

    async def clear_calendar_overrides(self, first: date, last: date) -> int:
        gone = [d for d in self.rows if first <= d <= last]
        for d in gone:
            del self.rows[d]
        return len(gone)


ADMIN, STUDENT = 1, 2


async def _run(store: CalendarFake, person: int, arg: str, cal=None):  # noqa: ANN001, ANN202
    return await calendar_command(store, person_id=person, arg=arg, now=NOW,
                                  timezone_name="Asia/Shanghai", calendar=cal)


async def test_only_admins_may_use_calendar_and_refusals_are_audited() -> None:
    store = CalendarFake({ADMIN: [("admin", "ORG")], STUDENT: [("party_member", "B1")]})
    for arg in ("", "closed 2026-12-28 测试"):
        with pytest.raises(AccessDenied) as caught:
            await _run(store, STUDENT, arg)
        assert caught.value.key == "calendar.not_admin"
    assert store.rows == {}
    assert store.audits == [("refused", STUDENT, {"action": "calendar", "why": "not_admin"})] * 2


async def test_admin_changes_are_stored_audited_and_applied_to_the_process_calendar() -> None:
    store, cal = CalendarFake({ADMIN: [("admin", "ORG")]}), ChinaWorkCalendar()
    assert cal.is_workday(date(2026, 12, 28))  # a Monday
    done = await _run(store, ADMIN, "closed 2026-12-28 2026-12-31 考试周", cal)
    assert (done.action, done.days, done.working, done.label) == ("set", 4, False, "考试周")
    assert [(v.day.day, v.working, v.source, v.set_by) for v in store.rows.values()] == \
        [(d, False, "command", ADMIN) for d in (28, 29, 30, 31)]
    assert not cal.is_workday(date(2026, 12, 28)) and cal.is_workday(date(2027, 1, 4))
    assert store.audits[-1] == ("calendar_override", ADMIN, {
        "action": "closed", "from": "2026-12-28", "to": "2026-12-31", "label": "考试周",
        "days": 4})
    shown = await _run(store, ADMIN, "")
    assert shown.ranges == (OverrideRange(date(2026, 12, 28), date(2026, 12, 31), False,
                                          "考试周", "command"),)
    cleared = await _run(store, ADMIN, "clear 2026-12-30 2027-01-05", cal)
    assert cleared.days == 2 and sorted(d.day for d in store.rows) == [28, 29]
    assert cal.is_workday(date(2026, 12, 30)) and not cal.is_workday(date(2026, 12, 29))
    assert store.audits[-1][2]["action"] == "clear"
    # A calendar that holds no overrides (FixedCalendar) is simply not updated.
    assert (await _run(store, ADMIN, "open 2027-01-09", FixedCalendar())).days == 1


async def test_show_lists_the_ranges_starting_in_the_coming_sixty_days_whole() -> None:
    store = CalendarFake({ADMIN: [("admin", "ORG")]})
    for d in (date(2026, 11, 30), date(2026, 12, 1), date(2027, 1, 29), date(2027, 1, 30),
              date(2027, 1, 31), date(2027, 2, 10)):
        store.rows[d] = CalendarOverrideView(d, False, "", "sheet", None)
    shown = await _run(store, ADMIN, "")
    # Day 60 is 2027-01-29: the range starting then is shown to its end, not cut there;
    # one starting after the window is not shown.
    assert [(r.first, r.last) for r in shown.ranges] == [
        (date(2026, 12, 1), date(2026, 12, 1)), (date(2027, 1, 29), date(2027, 1, 31))]


# --- the process calendar ---------------------------------------------------------------

def test_decide_names_the_source_and_replace_overrides_swaps_them() -> None:
    cal = ChinaWorkCalendar()
    assert cal.decide(date(2026, 10, 1)) == (False, "package")
    assert cal.decide(date(2030, 10, 1)) == (False, "fallback")
    cal.replace_overrides({date(2026, 10, 1): True})
    assert cal.decide(date(2026, 10, 1)) == (True, "override")
    cal.replace_overrides({})
    assert cal.decide(date(2026, 10, 1)) == (False, "package") and cal.overrides == {}
