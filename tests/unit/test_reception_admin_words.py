"""/receptions' words without a database: the sub-commands and their arguments, key=value
columns (values with spaces, quotes, full-width =), a stored schedule written back as the
sheet's row and read again unchanged, and a rule shown in words in both languages."""
from __future__ import annotations

from datetime import date, time

import pytest

from core.errors import InputError
from core.model import UnitKind
from core.people.roster import RosterRow
from core.people.roster_reception import reception_entries
from core.reception.admin_parse import AdminRequest, parse_request, parse_values, sheet_values
from core.reception.schedule import Cutoff, Frequency, HolidayPolicy, Recurrence, Schedule
from handlers.reception.admin_lines import rule_words
from locales import Catalog

CATALOG = Catalog.load()


def test_sub_commands_and_their_arguments() -> None:
    assert parse_request("") == AdminRequest("list") == parse_request("列表")
    assert parse_request("move R-1 2026-10-14 2026/10/16 9:00～11:30") == AdminRequest(
        "move", "R-1", date(2026, 10, 14), date(2026, 10, 16), time(9), time(11, 30))
    assert parse_request("加开 R-1 2026-10-20") == AdminRequest("extra", "R-1",
                                                               date(2026, 10, 20))
    assert parse_request("停用 R-1") == AdminRequest("remove", "R-1")
    assert parse_request("edit R-1 capacity=8").values == {"capacity": "8"}


@pytest.mark.parametrize(("arg", "key"), [
    ("later", "receptions.usage"), ("cancel R-1", "receptions.usage"),
    ("clear R-1 2026-10-14 extra", "receptions.usage"), ("edit R-1", "receptions.usage"),
    ("list all", "receptions.usage"), ("cancel R-1 14/10", "receptions.bad_date"),
    ("extra R-1 2026-10-14 9-11", "receptions.bad_times"),
    ("extra R-1 2026-10-14 11:00-11:00", "receptions.times_reversed"),
    ("add", "receptions.no_values"), ("add code R-1", "receptions.no_values"),
    ("add R-1 code=R-1", "receptions.bad_pair"), ("add code=R-1 room=3", "receptions.bad_key"),
    ("add code=R-1 CODE=R-2", "receptions.duplicate_key")])
def test_bad_arguments_get_their_own_key(arg: str, key: str) -> None:
    with pytest.raises(InputError) as err:
        parse_request(arg)
    assert err.value.key == key


def test_values_run_to_the_next_key_and_lose_their_quotes() -> None:
    assert parse_values("code=R-2 place=“图书馆 3 楼” cutoff＝2 12:00 weekday=一、三") == {
        "code": "R-2", "place": "图书馆 3 楼", "cutoff": "2 12:00", "weekday": "一、三"}


def test_a_schedule_written_as_the_sheet_row_reads_back_the_same() -> None:
    s = Schedule("R-9", "9200000001", "行政楼 201", time(14, 30), time(16, 30),
                 Recurrence(Frequency.MONTHLY, (2,), (2, -1), interval=2,
                            starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 15)),
                 capacity=4, cutoff=Cutoff(2, time(12)), holiday_policy=HolidayPolicy.NEXT,
                 accompany=("9101000001",), contact_unit="INF")
    row = RosterRow("receptions", 1, sheet_values(s))
    again, _, problems = reception_entries([row], [], {"9200000001", "9101000001"},
                                           {"9200000001"}, {"INF": UnitKind.COLLEGE})
    assert problems == [] and again == [s]


@pytest.mark.parametrize(("rule", "zh", "en"), [
    (Recurrence(Frequency.WEEKLY, (2,)), "每周三", "every Wednesday"),
    (Recurrence(Frequency.WEEKLY, (0, 2), interval=2, starts_on=date(2026, 9, 7)),
     "每 2 周的周一、周三，2026-09-07 起", "every 2 weeks on Monday, Wednesday, from 2026-09-07"),
    (Recurrence(Frequency.MONTHLY, (2,), (2, -1)), "每月第二个、最后一个周三",
     "the second, last Wednesday of each month"),
    (Recurrence(Frequency.MONTHLY, month_day=-1, ends_on=date(2027, 1, 31)),
     "每月最后一天，至 2027-01-31", "the last day of each month, until 2027-01-31"),
    (Recurrence(Frequency.MONTHLY, month_day=15, interval=3, starts_on=date(2026, 9, 15)),
     "每月 15 日（每 3 个月一次），2026-09-15 起",
     "day 15 of each month (every 3 months), from 2026-09-15")])
def test_a_rule_in_words(rule: Recurrence, zh: str, en: str) -> None:
    said = rule_words(rule)
    assert isinstance(said, dict)
    key, params = str(said["t"]), said.get("p")
    assert CATALOG.render("zh_CN", key, params if isinstance(params, dict) else None) == zh
    assert CATALOG.render("en", key, params if isinstance(params, dict) else None) == en
