"""A main sheet missing from the file leaves its data (issue 16, review): its references
are checked against what the database holds (``known_roster``), its rows are untouched
and it is not in the diff; without the database's base a missing sheet is still refused.
On SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.people.roster import RosterInvalid, RosterRow, RosterSheets
from core.people.roster_validation import validate_roster
from storage.people.roster import apply_roster, known_roster, read_roster
from storage.tables import OrgUnit, ResponsibilityZone, RoleAssignment

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=1)
MEMBER = "2023010102"  # 党员 of ACC-S1: member of Z-B2-LOG, deputy of Z-ACC-2023-ACA


def only(*keep: str, people: list[dict[str, str]] | None = None) -> RosterSheets:
    """The example's sheets ``keep``; ``people`` rows added to its people sheet."""
    sheets = read_roster(EXAMPLE)
    for name in [n for n in sheets if n not in keep]:
        del sheets[name]
    rows = sheets.get("people", [])
    header = rows[0].values if rows else {}
    for i, values in enumerate(people or ()):
        rows.append(RosterRow(rows[0].sheet, len(rows) + 2 + i,
                              {**dict.fromkeys(header, ""), **values}))
    return sheets


async def state(sf: Any) -> tuple[int, int, int]:
    async with sf() as s:
        return tuple([(await s.execute(select(func.count()).select_from(t).where(*w)))
                      .scalar_one() for t, w in (
                          (OrgUnit, (OrgUnit.active.is_(True),)), (RoleAssignment, ()),
                          (ResponsibilityZone, (ResponsibilityZone.active.is_(True),)))])


async def test_a_people_only_file_is_checked_against_the_database(sf: Any) -> None:
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    before = await state(sf)
    freshman = {"number": "2026010101", "name": "新同学", "kind": "student",
                "unit_code": "ACC-S1"}
    with pytest.raises(RosterInvalid) as refused:  # no base: the sheets are required
        validate_roster(only("people", people=[freshman]))
    assert {p.key for p in refused.value.problems} == {"roster_problem.missing_sheet"}

    known = await known_roster(sf)
    assert MEMBER in known.party and known.units["ACC-S1"].value == "branch"
    roster = validate_roster(only("people", people=[freshman]), known)
    assert roster.missing == {"units", "roles", "zones"}
    report = await apply_roster(sf, roster, now=T1, partial=True,
                                decide=lambda r: not r.takes_away)
    assert report.applied and report.people.created == 1
    assert [sheet for sheet, _ in report.sheets()] == ["people"]
    assert await state(sf) == before

    with pytest.raises(RosterInvalid) as unknown:
        validate_roster(only("people", people=[{**freshman, "unit_code": "NOPE"}]), known)
    assert [(p.key, p.params) for p in unknown.value.problems] == [
        ("roster_problem.unknown_unit", {"value": "NOPE"})]


async def test_zones_without_people_and_roles_sheets_use_the_stored_party_members(
        sf: Any) -> None:
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    known = await known_roster(sf)
    zones = validate_roster(only("zones"), known)
    assert zones.missing == {"units", "people", "roles"} and len(zones.zones) == 22
    report = await apply_roster(sf, zones, now=T1, decide=lambda r: not r.takes_away)
    assert report.applied and not report.changed

    sheets = only("zones")
    first = sheets["zones"][0]
    sheets["zones"][0] = dataclasses.replace(
        first, values={**first.values, "member_number": "2023010103"})  # not a party member
    with pytest.raises(RosterInvalid) as refused:
        validate_roster(sheets, known)
    assert [p.key for p in refused.value.problems] == ["roster_problem.member_not_party"]


async def test_a_people_file_without_partial_shows_what_goes_with_the_people_left_out(
        sf: Any) -> None:
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    sheets = only("people")
    sheets["people"] = [r for r in sheets["people"] if r.values["number"] != MEMBER]
    roster = validate_roster(sheets, await known_roster(sf))
    report = await apply_roster(sf, roster, now=T1, decide=lambda r: False)
    assert not report.applied and report.takes_away
    shown = dict(report.sheets())
    assert set(shown) == {"people", "roles", "zones"}  # roles and zones: only what goes
    assert (shown["people"].deactivated, shown["roles"].removed,
            shown["zones"].deactivated, shown["zones"].updated) == (1, 1, 1, 1)
