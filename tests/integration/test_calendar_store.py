"""Calendar overrides in the database (SQLite, and PostgreSQL with XQ_TEST_DATABASE_URL):
set, clear and list by range; the roster's calendar sheet replacing what an earlier sheet
set and keeping what a command set; a bad row changing nothing; the periodic reload."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from bot.workcalendar import ChinaWorkCalendar
from core.calendar.days import check_range
from core.errors import InputError
from core.people.roster import RosterInvalid
from core.people.roster_validation import validate_roster
from scheduler.calendar_refresh import refresh_calendar
from storage.calendar.overrides import clear_overrides, list_overrides, load_overrides, \
    set_overrides
from storage.people.roster import apply_roster, read_roster
from storage.tables import AuditLog

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
WINTER = [date(2027, 1, 18) + timedelta(days=n) for n in range(34)]  # 01-18..02-20


async def _rows(sf) -> list[tuple[str, bool, str, str]]:  # noqa: ANN001
    return [(o.day.isoformat(), o.working, o.label, o.source) for o in await list_overrides(sf)]


async def test_set_clear_and_list_by_range(sf) -> None:  # noqa: ANN001
    assert await set_overrides(sf, date(2026, 12, 28), date(2026, 12, 31), working=False,
                               label="考试周", now=T0) == 4
    assert await set_overrides(sf, date(2027, 1, 9), date(2027, 1, 9), working=True,
                               label="补班", now=T0) == 1
    # Setting over existing days replaces them (no duplicate key), in one transaction.
    assert await set_overrides(sf, date(2026, 12, 31), date(2027, 1, 1), working=False,
                               label="元旦", now=T0) == 2
    assert await _rows(sf) == [
        ("2026-12-28", False, "考试周", "command"), ("2026-12-29", False, "考试周", "command"),
        ("2026-12-30", False, "考试周", "command"), ("2026-12-31", False, "元旦", "command"),
        ("2027-01-01", False, "元旦", "command"), ("2027-01-09", True, "补班", "command")]
    assert [o.day.day for o in await list_overrides(sf, date(2026, 12, 30), date(2026, 12, 31))] \
        == [30, 31]
    assert await clear_overrides(sf, date(2026, 12, 30), date(2027, 1, 5), now=T0) == 3
    assert await load_overrides(sf) == {date(2026, 12, 28): False, date(2026, 12, 29): False,
                                        date(2027, 1, 9): True}
    async with sf() as s:
        audits = [a.detail for a in await s.scalars(
            select(AuditLog).where(AuditLog.kind == "calendar_override").order_by(AuditLog.id))]
    assert [(a["action"], a["from"], a["to"], a["days"]) for a in audits] == [
        ("closed", "2026-12-28", "2026-12-31", 4), ("open", "2027-01-09", "2027-01-09", 1),
        ("closed", "2026-12-31", "2027-01-01", 2), ("clear", "2026-12-30", "2027-01-05", 3)]


async def test_a_bad_range_writes_nothing(sf) -> None:  # noqa: ANN001
    for first, last in ((date(2027, 2, 1), date(2027, 1, 1)),
                        (date(2027, 1, 1), date(2028, 1, 2))):
        with pytest.raises(InputError):
            await set_overrides(sf, first, last, working=False, label="", now=T0)
        with pytest.raises(InputError):
            check_range(first, last)
    assert await _rows(sf) == []


def _edited(tmp_path: Path, rows: list[list[str]] | None, name: str) -> Path:
    """The example workbook with its calendar sheet's rows replaced (None: sheet removed)."""
    book = openpyxl.load_workbook(EXAMPLE)
    ws = book["calendar"]
    if rows is None:
        book.remove(ws)
    else:
        ws.delete_rows(2, ws.max_row)
        for row in rows:
            ws.append(row)
    out = tmp_path / name
    book.save(out)
    return out


async def test_roster_sheet_replaces_its_own_overrides_and_keeps_commands(sf, tmp_path) -> None:  # noqa: ANN001
    report = await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    assert report.as_dict()["calendar"] == {"created": 35, "updated": 0, "unchanged": 0,
                                            "deactivated": 0, "removed": 0}
    rows = await _rows(sf)
    assert rows[0] == ("2027-01-18", False, "寒假", "sheet") and len(rows) == 35
    assert [r[0] for r in rows[:34]] == [d.isoformat() for d in WINTER]
    assert rows[-1] == ("2027-02-28", True, "开学报到（补班）", "sheet")
    # An operator corrects two days by command; the next sheet must not undo them.
    await set_overrides(sf, date(2027, 1, 20), date(2027, 1, 20), working=True,
                        label="值班", now=T0)
    await set_overrides(sf, date(2027, 3, 1), date(2027, 3, 1), working=False,
                        label="校庆", now=T0)

    shorter = _edited(tmp_path, [["2027-01-19", "2027-02-20", "停课", "寒假"],
                                 ["2027-02-27", "", "补班", ""]], "shorter.xlsx")
    again = await apply_roster(sf, validate_roster(read_roster(shorter)), now=T0)
    # 01-18 and 02-28 are gone; 01-20 stays the command's; 02-27 is new.
    assert again.as_dict()["calendar"] == {"created": 1, "updated": 0, "unchanged": 33,
                                           "deactivated": 0, "removed": 2}
    assert again.changed
    now = {r[0]: r for r in await _rows(sf)}
    assert "2027-01-18" not in now and "2027-02-28" not in now
    assert now["2027-01-19"] == ("2027-01-19", False, "寒假", "sheet")
    assert now["2027-01-20"] == ("2027-01-20", True, "值班", "command")
    assert now["2027-02-27"] == ("2027-02-27", True, "", "sheet")
    assert now["2027-03-01"] == ("2027-03-01", False, "校庆", "command")
    assert len(now) == 33 + 1 + 1

    # Without the sheet, nothing changes; an empty sheet removes only the sheet's days.
    absent = await apply_roster(sf, validate_roster(read_roster(
        _edited(tmp_path, None, "absent.xlsx"))), now=T0)
    assert "calendar" not in absent.as_dict()
    assert len(await _rows(sf)) == 35
    await apply_roster(sf, validate_roster(read_roster(_edited(tmp_path, [], "empty.xlsx"))),
                       now=T0)
    assert await _rows(sf) == [("2027-01-20", True, "值班", "command"),
                               ("2027-03-01", False, "校庆", "command")]


async def test_a_calendar_sheet_with_a_bad_row_changes_nothing(sf, tmp_path) -> None:  # noqa: ANN001
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    before = await _rows(sf)
    bad = _edited(tmp_path, [["2027-07-01", "2027-08-31", "closed", "暑假"],
                             ["2027-02-30", "", "closed", "坏日期"]], "bad.xlsx")
    with pytest.raises(RosterInvalid) as caught:
        validate_roster(read_roster(bad))
    assert [(p.sheet, p.line, p.column) for p in caught.value.problems] == \
        [("calendar", 3, "from")]
    assert caught.value.problems[0].params["value"] == "2027-02-30"
    assert await _rows(sf) == before


async def test_the_periodic_reload_brings_the_table_into_the_process_calendar(sf) -> None:  # noqa: ANN001
    cal = ChinaWorkCalendar(overrides={date(2026, 12, 25): False})
    await set_overrides(sf, date(2026, 12, 28), date(2026, 12, 28), working=False, label="",
                        now=T0)
    assert await refresh_calendar(sf, cal) == 1
    assert cal.overrides == {date(2026, 12, 28): False}  # the stale 12-25 is gone
    assert cal.decide(date(2026, 12, 28)) == (False, "override")
