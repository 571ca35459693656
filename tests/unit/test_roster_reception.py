"""The roster's reception sheets and contact-unit column: good rows become schedules and
overrides; every bad row is named by sheet, line and column; the whole file is refused."""
from __future__ import annotations

import copy
from datetime import date, time

from core.people.roster_validation import validate_roster
from core.reception.schedule import Cutoff, Frequency, HolidayPolicy, OverrideAction
from tests.unit.test_roster_rules import BASE, M1, M2, problems, sheets

LEADER = "9200000001"
SCHEDULE = {"code": "R1", "leader": LEADER, "place": "行政楼 201", "repeat": "每月",
            "weekday": "三", "nth": "2, 4", "start": "14:30", "end": "16:30:00",
            "capacity": "5", "cutoff": "2 12:00", "holiday_policy": "顺延",
            "accompany": f"{M1}、{M2}", "contact_unit": "C1"}


def data(schedule: dict[str, str] | None = None, dates: list[dict[str, str]] | None = None,
         contact: str = "C1、B1") -> dict[str, list[dict[str, str]]]:
    d = copy.deepcopy(BASE)
    d["people"].append({**d["people"][1], "number": LEADER, "name": "校领导"})
    for r in d["roles"]:
        r["contact_units"] = ""
    d["roles"].append({"number": LEADER, "role": "leader", "unit_code": "U",
                       "contact_units": contact})
    d["reception"] = [{**SCHEDULE, **(schedule or {})}]
    d["reception_dates"] = dates or []
    return d


def test_good_sheets_become_schedules_overrides_and_contact_units() -> None:
    roster = validate_roster(sheets(data(dates=[
        {"schedule": "R1", "date": "2026-10-14", "action": "改期", "new_date": "2026-10-15",
         "start": "", "end": ""},
        {"schedule": "R1", "date": "2026-11-11", "action": "cancel", "new_date": "",
         "start": "", "end": ""}])))
    assert roster.reception is not None
    [s] = roster.reception
    assert (s.code, s.leader, s.place, s.start, s.end, s.capacity) == \
        ("R1", LEADER, "行政楼 201", time(14, 30), time(16, 30), 5)
    assert (s.recurrence.frequency, s.recurrence.weekdays, s.recurrence.nths) == \
        (Frequency.MONTHLY, (2,), (2, 4))
    assert (s.cutoff, s.holiday_policy, s.accompany, s.contact_unit) == \
        (Cutoff(2, time(12)), HolidayPolicy.NEXT, (M1, M2), "C1")
    assert [(o.day, o.action, o.new_day) for o in roster.reception_dates] == [
        (date(2026, 10, 14), OverrideAction.MOVE, date(2026, 10, 15)),
        (date(2026, 11, 11), OverrideAction.CANCEL, None)]
    assert roster.contact_units == ((LEADER, "C1"), (LEADER, "B1"))


def test_without_the_sheets_nothing_about_reception_is_touched() -> None:
    roster = validate_roster(sheets(copy.deepcopy(BASE)))
    assert (roster.reception, roster.reception_dates, roster.contact_units) == (None,) * 3


def test_bad_rows_name_sheet_line_and_column() -> None:
    found = problems(data({"leader": M1, "weekday": "八", "end": "14:00", "capacity": "0",
                           "holiday_policy": "maybe", "accompany": "404"},
                          [{"schedule": "R9", "date": "2026-13-01", "action": "move",
                            "new_date": "", "start": "", "end": ""}],
                          contact="F1"))
    assert [(sheet, line, column) for sheet, line, column, _ in found] == [
        ("roles", 5, "contact_units"),
        ("reception", 2, "leader"), ("reception", 2, "weekday"), ("reception", 2, "end"),
        ("reception", 2, "capacity"), ("reception", 2, "holiday_policy"),
        ("reception", 2, "accompany"),
        ("reception_dates", 2, "schedule"), ("reception_dates", 2, "date"),
        ("reception_dates", 2, "new_date")]
    reasons = {column: reason for _, _, column, reason in found}
    assert reasons["leader"] == f"'{M1}' does not hold the leader role"
    assert "a contact unit is a college or a branch" in reasons["contact_units"]
    assert reasons["schedule"] == "unknown schedule code 'R9' (not in sheet 'reception')"


def test_a_bad_rule_is_reported_on_the_repeat_column() -> None:
    found = problems(data({"repeat": "weekly", "nth": "2"}))
    assert found == [("reception", 2, "repeat",
                      "a weekly rule takes no nth weekday and no day of the month")]
    assert problems(data({"repeat": "monthly", "weekday": "", "nth": "", "month_day": "32"}))[0][3] \
        == "the day of the month must be 1..31 or -1 (the last), not 32"
