"""`roster export` (issue 16): the stored roster as an import file, on SQLite and
PostgreSQL. Importing an export unchanged changes nothing (the storage-level apply's own
counts say so); deactivated people are left out; the workbook is the template's format."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl

from core.people.roster import Roster
from core.people.roster_validation import validate_roster
from storage.people.roster import apply_roster, read_roster
from storage.people.roster.export import COLUMNS, roster_tables
from storage.people.roster.workbook import write_roster_workbook

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=1)
PLAIN = "2023010103"  # a student with no role and no zone


async def export(sf, path: Path) -> Path:  # noqa: ANN001
    tables = await roster_tables(sf)
    write_roster_workbook(path, {sheet: (COLUMNS[sheet], rows) for sheet, rows in tables.items()})
    return path


def same_data(a: Roster, b: Roster) -> None:
    """Equal rosters, rows in any order (roles and contact units are stored as sets)."""
    assert (a.units, a.people, a.zones) == (b.units, b.people, b.zones)
    assert set(a.roles) == set(b.roles)
    assert set(a.contact_units or ()) == set(b.contact_units or ())
    assert (a.calendar, a.reception, a.reception_dates) == \
        (b.calendar, b.reception, b.reception_dates)


async def test_an_export_of_the_example_imports_again_changing_nothing(sf, tmp_path):
    example = validate_roster(read_roster(EXAMPLE))
    assert (await apply_roster(sf, example, now=T0)).changed
    again = validate_roster(read_roster(await export(sf, tmp_path / "export.xlsx")))
    assert again.warnings == ()
    same_data(again, example)
    report = await apply_roster(sf, again, now=T1)
    counts = report.as_dict()
    assert set(counts) == set(COLUMNS)
    assert not report.changed, counts
    assert {sheet: (c["created"], c["updated"], c["deactivated"], c["removed"])
            for sheet, c in counts.items()} == dict.fromkeys(COLUMNS, (0, 0, 0, 0))


async def test_an_export_leaves_out_deactivated_people_and_still_changes_nothing(sf, tmp_path):
    example = validate_roster(read_roster(EXAMPLE))
    await apply_roster(sf, example, now=T0)
    without = dataclasses.replace(example, people=tuple(p for p in example.people
                                                       if p.number != PLAIN))
    assert (await apply_roster(sf, without, now=T1)).people.deactivated == 1
    tables = await roster_tables(sf)
    assert PLAIN not in [row[0] for row in tables["people"]]
    assert len(tables["people"]) == len(example.people) - 1
    again = validate_roster(read_roster(await export(sf, tmp_path / "export.xlsx")))
    assert not (await apply_roster(sf, again, now=T1 + timedelta(hours=1))).changed


async def test_the_export_is_the_template_format_text_columns_and_drop_downs(sf, tmp_path):
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    book = openpyxl.load_workbook(await export(sf, tmp_path / "export.xlsx"))
    assert book.sheetnames == ["说明", *COLUMNS]
    people = book["people"]
    assert [c.value for c in people[1]] == list(COLUMNS["people"])
    assert people["A2"].data_type == "s" and people["A2"].number_format == "@"
    assert people.column_dimensions["A"].number_format == "@"  # rows typed later too
    drop_downs = {str(dv.sqref): dv.formula1 for dv in people.data_validations.dataValidation}
    assert drop_downs == {"C2:C5001": '"student,staff"'}
    roles = {str(dv.sqref).split(":")[0]: dv for dv in book["roles"].data_validations.dataValidation}
    assert "party_member" in roles["B2"].formula1 and "党员" in roles["B2"].prompt
    assert not roles["B2"].showErrorMessage  # 党员 typed instead of the code is accepted
