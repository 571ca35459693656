"""Reception days in the database (SQLite, and PostgreSQL with XQ_TEST_DATABASE_URL): the
example roster's schedule imported, its sessions materialised idempotently, a calendar
override moving one (no duplicate), a schedule dropped from the roster cancelling its
future sessions, and the iCalendar feed parsed back and compared with the rows."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from bot.reception.ics import build_ics, session_uid
from bot.reception.recurrence import RruleExpander
from bot.workcalendar import ChinaWorkCalendar
from core.people.roster_validation import validate_roster
from storage.people.roster import apply_roster, read_roster
from storage.reception.materialise import leader_sessions, materialise_sessions
from storage.tables import LeaderContactUnit, OrgUnit, ReceptionOverride, ReceptionSchedule, \
    ReceptionSession

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "roster.xlsx"
LEADER = "9200000001"
T0 = datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)
TZ = "Asia/Shanghai"


async def _rows(sf) -> list[tuple[str, str, str, str | None]]:  # noqa: ANN001
    async with sf() as s:
        rows = await s.scalars(select(ReceptionSession).join(
            ReceptionSchedule, ReceptionSchedule.id == ReceptionSession.schedule_id).where(
            ReceptionSchedule.code == "R-LEADER1").order_by(ReceptionSession.origin_day))
        return [(r.origin_day.isoformat(), r.local_date.isoformat(), r.status,
                 r.moved_from.isoformat() if r.moved_from else None) for r in rows]


async def _materialise(sf, calendar, first=date(2026, 9, 28), last=date(2026, 10, 21)):  # noqa: ANN001, ANN202
    return await materialise_sessions(sf, first=first, last=last, expander=RruleExpander(),
                                      calendar=calendar, tz=TZ, now=T0)


async def test_the_example_schedule_materialises_idempotently_and_follows_the_calendar(sf) -> None:  # noqa: ANN001
    sheets = read_roster(EXAMPLE)
    report = await apply_roster(sf, validate_roster(sheets), now=T0)
    assert report.reception is not None and report.reception.created == 2  # + the 下访
    async with sf() as s:
        sched, visit = (await s.scalars(select(ReceptionSchedule).order_by(
            ReceptionSchedule.code))).all()
        assert (sched.code, sched.place, sched.start_time, sched.end_time, sched.capacity,
                sched.holiday_policy, sched.recurrence["weekdays"]) == \
            ("R-LEADER1", "行政楼 201", time(14, 30), time(16, 30), 6, "next", [2])
        assert (sched.cutoff_days, sched.cutoff_time, len(sched.accompany)) == (1, time(16), 2)
        units = {u.id: u.code for u in await s.scalars(select(OrgUnit))}
        contacts = sorted(units[c.unit_id] for c in await s.scalars(select(LeaderContactUnit)))
        assert contacts == ["ACC", "INF"] and sched.contact_unit_id is None
        assert (visit.code, units[visit.contact_unit_id], visit.recurrence["nths"]) == \
            ("V-LEADER1-INF", "INF", [2])
        [move] = list(await s.scalars(select(ReceptionOverride)))
        assert (move.day, move.action, move.new_day) == (date(2026, 12, 30), "move",
                                                         date(2026, 12, 31))
    china = ChinaWorkCalendar()
    counts = await _materialise(sf, china)
    # Wednesday 10-07 is in the National Day holiday: postponed to Thursday 10-08.
    expected = [("2026-09-30", "2026-09-30", "scheduled", None),
                ("2026-10-07", "2026-10-08", "moved", "2026-10-07"),
                ("2026-10-14", "2026-10-14", "scheduled", None),
                ("2026-10-21", "2026-10-21", "scheduled", None)]
    # and the visit of the second Thursday of October (10-08, the first working day after
    # the holiday)
    assert await _rows(sf) == expected and counts.created == 5
    again = await _materialise(sf, china)
    assert (again.created, again.updated, again.unchanged, again.cancelled) == (0, 0, 5, 0)
    assert await _rows(sf) == expected
    # An admin closes 10-14 (校运会): the session moves to 10-15, in place.
    china.set_override(date(2026, 10, 14), False)
    moved = await _materialise(sf, china)
    assert (moved.created, moved.updated) == (0, 1)
    assert await _rows(sf) == [*expected[:2], ("2026-10-14", "2026-10-15", "moved",
                                               "2026-10-14"), expected[3]]
    async with sf() as s:
        row = (await s.scalars(select(ReceptionSession).where(
            ReceptionSession.origin_day == date(2026, 10, 14)))).one()
        assert row.starts_at == datetime(2026, 10, 15, 6, 30, tzinfo=timezone.utc)
        assert row.cutoff_at == datetime(2026, 10, 13, 8, 0, tzinfo=timezone.utc)

    # The feed, parsed back, matches the rows: UID, times, place, the holiday move.
    both = await leader_sessions(sf, LEADER, since=T0)
    assert both is not None and len(both) == 5
    [visit] = [s for s in both if s.schedule_code == "V-LEADER1-INF"]
    assert (visit.day, visit.moved_from, visit.visit_unit) == \
        (date(2026, 10, 8), None, "信息工程学院")
    [visit_event] = [e for e in Calendar.from_ical(build_ics([visit], name=LEADER, now=T0))
                     .walk() if e.name == "VEVENT"]
    assert str(visit_event["summary"]) == "下访 信息工程学院（信息工程学院 学术报告厅）"
    sessions = [s for s in both if s.schedule_code == "R-LEADER1"]
    events = [e for e in Calendar.from_ical(build_ics(sessions, name=LEADER, now=T0)).walk()
              if e.name == "VEVENT"]
    assert [str(e["uid"]) for e in events] == [session_uid(s) for s in sessions]
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in events] == \
        [(s.starts_at, s.ends_at) for s in sessions]
    assert {str(e["summary"]) for e in events} == {"领导接待日 行政楼 201"}
    assert {str(e["location"]) for e in events} == {"行政楼 201"}
    described = {str(e["uid"]): str(e.get("description", "")) for e in events}
    assert "2026-10-07" in described["R-LEADER1-2026-10-07-regular@xinqiao-reception"]
    assert described["R-LEADER1-2026-09-30-regular@xinqiao-reception"] == ""
    assert events[1].decoded("dtstart") == datetime(2026, 10, 8, 6, 30, tzinfo=timezone.utc)

    # The schedule leaves the roster: its future sessions are cancelled, not deleted.
    del sheets["reception"], sheets["reception_dates"]
    sheets["reception"] = []
    await apply_roster(sf, validate_roster(sheets), now=T0)
    gone = await _materialise(sf, china)
    assert gone.cancelled == 5
    assert [r[2] for r in await _rows(sf)] == ["cancelled"] * 4
    # Without the sheet at all, nothing about the schedules changes.
    del sheets["reception"]
    report = await apply_roster(sf, validate_roster(sheets), now=T0)
    assert report.reception is None


def test_ics_cli_refuses_an_unknown_person_and_a_non_leader(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env["XQ_DATABASE__URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    run = lambda *a: subprocess.run([sys.executable, "-m", "bot", *a], cwd=ROOT, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    assert run("roster", "import", str(EXAMPLE)).returncode == 0
    unknown = run("reception", "ics", "0000000000")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "找不到工号为 0000000000 的人员" in unknown.stderr
    student = run("reception", "ics", "2023010101")
    assert student.returncode == 1 and "不是校领导" in student.stderr
    made = run("reception", "sessions", "--weeks", "4")
    counts = re.fullmatch(r"接待日安排：新增 (\d+)，更新 0，不变 0，取消 0。\n", made.stdout)
    assert made.returncode == 0 and counts, made.stdout  # how many depends on today
    out = run("reception", "ics", LEADER)
    assert out.returncode == 0 and out.stdout.startswith("BEGIN:VCALENDAR")
    assert out.stdout.rstrip().endswith("END:VCALENDAR")
    cal = Calendar.from_ical(out.stdout)
    events = cal.walk("VEVENT")
    # Every materialised session that has not ended yet (one may have ended today).
    assert len(events) in (int(counts[1]), int(counts[1]) - 1)
    assert {str(e["summary"]) for e in events} <= {"领导接待日 行政楼 201",
                                                  "下访 信息工程学院（信息工程学院 学术报告厅）"}
