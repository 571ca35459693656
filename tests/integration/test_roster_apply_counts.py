"""apply_roster's bookkeeping over three imports of a small hand-written roster: the exact
per-sheet counts, what is deactivated and brought back, deputies, and the audit rows."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.people.roster import Roster, RosterRow
from core.people.roster_validation import validate_roster
from storage.people.roster import apply_roster
from storage.tables import AuditLog, OrgUnit, OutboxRow, Person, ResponsibilityZone
from tests.integration.test_roster_rollback import (
    T0, T1, _with_an_open_concern, _without_gone_and_renamed,
)

T2 = T1 + timedelta(days=1)
ADMIN = "9000000001"


def _sheet(name: str, header: str, *lines: str) -> list[RosterRow]:
    """Rows of one sheet, written as '|'-separated lines under a space-separated header."""
    columns = header.split()
    return [RosterRow(name, n, dict(zip(columns, line.split("|"), strict=True)))
            for n, line in enumerate(lines, 2)]


def _base() -> Roster:
    return validate_roster({
        "units": _sheet("units", "code name kind parent_code unit_class",
                        "DEMO|示范大学|university||",
                        "ACC|会计学院|college|DEMO|",
                        "ACC-S1|会计一支部|branch|ACC|student",
                        "ACC-S2|会计二支部|branch|ACC|student",
                        "LOG|后勤保障处|functional|DEMO|admin_logistics"),
        "people": _sheet("people", "number name kind unit_code dorm_building",
                         "2023000001|王一|student|ACC-S1|1号楼",
                         "2023000002|李二|student|ACC-S2|2号楼",
                         "2023000003|张三|student|ACC-S2|2号楼",
                         f"{ADMIN}|赵老师|staff|ACC|",
                         "9000000002|钱老师|staff|LOG|"),
        "roles": _sheet("roles", "number role unit_code",
                        "2023000001|party_member|ACC-S1",
                        "2023000002|party_member|ACC-S2",
                        "2023000003|party_member|ACC-S2",
                        f"{ADMIN}|party_member|ACC",
                        f"{ADMIN}|college_committee|ACC",
                        f"{ADMIN}|admin|DEMO",
                        "9000000002|party_member|LOG",
                        "9000000002|functional_contact|LOG"),
        "zones": _sheet("zones", "code name category scope value member_number deputy_number",
                        "Z-B1|1号楼|logistics|dorm_building|1号楼|2023000001|2023000002",
                        "Z-B2|2号楼|logistics|dorm_building|2号楼|2023000002|",
                        "Z-S2|二支部|student_affairs|branch|ACC-S2|2023000003|2023000001",
                        f"Z-ALL|兜底|*|college|ACC|{ADMIN}|2023000001"),
    })


def _second(base: Roster) -> Roster:
    """Units ACC-S1 and LOG, people 2023000003 and 9000000002, zones Z-B2 and Z-S2 leave;
    ACC is renamed, 2023000001 moves to the new unit ACC-S3 where 2023000004 joins, and
    Z-ALL gets 2023000004 as its deputy."""
    units = tuple(dataclasses.replace(u, name="会计学院（新）") if u.code == "ACC" else u
                  for u in base.units if u.code not in ("ACC-S1", "LOG"))
    s3 = dataclasses.replace(base.units[2], code="ACC-S3", name="会计三支部")
    people = tuple(dataclasses.replace(p, unit_code="ACC-S3") if p.number == "2023000001"
                   else p for p in base.people if p.number not in ("2023000003", "9000000002"))
    newcomer = dataclasses.replace(base.people[0], number="2023000004", name="孙四",
                                   unit_code="ACC-S3")
    roles = tuple(dataclasses.replace(r, unit_code="ACC-S3") if r.number == "2023000001"
                  else r for r in base.roles if r.number not in ("2023000003", "9000000002"))
    joined = dataclasses.replace(base.roles[0], number="2023000004", unit_code="ACC-S3")
    zones = tuple(dataclasses.replace(z, deputy_number="2023000004") if z.code == "Z-ALL"
                  else z for z in base.zones if z.code not in ("Z-B2", "Z-S2"))
    z_s3 = dataclasses.replace(base.zones[2], code="Z-S3", value="ACC-S3",
                               member_number="2023000004", deputy_number="2023000001")
    return Roster(units + (s3,), people + (newcomer,), roles + (joined,), zones + (z_s3,))


def _counts(created: int = 0, updated: int = 0, unchanged: int = 0, deactivated: int = 0,
            removed: int = 0) -> dict[str, int]:
    return {"created": created, "updated": updated, "unchanged": unchanged,
            "deactivated": deactivated, "removed": removed}


async def _state(sf) -> tuple[dict, dict, dict]:  # noqa: ANN001
    """units {code: active}, people {number: active}, zones {code: (member, deputy, active)}
    with people as their numbers, read back from the database."""
    async with sf() as s:
        units = {u.code: u.active for u in await s.scalars(select(OrgUnit))}
        people = {p.id: p for p in await s.scalars(select(Person))}
        number = {pid: p.number for pid, p in people.items()} | {None: None}
        zones = {z.code: (number[z.member_id], number[z.deputy_id], z.active)
                 for z in await s.scalars(select(ResponsibilityZone))}
    return units, {p.number: p.active for p in people.values()}, zones


async def _audits(sf) -> list[tuple]:  # noqa: ANN001
    async with sf() as s:
        rows = await s.scalars(select(AuditLog).where(AuditLog.kind == "roster_import")
                               .order_by(AuditLog.id))
        return [(a.actor_id, a.detail) for a in rows]


async def test_three_imports_count_every_row_and_audit_who_and_where(sf) -> None:  # noqa: ANN001
    base = _base()
    first = await apply_roster(sf, base, now=T0, source="first.xlsx")
    assert first.as_dict() == {"units": _counts(created=5), "people": _counts(created=5),
                               "roles": _counts(created=8), "zones": _counts(created=4)}
    units, people, zones = await _state(sf)
    assert units == dict.fromkeys(("DEMO", "ACC", "ACC-S1", "ACC-S2", "LOG"), True)
    assert people == dict.fromkeys(("2023000001", "2023000002", "2023000003", ADMIN,
                                    "9000000002"), True)
    assert zones == {"Z-B1": ("2023000001", "2023000002", True),
                     "Z-B2": ("2023000002", None, True),
                     "Z-S2": ("2023000003", "2023000001", True),
                     "Z-ALL": (ADMIN, "2023000001", True)}
    async with sf() as s:
        admin_id = (await s.scalars(select(Person.id).where(Person.number == ADMIN))).one()

    second = await apply_roster(sf, _second(base), now=T1, actor_id=admin_id,
                                source="second.xlsx")
    assert second.as_dict() == {
        "units": _counts(created=1, updated=1, unchanged=2, deactivated=2),
        "people": _counts(created=1, updated=1, unchanged=2, deactivated=2),
        "roles": _counts(created=2, unchanged=4, removed=4),
        "zones": _counts(created=1, updated=1, unchanged=1, deactivated=2)}
    units, people, zones = await _state(sf)
    assert units == {"DEMO": True, "ACC": True, "ACC-S1": False, "ACC-S2": True,
                     "LOG": False, "ACC-S3": True}
    assert people == {"2023000001": True, "2023000002": True, "2023000003": False,
                      ADMIN: True, "9000000002": False, "2023000004": True}
    assert zones == {"Z-B1": ("2023000001", "2023000002", True),
                     "Z-B2": ("2023000002", None, False),
                     "Z-S2": ("2023000003", "2023000001", False),
                     "Z-ALL": (ADMIN, "2023000004", True),
                     "Z-S3": ("2023000004", "2023000001", True)}

    third = await apply_roster(sf, base, now=T2, actor_id=admin_id)  # everything back
    assert third.as_dict() == {
        "units": _counts(updated=3, unchanged=2, deactivated=1),
        "people": _counts(updated=3, unchanged=2, deactivated=1),
        "roles": _counts(created=4, unchanged=4, removed=2),
        "zones": _counts(updated=3, unchanged=1, deactivated=1)}
    units, people, zones = await _state(sf)
    assert units == {"DEMO": True, "ACC": True, "ACC-S1": True, "ACC-S2": True,
                     "LOG": True, "ACC-S3": False}
    assert people == {"2023000001": True, "2023000002": True, "2023000003": True,
                      ADMIN: True, "9000000002": True, "2023000004": False}
    assert zones["Z-B2"] == ("2023000002", None, True)
    assert zones["Z-ALL"] == (ADMIN, "2023000001", True)
    assert zones["Z-S3"][2] is False

    assert await _audits(sf) == [
        (None, {**first.as_dict(), "source": "first.xlsx"}),
        (admin_id, {**second.as_dict(), "source": "second.xlsx"}),
        (admin_id, {**third.as_dict(), "source": None})]


async def test_a_naive_now_is_refused_before_anything_is_written() -> None:
    with pytest.raises(ValueError, match=r"^now must be timezone-aware$"):
        await apply_roster(None, _base(), now=datetime(2025, 3, 3, 9, 0))  # type: ignore[arg-type]


async def test_redispatch_notices_default_to_zh_cn(sf) -> None:  # noqa: ANN001
    """Nobody has chosen a locale: the notices of a re-dispatch caused by the import go
    out in the default locale, zh_CN, when the caller names none."""
    await _with_an_open_concern(sf)
    await apply_roster(sf, _without_gone_and_renamed(), now=T1)
    async with sf() as s:
        rows = (await s.scalars(select(OutboxRow).where(OutboxRow.created_at == T1)
                                .order_by(OutboxRow.id))).all()
    assert [(r.reply["key"], r.locale) for r in rows] == [
        ("task.new", "zh_CN"), ("concern.redispatched", "zh_CN")]
