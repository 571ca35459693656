"""The roster's ``reception_dates`` sheet in the diff (issue 16, review): its overrides are
counted (created, updated, unchanged, removed) and a removal takes something away; a file
without the sheet leaves the overrides as they are; an admin's override set by
``/receptions`` is never replaced by the sheet. On SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.people.roster import Roster
from core.people.roster_validation import validate_roster
from core.reception.admin_ports import SOURCE_COMMAND
from core.reception.schedule import DateOverride, OverrideAction
from storage.people.roster import apply_roster, read_roster
from storage.people.roster.diff import DateRef
from storage.store import SqlStore
from storage.tables import ReceptionOverride, ReceptionSchedule

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=1)
DAY = date(2026, 12, 30)  # the example's one override: R-LEADER1 moved to 12-31 09:00-11:00


def load(**changes: Any) -> Roster:
    return dataclasses.replace(validate_roster(read_roster(EXAMPLE)), **changes)


async def overrides(sf: Any) -> list[tuple[str, date, str, date | None, str]]:
    async with sf() as s:
        rows = await s.execute(select(ReceptionSchedule.code, ReceptionOverride.day,
                                      ReceptionOverride.action, ReceptionOverride.new_day,
                                      ReceptionOverride.source)
                               .join(ReceptionSchedule)
                               .order_by(ReceptionOverride.day, ReceptionOverride.action))
        return [tuple(r) for r in rows]


async def test_the_dates_are_counted_and_a_removal_is_held_back(sf: Any) -> None:
    first = await apply_roster(sf, load(), now=T0)
    assert first.reception_dates is not None and first.reception_dates.created == 1
    assert await overrides(sf) == [("R-LEADER1", DAY, "move", date(2026, 12, 31), "sheet")]

    gone = await apply_roster(sf, load(reception_dates=()), now=T1, decide=lambda r: False)
    assert gone.reception_dates is not None and gone.reception_dates.removed == 1
    assert gone.takes_away and gone.changed and not gone.applied
    assert gone.changes.removed_dates == [DateRef("R-LEADER1", "2026-12-30", "move")]
    assert "reception_dates" in gone.as_dict()
    assert len(await overrides(sf)) == 1

    example = load()
    assert example.reception_dates is not None
    later = dataclasses.replace(example.reception_dates[0], start=time(10, 0))
    moved = await apply_roster(sf, load(reception_dates=(later,)), now=T1)
    assert moved.applied and not moved.takes_away
    assert moved.reception_dates is not None and moved.reception_dates.updated == 1
    assert moved.fingerprint() != first.fingerprint()

    applied = await apply_roster(sf, load(reception_dates=()), now=T1)
    assert applied.applied and await overrides(sf) == []


async def test_a_file_without_the_dates_sheet_leaves_them(sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    report = await apply_roster(sf, load(reception_dates=None), now=T1,
                                decide=lambda r: not r.takes_away)
    assert report.applied and not report.changed and report.reception_dates is None
    assert await overrides(sf) == [("R-LEADER1", DAY, "move", date(2026, 12, 31), "sheet")]


async def test_an_admins_override_is_never_replaced_by_the_sheet(sf: Any) -> None:
    await apply_roster(sf, load(), now=T0)
    async with sf() as s, s.begin():
        store = SqlStore(s)
        schedule = await s.scalar(select(ReceptionSchedule.id).where(
            ReceptionSchedule.code == "R-LEADER1"))
        # The admin moves the same date elsewhere, and cancels another one.
        for override in (
                DateOverride("R-LEADER1", DAY, OverrideAction.MOVE, date(2027, 1, 4)),
                DateOverride("R-LEADER1", date(2027, 1, 6), OverrideAction.CANCEL)):
            await store.put_reception_override(schedule, override, source=SOURCE_COMMAND,
                                               now=T0)
    admins = [("R-LEADER1", DAY, "move", date(2027, 1, 4), "command"),
              ("R-LEADER1", date(2027, 1, 6), "cancel", None, "command")]
    assert await overrides(sf) == admins

    # The sheet names the admin's date, and adds one on the admin's other date.
    extra = DateOverride("R-LEADER1", date(2027, 1, 6), OverrideAction.EXTRA,
                         start=time(9, 0), end=time(10, 0))
    example = load()
    assert example.reception_dates is not None
    report = await apply_roster(sf, load(reception_dates=(*example.reception_dates, extra)),
                                now=T1)
    assert report.applied and not report.changed
    assert report.reception_dates is not None and report.reception_dates.unchanged == 2
    assert await overrides(sf) == admins
