"""`python -m bot calendar` as an operator (or a script) runs it: one machine-readable line
per day, corrections that show up as `override`, and refusals that write nothing."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar

from tests.e2e.test_cli import _bot

LINE_KINDS = {"workday", "weekend", "holiday", "makeup-workday"}


def _days(out: str) -> dict[str, tuple[str, str]]:
    days = {}
    for line in out.splitlines():
        day, kind, source = line.split(" ")
        days[day] = (kind, source)
    return days


def test_show_set_list_clear(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path}/cal.db"
    shown = _bot("calendar", "show", "2026", db_url=db)
    assert shown.returncode == 0, shown.stderr
    assert len(shown.stdout.splitlines()) == 365
    days = _days(shown.stdout)
    assert list(days)[0] == "2026-01-01" and list(days)[-1] == "2026-12-31"
    assert {k for k, _ in days.values()} == LINE_KINDS
    assert {s for _, s in days.values()} == {"package"}
    assert days["2026-10-01"] == ("holiday", "package")
    assert days["2026-10-03"] == ("weekend", "package")
    assert days["2026-12-28"] == ("workday", "package")
    makeup = [d for d in chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31))
              if d.weekday() == 5]  # a 调休 Saturday, as the package has it
    assert makeup, "chinese_calendar knows no make-up Saturday in 2026"
    assert days[makeup[0].isoformat()] == ("makeup-workday", "package")

    done = _bot("calendar", "set", "2026-12-28", "--closed", "--label", "考试周", db_url=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == \
        "已将 2026-12-28（共 1 天）设为停课/放假，说明：考试周。办理时限等工作日计算即刻生效。"
    opened = _bot("calendar", "set", "2026-10-10", "2026-10-11", "--open", db_url=db)
    assert opened.returncode == 0, opened.stderr
    days = _days(_bot("calendar", "show", "2026", db_url=db).stdout)
    assert days["2026-12-28"] == ("holiday", "override")
    assert days["2026-10-11"] == ("makeup-workday", "override")  # a Sunday opened
    assert days["2026-12-29"] == ("workday", "package")
    listed = _bot("calendar", "list", db_url=db)
    assert listed.stdout.splitlines() == ["2026-10-10 open command", "2026-10-11 open command",
                                          "2026-12-28 closed command 考试周"]

    cleared = _bot("calendar", "clear", "2026-10-01", "2026-10-31", db_url=db)
    assert cleared.returncode == 0 and "2 天有调整" in cleared.stdout
    assert _bot("calendar", "list", db_url=db).stdout.splitlines() == \
        ["2026-12-28 closed command 考试周"]


def test_a_year_without_package_data_says_fallback(tmp_path: Path) -> None:
    out = _bot("calendar", "show", "2030", db_url=f"sqlite+aiosqlite:///{tmp_path}/cal.db")
    assert out.returncode == 0, out.stderr
    days = _days(out.stdout)
    assert len(days) == 365 and {s for _, s in days.values()} == {"fallback"}
    assert days["2030-10-01"] == ("holiday", "fallback")
    assert days["2030-01-05"] == ("weekend", "fallback")


def test_bad_input_is_refused_in_chinese_and_writes_nothing(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path}/cal.db"
    cases = [
        (("set", "2026-02-30", "--closed"), "「2026-02-30」不是有效日期，请写成 2027-01-18 这样的格式。"),
        (("set", "2027-02-20", "2027-01-18", "--open"),
         "结束日期 2027-01-18 早于起始日期 2027-02-20，未作任何更改。"),
        (("clear", "2026-01-01", "2027-01-02"),
         "2026-01-01 至 2027-01-02 超过了 366 天，请分段设置。未作任何更改。"),
    ]
    for args, message in cases:
        out = _bot("calendar", *args, db_url=db)
        assert out.returncode == 2, (args, out.stderr)
        assert out.stderr.strip() == message and out.stdout == ""
    assert not (tmp_path / "cal.db").exists()  # refused before the database was opened
    english = _bot("calendar", "set", "tomorrow", "--closed", db_url=db,
                   XQ_APP__DEFAULT_LOCALE="en")
    assert english.returncode == 2
    assert english.stderr.strip() == "“tomorrow” is not a valid date; write it like 2027-01-18."
    assert _bot("calendar", "list", db_url=db).stdout == ""
