"""The roster's destructive parts, in storage (issue 16): a change is computed in its
transaction and held back on request with nothing written; its report names who goes;
``partial`` takes nothing away; ``deactivate_people`` deactivates exactly the listed;
deactivated people's codes are cancelled and binding them is refused; a codes file that
cannot be written cancels and stores nothing. On SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.errors import BindingError
from core.people.binding import BindingLimits, bind_identity
from core.people.roster import Roster
from core.people.roster_validation import validate_roster
from locales import Catalog
from storage.people.roster import (
    UnknownPeople, apply_roster, deactivate_people, issue_and_write, issue_codes, read_roster,
)
from storage.people.roster.diff import Move, Named, PersonRef, RoleRef
from storage.store import SqlStore
from storage.tables import (
    Base, BindingCode, CalendarOverride, LeaderContactUnit, Person, ReceptionSchedule,
    ResponsibilityZone, RoleAssignment,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=30)
PLAIN = "2023010103"  # 赵子涵, a student of ACC-S1 with no role and no zone
MOVER = "2023010104"  # 吴子涵, moved from ACC-S1 to ECO-S1
STUDENTS = ["2023010103", "2023010104", "2022010203", "2022010204", "2023020103",
            "2023020104"]  # six without role or zone: 12% of the 50 people
TTL = timedelta(days=7)


def load() -> Roster:
    return validate_roster(read_roster(EXAMPLE))


def without(roster: Roster, numbers: list[str]) -> Roster:
    return dataclasses.replace(roster, people=tuple(p for p in roster.people
                                                    if p.number not in numbers))


async def every_row(sf: Any) -> dict[str, list[tuple]]:
    async with sf() as s:
        return {t.name: [tuple(r) for r in await s.execute(
            select(t).order_by(*t.primary_key.columns))] for t in Base.metadata.sorted_tables}


async def count(sf: Any, stmt: Any) -> int:
    async with sf() as s:
        return (await s.execute(select(func.count()).select_from(stmt))).scalar_one()


async def active(sf: Any, numbers: list[str]) -> dict[str, bool]:
    async with sf() as s:
        return dict((await s.execute(select(Person.number, Person.active).where(
            Person.number.in_(numbers)))).tuples().all())


def _edited(roster: Roster) -> Roster:
    """PLAIN gone, MOVER moved, a crisis_team role and the zone Z-B3-LOG removed."""
    roster = without(roster, [PLAIN])
    return dataclasses.replace(
        roster,
        people=tuple(dataclasses.replace(p, unit_code="ECO-S1") if p.number == MOVER else p
                     for p in roster.people),
        roles=tuple(r for r in roster.roles
                    if not (r.number == "9001000003" and r.role.value == "crisis_team")),
        zones=tuple(z for z in roster.zones if z.code != "Z-B3-LOG"))


async def test_a_held_back_change_writes_nothing_and_its_report_names_who(sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    before = await every_row(sf)
    seen = []
    report = await apply_roster(sf, _edited(load()), now=T1,
                                decide=lambda r: seen.append(r.takes_away) or False)
    assert seen == [True] and not report.applied
    assert await every_row(sf) == before
    ch = report.changes
    assert ch.deactivated_people == [PersonRef(PLAIN, "赵子涵", "ACC-S1")]
    assert ch.moved == [Move(MOVER, "吴子涵", "ACC-S1", "ECO-S1")]
    assert [(r.number, r.role, r.unit) for r in ch.removed_roles] == [
        ("9001000003", "crisis_team", "ACC")]
    assert isinstance(ch.removed_roles[0], RoleRef)
    assert [z.code for z in ch.deactivated_zones] == ["Z-B3-LOG"]
    assert isinstance(ch.deactivated_zones[0], Named)
    assert (report.people.deactivated, report.people.updated, report.roles.removed,
            report.zones.deactivated) == (1, 1, 1, 1)
    assert ch.active_before == {"units": 16, "people": 50, "zones": 22}
    assert report.over_share(0.10) == []

    # The same change, let through: written, and the same diff.
    again = await apply_roster(sf, _edited(load()), now=T1,
                               decide=lambda r: r.fingerprint() == report.fingerprint())
    assert again.applied
    assert await active(sf, [PLAIN, MOVER]) == {PLAIN: False, MOVER: True}


async def test_an_import_that_only_adds_and_updates_takes_nothing_away(sf: Any) -> None:
    await apply_roster(sf, without(load(), [PLAIN]), now=T0)
    report = await apply_roster(sf, load(), now=T1, decide=lambda r: not r.takes_away)
    assert report.applied and report.people.created == 1 and not report.takes_away


async def test_over_the_share_is_named_per_kind(sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    report = await apply_roster(sf, without(load(), STUDENTS), now=T1, decide=lambda r: False)
    assert report.over_share(0.10) == [("people", 6, 50)]
    assert report.over_share(0.15) == []


async def test_deactivating_cancels_the_unused_codes_and_binding_them_is_refused(
        sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    codes = {c.person_number: c.code for c in await issue_codes(sf, now=T0, ttl=TTL)}
    report = await apply_roster(sf, without(load(), [PLAIN]), now=T1)
    assert report.applied and report.changes.codes_cancelled == 1
    async with sf() as s:
        revoked = set((await s.execute(select(Person.number).join(
            BindingCode, BindingCode.person_id == Person.id).where(
            BindingCode.revoked_at.is_not(None)))).scalars())
    assert revoked == {PLAIN}

    async with sf() as s, s.begin():
        store = SqlStore(s)
        ident = await store.upsert_identity("telegram", "77", "77", username=None,
                                            display_name=None, now=T1)
        with pytest.raises(BindingError) as refused:
            await bind_identity(store, ident, codes[PLAIN], now=T1, limits=BindingLimits())
    assert refused.value.key == "bind.inactive"
    text = Catalog.load().render_plain("zh_CN", refused.value.key)
    assert "停用" in text and "不能绑定" in text


async def test_an_inactive_persons_uncancelled_code_still_binds_nobody(sf: Any) -> None:
    # A code left from before codes were cancelled on deactivation.
    await apply_roster(sf, load(), now=T0)
    (code,) = await issue_codes(sf, now=T0, ttl=TTL, person_numbers=[PLAIN])
    async with sf() as s, s.begin():
        (await s.scalars(select(Person).where(Person.number == PLAIN))).one().active = False
    async with sf() as s, s.begin():
        store = SqlStore(s)
        ident = await store.upsert_identity("telegram", "78", "78", username=None,
                                            display_name=None, now=T1)
        with pytest.raises(BindingError) as refused:
            await bind_identity(store, ident, code.code, now=T1, limits=BindingLimits())
    assert refused.value.key == "bind.inactive"


async def test_partial_adds_and_updates_and_takes_nothing_away(sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    full = load()
    plain = next(p for p in full.people if p.number == PLAIN)
    new = dataclasses.replace(plain, number="2025010101", name="新同学")
    freshmen = dataclasses.replace(
        full, people=(dataclasses.replace(plain, name="改名后"), new), roles=(), zones=(),
        contact_units=(), reception=None, reception_dates=(), calendar=None)
    roles, zones = await count(sf, RoleAssignment), await count(sf, ResponsibilityZone)
    pairs = await count(sf, LeaderContactUnit)
    report = await apply_roster(sf, freshmen, now=T1, partial=True,
                                decide=lambda r: not r.takes_away)
    assert report.applied
    assert (report.people.created, report.people.updated, report.people.deactivated) == (1, 1, 0)
    assert not report.takes_away and report.changes.deactivated_people == []
    async with sf() as s:
        assert (await s.execute(select(func.count()).select_from(Person).where(
            Person.active.is_(False)))).scalar_one() == 0
    assert (await count(sf, RoleAssignment), await count(sf, LeaderContactUnit)) == (roles, pairs)
    async with sf() as s:
        assert (await s.execute(select(func.count()).select_from(ResponsibilityZone).where(
            ResponsibilityZone.active.is_(True)))).scalar_one() == zones


async def test_missing_optional_sheets_leave_their_data_and_present_ones_are_in_the_diff(
        sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    days, pairs = await count(sf, CalendarOverride), await count(sf, LeaderContactUnit)
    assert days and pairs
    bare = dataclasses.replace(load(), calendar=None, reception=None, reception_dates=(),
                               contact_units=None)
    report = await apply_roster(sf, bare, now=T1, decide=lambda r: not r.takes_away)
    assert report.applied and not report.changed
    assert (report.calendar, report.reception, report.changes.contact_units) == (None,) * 3
    assert (await count(sf, CalendarOverride), await count(sf, LeaderContactUnit)) == (
        days, pairs)
    async with sf() as s:
        assert all((await s.execute(select(ReceptionSchedule.active))).scalars())

    full = load()
    assert full.reception is not None and full.contact_units is not None
    fewer = dataclasses.replace(
        full, reception=tuple(r for r in full.reception if r.code == "R-LEADER1"),
        contact_units=full.contact_units[:1])
    held = await apply_roster(sf, fewer, now=T1, decide=lambda r: not r.takes_away)
    assert not held.applied and held.takes_away
    assert held.reception is not None and held.reception.deactivated == 1
    assert held.changes.contact_units is not None
    assert held.changes.contact_units.removed == 1
    assert dict(held.sheets())["calendar"].unchanged == days


async def test_deactivate_people_deactivates_exactly_those(sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    await issue_codes(sf, now=T0, ttl=TTL)
    before = await every_row(sf)
    with pytest.raises(UnknownPeople) as unknown:
        await deactivate_people(sf, [PLAIN, "0000000000"], now=T1)
    assert unknown.value.numbers == ["0000000000"]
    held = await deactivate_people(sf, [PLAIN, MOVER], now=T1, decide=lambda r: False)
    assert not held.applied and await every_row(sf) == before
    assert [p.number for p in held.changes.deactivated_people] == [PLAIN, MOVER]

    done = await deactivate_people(sf, [PLAIN, MOVER, PLAIN], now=T1)
    assert done.applied and (done.people.deactivated, done.changes.codes_cancelled) == (2, 2)
    async with sf() as s:
        gone = set((await s.execute(select(Person.number).where(
            Person.active.is_(False)))).scalars())
    assert gone == {PLAIN, MOVER}
    again = await deactivate_people(sf, [PLAIN], now=T1)
    assert (again.people.deactivated, again.people.unchanged) == (0, 1)


async def test_a_codes_file_that_cannot_be_written_cancels_and_stores_nothing(
        sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    first = await issue_and_write(sf, now=T0, ttl=TTL, person_numbers=[PLAIN])
    assert first.cancelled == 0
    before = await every_row(sf)

    def fail(_issue: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        await issue_and_write(sf, now=T1, ttl=TTL, before_commit=fail)
    assert await every_row(sf) == before
    again = await issue_and_write(sf, now=T1, ttl=TTL, person_numbers=[PLAIN, MOVER])
    assert again.cancelled == 1 and len(again.codes) == 2
