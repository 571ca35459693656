"""The roster diff's lists in storage: ``roster deactivate`` names the reception schedules
and contact units that go with a leader, and every list read from a whole table is in
number or code order, whatever the order of the list file or the table; on screen, a
seeding (no --report) says only how many more. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.roster_diff_text import DiffText
from core.people.roster_validation import validate_roster
from locales import Catalog
from storage.people.roster import apply_roster, deactivate_people, read_roster
from storage.people.roster.diff import ImportReport, PersonRef, ScheduleRef

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)
LEADER = "9200000001"  # 李雨桐: leads R-LEADER1 and V-LEADER1-INF, contact units ACC, INF
#: party members of ACC-S1 with zones (members of Z-ACC-2023-ACA, Z-B1-LOG, Z-ACC-2022-ACA,
#: Z-B2-LOG, ...; 9001000003 has four roles), listed out of order
LEAVERS = ["2023010102", "9001000003", "2022010201", LEADER, "2023010101"]


async def test_a_deactivation_names_what_goes_with_the_people_in_order(sf: Any) -> None:
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    report = await deactivate_people(sf, LEAVERS, now=T0, decide=lambda _r: False)
    assert not report.applied
    ch = report.changes
    assert [p.number for p in ch.deactivated_people] == sorted(LEAVERS)
    assert ch.deactivated_schedules == [
        ScheduleRef("R-LEADER1", LEADER, "李雨桐", "行政楼 201"),
        ScheduleRef("V-LEADER1-INF", LEADER, "李雨桐", "信息工程学院 学术报告厅")]
    assert ch.removed_contacts == [PersonRef(LEADER, "李雨桐", "ACC"),
                                   PersonRef(LEADER, "李雨桐", "INF")]
    roles = [(r.number, r.role, r.unit) for r in ch.removed_roles]
    assert len(roles) == 8 and roles == sorted(roles)
    zones = [z.code for z in ch.deactivated_zones]
    assert zones[:2] == ["Z-ACC-2022-ACA", "Z-ACC-2023-ACA"] and zones == sorted(zones)
    deputies = [z.code for z in ch.cleared_deputies]
    assert deputies and deputies == sorted(deputies)
    assert (report.reception.deactivated if report.reception else 0) == 2


def _fifty_created() -> ImportReport:
    report = ImportReport()
    report.people.created = 50
    report.changes.created_people = [PersonRef(f"2025{i:06d}", "新同学", "ACC-S1")
                                     for i in range(50)]
    return report


def test_a_seeding_says_how_many_more_without_pointing_to_a_report() -> None:
    catalog = Catalog.load()
    seeding = DiffText(catalog, "zh_CN", reportable=False).lines(_fifty_created())
    assert seeding[-1] == "  ……另有 40 项" and not any("--report" in line for line in seeding)
    english = DiffText(catalog, "en", reportable=False).lines(_fifty_created())
    assert english[-1] == "  … and 40 more"
    imported = DiffText(catalog, "zh_CN").lines(_fifty_created())
    assert imported[-1] == "  ……另有 40 项（完整名单见 --report 报告）"
