"""A roster import that dies half way through its writes leaves the database exactly as it
was: every table, on the migrated schema, on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.concerns.intake import IntakeRules, submit_concern
from core.model import Draft
from core.people.roster import Roster
from core.people.roster_validation import validate_roster
from storage.people.roster import apply as roster_apply
from storage.people.roster import apply_roster, read_roster
from storage.store import SqlStore
from storage.tables import AuditLog, Base, ConcernEvent, OutboxRow, Person

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=30)
PLAIN = "2023010103"  # a student with no role and no zone: the requester
RENAMED = "2023010104"
GONE = "2022010202"  # the 3号楼 logistics member: leaves the roster with a concern open
RULES = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai", default_locale="zh_CN")


def load(path: Path) -> Roster:
    return validate_roster(read_roster(path))


async def every_row(sf) -> dict[str, list[tuple]]:
    """Every row of every table, all columns, in key order: the whole database."""
    out = {}
    async with sf() as s:
        for table in Base.metadata.sorted_tables:
            rows = await s.execute(select(table).order_by(*table.primary_key.columns))
            out[table.name] = [tuple(r) for r in rows]
    return out


async def _with_an_open_concern(sf) -> None:
    """The example roster, everyone reachable, and a concern assigned to GONE."""
    await apply_roster(sf, load(EXAMPLE), now=T0)
    async with sf() as s, s.begin():
        store = SqlStore(s)
        for number, pid in (await s.execute(select(Person.number, Person.id))).all():
            ident = await store.upsert_identity("telegram", number, number, username=None,
                                                display_name=None, now=T0)
            await store.link_identity(ident.id, pid)
        requester = (await s.scalars(select(Person.id).where(Person.number == PLAIN))).one()
        new = await submit_concern(store, now=T0, rules=RULES, requester_id=requester,
                                   draft=Draft(category="logistics", type="help",
                                               texts=["水房没有热水"]),
                                   channel="telegram", source_key="k1")
    (c,) = (await every_row(sf))["concerns"]
    assert new.id == c[0]


def _without_gone_and_renamed() -> Roster:
    """The example roster with RENAMED renamed and GONE removed (their zones to deputies)."""
    roster = load(EXAMPLE)
    return dataclasses.replace(
        roster,
        people=tuple(dataclasses.replace(p, name="改名后") if p.number == RENAMED else p
                     for p in roster.people if p.number != GONE),
        roles=tuple(r for r in roster.roles if r.number != GONE),
        zones=tuple(dataclasses.replace(z, member_number=z.deputy_number, deputy_number=None)
                    if z.member_number == GONE else
                    dataclasses.replace(z, deputy_number=None) if z.deputy_number == GONE
                    else z for z in roster.zones))


@pytest.mark.parametrize("fail_at", ["roles", "after_redispatch"])
async def test_a_failure_half_way_rolls_everything_back(sf, monkeypatch, fail_at):
    """apply_roster dies after some of its writes reached the database inside its
    transaction: afterwards the database is exactly as before, on SQLite and PostgreSQL."""
    await _with_an_open_concern(sf)
    before = await every_row(sf)
    written = {}  # what the transaction had written when it died

    async def count_in(session, model):
        return await session.scalar(select(func.count()).select_from(model))

    if fail_at == "roles":  # units and people written and flushed; roles and zones not yet
        async def die(session, *args, **kwargs):
            written["renamed"] = await session.scalar(
                select(Person.name).where(Person.number == RENAMED))
            written["gone active"] = await session.scalar(
                select(Person.active).where(Person.number == GONE))
            raise RuntimeError("disk full")

        monkeypatch.setattr(roster_apply, "_apply_roles", die)
    else:  # every roster row, the audit row and the re-dispatch written; the commit not
        real = roster_apply.redispatch_from

        async def die(store, *args, **kwargs):
            await real(store, *args, **kwargs)
            written["renamed"] = await store.s.scalar(
                select(Person.name).where(Person.number == RENAMED))
            written["gone active"] = await store.s.scalar(
                select(Person.active).where(Person.number == GONE))
            written["events"] = await count_in(store.s, ConcernEvent)
            written["outbox"] = await count_in(store.s, OutboxRow)
            written["audits"] = await count_in(store.s, AuditLog)
            raise RuntimeError("disk full")

        monkeypatch.setattr(roster_apply, "redispatch_from", die)

    with pytest.raises(RuntimeError, match="disk full"):
        await apply_roster(sf, _without_gone_and_renamed(), now=T1)
    # The writes were real ...
    assert (written["renamed"], written["gone active"]) == ("改名后", False)
    if fail_at == "after_redispatch":
        counts = {name: len(rows) for name, rows in before.items()}
        assert written["events"] > counts["concern_events"]
        assert written["outbox"] > counts["outbox"]
        assert written["audits"] > counts["audit_log"]
    # ... and none of them is left: every table holds exactly the rows it held.
    after = await every_row(sf)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert after == before
