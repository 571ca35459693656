"""/receptions' use cases in the database (SQLite, and PostgreSQL with XQ_TEST_DATABASE_URL):
the example roster's weekly schedule listed; a booked session moved (the booked person told
once per version, and a move onto a day off allowed but noted), cancelled only after a
confirmation, and restored by clearing the override; every bad input refused with its own
key; schedules added, edited and removed with the roster sheet's own checks; and what a
later roster import keeps of all that (docs/decisions/0018)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.reception.recurrence import RruleExpander
from bot.workcalendar import ChinaWorkCalendar
from core.errors import DomainError
from core.people.roster_validation import validate_roster
from core.reception import admin as A
from core.reception import booking as B
from storage.people.roster import apply_roster, read_roster
from storage.reception.materialise import materialise_sessions
from storage.tables import AuditLog, Person, ReceptionNotice, ReceptionOverride, \
    ReceptionSchedule, ReceptionSession
from storage.uow import unit_of_work

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 9, 28, 1, 0, tzinfo=timezone.utc)  # Monday 09:00 in Shanghai
ADMIN, LEADER, STUDENT = "9104000001", "9200000001", "2023010103"
CODE = "R-LEADER1"  # weekly on Wednesdays 14:30-16:30, postponed past holidays


async def _setup(sf: Any) -> tuple[dict[str, int], A.AdminSetting]:
    china = ChinaWorkCalendar()
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=T0)
    await materialise_sessions(sf, first=date(2026, 9, 28), last=date(2026, 11, 23),
                               expander=RruleExpander(), calendar=china, tz="Asia/Shanghai",
                               now=T0)
    async with sf() as s:
        ids = dict((await s.execute(select(Person.number, Person.id))).all())
    return ids, A.AdminSetting("Asia/Shanghai", china, RruleExpander(), "zh_CN")


async def _cmd(sf: Any, setting: A.AdminSetting, who: int | None, arg: str,
               confirmed: bool = False) -> A.Result:
    async with unit_of_work(sf) as uow:
        return await A.receptions_command(uow.store, person_id=who, arg=arg, now=NOW,
                                          setting=setting, confirmed=confirmed)


async def _refused(sf: Any, setting: A.AdminSetting, who: int | None, arg: str) -> str:
    async with unit_of_work(sf) as uow:  # caught inside, as the router does: audits kept
        with pytest.raises(DomainError) as err:
            await A.receptions_command(uow.store, person_id=who, arg=arg, now=NOW,
                                       setting=setting)
    return err.value.key


async def _sessions(sf: Any, day: date) -> list[tuple[str, str, str | None]]:
    async with sf() as s:
        rows = await s.scalars(select(ReceptionSession).where(
            (ReceptionSession.origin_day == day) | (ReceptionSession.local_date == day)))
        return [(r.local_date.isoformat(), r.status,
                 r.moved_from.isoformat() if r.moved_from else None) for r in rows]


async def _book(sf: Any, person: int, day: date) -> int:
    async with unit_of_work(sf) as uow:
        [session] = [s for s in await uow.store.reception_sessions(NOW, datetime(
            2026, 12, 1, tzinfo=timezone.utc)) if s.day == day]
        return (await B.book(uow.store, person, session.id, "宿舍热水", [], NOW)).booking_id


async def _told(sf: Any) -> list[tuple[str, int]]:
    async with sf() as s:
        return [(n.version.split(":")[0], n.booking_id) for n in await s.scalars(
            select(ReceptionNotice).order_by(ReceptionNotice.id))]


async def test_an_admin_lists_moves_cancels_and_clears_single_dates(sf: Any) -> None:
    ids, setting = await _setup(sf)
    admin = ids[ADMIN]
    listed = await _cmd(sf, setting, admin, "")
    assert isinstance(listed, A.Listing)
    [item] = [i for i in listed.schedules if i.record.schedule.code == CODE]
    assert item.record.schedule.code == CODE and item.record.active
    assert item.record.source == "sheet" and item.record.leader_name
    assert [s.day.isoformat() for s in item.sessions] == ["2026-09-30", "2026-10-08",
                                                          "2026-10-14"]
    assert (await _cmd(sf, setting, admin, "列表")) == listed

    booking = await _book(sf, ids[STUDENT], date(2026, 10, 14))
    moved = await _cmd(sf, setting, admin, f"move {CODE} 2026-10-14 2026-10-16 09:00-11:00")
    assert isinstance(moved, A.OverrideDone)
    assert (moved.told, moved.off_day, moved.start, moved.end) == (1, False, time(9),
                                                                   time(11))
    assert await _sessions(sf, date(2026, 10, 14)) == [("2026-10-16", "moved", "2026-10-14")]
    again = await _cmd(sf, setting, admin, f"move {CODE} 2026-10-14 2026-10-16 09:00-11:00")
    assert isinstance(again, A.OverrideDone) and again.told == 0  # the same version: once
    weekend = await _cmd(sf, setting, admin, f"改期 {CODE} 2026-10-14 2026-10-17")
    assert isinstance(weekend, A.OverrideDone)
    assert (weekend.told, weekend.off_day, weekend.start) == (1, True, time(14, 30))
    async with sf() as s:
        [row] = list(await s.scalars(select(ReceptionOverride).where(
            ReceptionOverride.day == date(2026, 10, 14))))
    assert (row.action, row.new_day, row.start_time, row.source) == (
        "move", date(2026, 10, 17), None, "command")  # replaced, not added

    # Cancelling a booked session asks first; nothing changes until confirmed.
    await _book(sf, ids[STUDENT], date(2026, 10, 21))
    ask = await _cmd(sf, setting, admin, f"cancel {CODE} 2026-10-21")
    assert ask == A.NeedsConfirm("cancel", CODE, date(2026, 10, 21), 1)
    assert await _sessions(sf, date(2026, 10, 21)) == [("2026-10-21", "scheduled", None)]
    done = await _cmd(sf, setting, admin, f"cancel {CODE} 2026-10-21", confirmed=True)
    assert isinstance(done, A.OverrideDone) and done.told == 1
    assert await _sessions(sf, date(2026, 10, 21)) == [("2026-10-21", "cancelled", None)]
    # An unbooked session is cancelled at once; an extra one added on a Saturday.
    assert isinstance(await _cmd(sf, setting, admin, f"cancel {CODE} 2026-11-04"),
                      A.OverrideDone)
    extra = await _cmd(sf, setting, admin, f"extra {CODE} 2026-10-24 10:00-11:30")
    assert isinstance(extra, A.OverrideDone) and extra.off_day and extra.told == 0
    assert await _sessions(sf, date(2026, 10, 24)) == [("2026-10-24", "scheduled", None)]

    # Clearing restores the planned sessions; their booked people are told once more.
    cleared = await _cmd(sf, setting, admin, f"clear {CODE} 2026-10-14")
    assert isinstance(cleared, A.OverrideDone) and cleared.told == 1
    assert await _sessions(sf, date(2026, 10, 14)) == [("2026-10-14", "scheduled", None)]
    assert [v for v, b in await _told(sf) if b == booking] == ["moved", "moved", "moved"]
    assert [v for v, _ in await _told(sf)] == ["moved", "moved", "cancelled", "moved"]

    async with sf() as s:
        audits = [(a.kind, a.detail.get("action")) for a in await s.scalars(
            select(AuditLog).where(AuditLog.kind == "reception_override")
            .order_by(AuditLog.id))]
    assert [a for _, a in audits] == ["move", "move", "move", "cancel", "cancel", "extra",
                                      "clear"]


async def test_bad_input_gets_its_own_key_and_a_non_admin_is_refused(sf: Any) -> None:
    ids, setting = await _setup(sf)
    admin = ids[ADMIN]
    refused = {
        "/receptions by a student": await _refused(sf, setting, ids[STUDENT], ""),
        "a guest": await _refused(sf, setting, None, f"cancel {CODE} 2026-10-14"),
        "unknown sub-command": await _refused(sf, setting, admin, "shift R 2026-10-14"),
        "too few words": await _refused(sf, setting, admin, f"cancel {CODE}"),
        "unknown code": await _refused(sf, setting, admin, "cancel R-NONE 2026-10-14"),
        "bad date": await _refused(sf, setting, admin, f"cancel {CODE} 2026-02-30"),
        "past date": await _refused(sf, setting, admin, f"cancel {CODE} 2026-09-23"),
        "past new date": await _refused(sf, setting, admin,
                                        f"move {CODE} 2026-10-14 2026-09-01"),
        "no session": await _refused(sf, setting, admin, f"cancel {CODE} 2026-10-15"),
        "bad times": await _refused(sf, setting, admin, f"extra {CODE} 2026-10-15 9点-10点"),
        "reversed": await _refused(sf, setting, admin, f"extra {CODE} 2026-10-15 11:00-10:00"),
        "nowhere": await _refused(sf, setting, admin, f"move {CODE} 2026-10-14 2026-10-14"),
        "nothing to clear": await _refused(sf, setting, admin, f"clear {CODE} 2026-10-14"),
    }
    assert refused == {
        "/receptions by a student": "receptions.not_admin", "a guest": "receptions.not_admin",
        "unknown sub-command": "receptions.usage", "too few words": "receptions.usage",
        "unknown code": "receptions.unknown_code", "bad date": "receptions.bad_date",
        "past date": "receptions.past_date", "past new date": "receptions.past_date",
        "no session": "receptions.no_session", "bad times": "receptions.bad_times",
        "reversed": "receptions.times_reversed", "nowhere": "receptions.move_nowhere",
        "nothing to clear": "receptions.nothing_to_clear"}
    async with sf() as s:
        audits = [a.detail for a in await s.scalars(select(AuditLog).where(
            AuditLog.kind == "refused"))]
        overrides = list(await s.scalars(select(ReceptionOverride).where(
            ReceptionOverride.source == "command")))
    assert audits == [{"action": "receptions", "why": "not_admin"}] * 2 and overrides == []
    # The 10-07 session (a holiday) is held on 10-08: either date names it.
    assert isinstance(await _cmd(sf, setting, admin, f"cancel {CODE} 2026-10-07"),
                      A.OverrideDone)
    assert await _sessions(sf, date(2026, 10, 7)) == [("2026-10-08", "cancelled", "2026-10-07")]


async def test_schedules_added_edited_removed_and_what_a_roster_import_keeps(sf: Any) -> None:
    ids, setting = await _setup(sf)
    admin = ids[ADMIN]
    bad = f"add code=R-2 leader={STUDENT} place=图书馆 repeat=weekly weekday=八 start=10:00 " \
          "end=09:00 capacity=99"
    async with unit_of_work(sf) as uow:
        with pytest.raises(DomainError) as err:
            await A.receptions_command(uow.store, person_id=admin, arg=bad, now=NOW,
                                       setting=setting)
    assert err.value.key == "receptions.bad_row"
    problems = err.value.params["problems"]
    assert isinstance(problems, list)
    assert [p["p"]["column"] for p in problems if isinstance(p, dict)
            and isinstance(p["p"], dict)] == ["leader", "weekday", "end", "capacity"]
    assert {k: await _refused(sf, setting, admin, arg) for k, arg in {
        "nothing": "add", "unknown column": "add code=R-2 colour=red",
        "twice": "add code=R-2 code=R-3", "not a pair": "add R-2 code=R-2",
        "exists": f"add code={CODE} leader={LEADER}",
        "edit unknown": "edit R-9 place=x", "edit the code": f"edit {CODE} code=R-9",
        "edit nothing": f"edit {CODE} capacity=6"}.items()} == {
        "nothing": "receptions.no_values", "unknown column": "receptions.bad_key",
        "twice": "receptions.duplicate_key", "not a pair": "receptions.bad_pair",
        "exists": "receptions.code_exists", "edit unknown": "receptions.unknown_code",
        "edit the code": "receptions.code_fixed", "edit nothing": "receptions.unchanged"}

    added = await _cmd(sf, setting, admin, f"add code=R-2 leader={LEADER} place=图书馆 3 楼 "
                                           "repeat=每月 weekday=二 nth=2,4 start=09:00 "
                                           "end=11:00 holiday_policy=顺延 capacity=4")
    assert isinstance(added, A.ScheduleDone) and added.action == "add"
    assert added.record.source == "command" and added.record.schedule.place == "图书馆 3 楼"
    assert [s.day.isoformat() for s in added.sessions] == ["2026-10-13", "2026-10-27",
                                                           "2026-11-10"]
    edited = await _cmd(sf, setting, admin, "修改 R-2 place=“图书馆 5 楼”")
    assert isinstance(edited, A.ScheduleDone)
    assert (edited.record.schedule.place, edited.was_sheet) == ("图书馆 5 楼", False)

    await _book(sf, ids[STUDENT], date(2026, 10, 14))
    later = await _cmd(sf, setting, admin, f"edit {CODE} start=15:00 end=17:00 capacity=8")
    assert isinstance(later, A.ScheduleDone) and later.was_sheet and later.told == 1
    assert (later.record.source, later.record.schedule.capacity) == ("command", 8)

    ask = await _cmd(sf, setting, admin, "remove R-2")
    assert ask == A.NeedsConfirm("remove", "R-2", None, 0)
    removed = await _cmd(sf, setting, admin, "停用 R-2", confirmed=True)
    assert isinstance(removed, A.ScheduleDone) and not removed.record.active
    assert await _sessions(sf, date(2026, 10, 27)) == [("2026-10-27", "cancelled", None)]
    assert await _refused(sf, setting, admin, "cancel R-2 2026-11-10") == "receptions.inactive"
    assert await _refused(sf, setting, admin, "remove R-2") == "receptions.inactive"
    back = await _cmd(sf, setting, admin, "edit R-2 capacity=5")
    assert isinstance(back, A.ScheduleDone) and back.reactivated and back.record.active
    assert await _sessions(sf, date(2026, 10, 27)) == [("2026-10-27", "scheduled", None)]

    # A roster import: the sheet governs the schedules it names (R-LEADER1); the command's
    # schedule R-2 and the admin's overrides are kept, also the 12-30 move the sheet names
    # (docs/decisions/0025: an admin's date is never replaced by the roster).
    await _cmd(sf, setting, admin, f"cancel {CODE} 2026-10-28")
    await _cmd(sf, setting, admin, f"move {CODE} 2026-12-30 2027-01-04")
    await apply_roster(sf, validate_roster(read_roster(EXAMPLE)), now=NOW)
    async with sf() as s:
        schedules = {r.code: (r.source, r.active, r.capacity) for r in await s.scalars(
            select(ReceptionSchedule))}
        overrides = sorted((o.day.isoformat(), o.action, o.source,
                            o.new_day.isoformat() if o.new_day else None)
                           for o in await s.scalars(select(ReceptionOverride)))
    assert schedules[CODE] == ("sheet", True, 6) and schedules["R-2"] == ("command", True, 5)
    assert overrides == [("2026-10-28", "cancel", "command", None),
                         ("2026-12-30", "move", "command", "2027-01-04")]
