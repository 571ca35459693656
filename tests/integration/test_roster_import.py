"""Roster import end to end: file → validation → database, on a temporary SQLite database
(a failure half way through the writes: test_roster_rollback, on SQLite and PostgreSQL)."""
from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from core.people.binding import hash_code
from core.people.roster import RosterInvalid
from core.people.roster_validation import validate_roster
from storage.people.roster import (
    RosterFileError, UnknownPeople, apply_roster, issue_codes, read_roster, write_codes_csv,
)
from storage.people.roster.codes import CODE_ALPHABET
from storage.tables import (
    AuditLog, Base, BindingCode, ChannelIdentity, OrgUnit, Person, ResponsibilityZone,
    RoleAssignment,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.xlsx"
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=30)
PLAIN = "2023010103"  # a student with no role and no zone: safe to remove from the file
RENAMED = "2023010104"


@pytest.fixture
async def session_factory(tmp_path):
    # Local on purpose: the shared fixtures will move to Alembic + PostgreSQL.
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'roster.db'}")

    @event.listens_for(engine.sync_engine, "connect")
    def _foreign_keys(dbapi_conn, _record):  # PostgreSQL enforces them; make SQLite agree
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


def load(path):
    return validate_roster(read_roster(path))


def edited(tmp_path: Path, edit, name: str = "edited.xlsx") -> Path:
    """A copy of the example workbook, changed by ``edit(book)``."""
    book = openpyxl.load_workbook(EXAMPLE)
    edit(book)
    out = tmp_path / name
    book.save(out)
    return out


def row_of(ws, number: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == number)


async def snapshot(sf) -> dict[str, list[tuple]]:
    """Every roster row, all columns: two equal snapshots mean nothing changed."""
    out = {}
    async with sf() as s:
        for model in (OrgUnit, Person, RoleAssignment, ResponsibilityZone):
            rows = (await s.scalars(select(model).order_by(model.id))).all()
            cols = [c.key for c in model.__table__.columns]
            out[model.__tablename__] = [tuple(getattr(r, c) for c in cols) for r in rows]
    return out


async def person(sf, number: str) -> Person:
    async with sf() as s:
        return (await s.scalars(select(Person).where(Person.number == number))).one()


async def test_example_workbook_imports(session_factory):
    ticks = []
    report = await apply_roster(session_factory, load(EXAMPLE), now=T0,
                                progress=lambda done, total: ticks.append((done, total)))
    assert (report.units.created, report.people.created, report.roles.created,
            report.zones.created) == (16, 50, 57, 22)
    assert ticks[-1] == (16 + 50 + 57 + 22,) * 2
    student = await person(session_factory, "2023010101")
    assert (student.kind, student.grade, student.class_name, student.dorm_building) == \
        ("student", "2023", "会计2301", "1号楼")
    assert student.created_at == T0 and student.active and student.verified
    async with session_factory() as s:
        units = {u.code: u for u in await s.scalars(select(OrgUnit))}
        assert units["ACC-S1"].parent_id == units["ACC"].id
        assert units["ACC"].parent_id == units["DEMO"].id
        assert units["LOG"].unit_class == "admin_logistics"
        fallback = (await s.scalars(select(ResponsibilityZone).where(
            ResponsibilityZone.code == "Z-ACC-ALL"))).one()
        assert (fallback.category, fallback.scope, fallback.value) == ("*", "college", "ACC")
        audit = (await s.scalars(select(AuditLog))).one()
        assert audit.kind == "roster_import" and audit.detail["people"]["created"] == 50


async def test_reimport_of_the_same_file_changes_nothing(session_factory):
    roster = load(EXAMPLE)
    await apply_roster(session_factory, roster, now=T0)
    before = await snapshot(session_factory)
    report = await apply_roster(session_factory, roster, now=T1)
    assert not report.changed
    assert (report.units.unchanged, report.people.unchanged, report.roles.unchanged,
            report.zones.unchanged) == (16, 50, 57, 22)
    assert await snapshot(session_factory) == before  # updated_at included
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(AuditLog)) == 2


async def test_edited_file_updates_in_place_and_deactivates_what_is_gone(session_factory, tmp_path):
    await apply_roster(session_factory, load(EXAMPLE), now=T0)

    def edit(book):
        people, roles, zones = book["people"], book["roles"], book["zones"]
        people.cell(row_of(people, RENAMED), 2).value = "改名后"
        people.delete_rows(row_of(people, PLAIN))
        roles.delete_rows(next(r for r in range(2, roles.max_row + 1)
                               if roles.cell(r, 2).value == "crisis_team"))
        zones.delete_rows(next(r for r in range(2, zones.max_row + 1)
                               if zones.cell(r, 1).value == "Z-B3-LOG"))

    report = await apply_roster(session_factory, load(edited(tmp_path, edit)), now=T1)
    assert (report.people.updated, report.people.deactivated, report.people.created) == (1, 1, 0)
    assert (report.roles.removed, report.zones.deactivated) == (1, 1)
    renamed, gone = await person(session_factory, RENAMED), await person(session_factory, PLAIN)
    assert (renamed.name, renamed.created_at, renamed.updated_at) == ("改名后", T0, T1)
    assert (gone.active, gone.updated_at) == (False, T1)
    assert (await person(session_factory, "2023010101")).updated_at == T0  # untouched
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(Person)) == 50  # no duplicates
        zone = (await s.scalars(select(ResponsibilityZone).where(
            ResponsibilityZone.code == "Z-B3-LOG"))).one()
        assert not zone.active

    back = await apply_roster(session_factory, load(EXAMPLE), now=T1 + timedelta(days=1))
    assert (back.people.updated, back.roles.created, back.zones.updated) == (2, 1, 1)
    assert (await person(session_factory, PLAIN)).active


def test_a_file_with_bad_rows_reports_them_all(tmp_path):
    # Validation refuses the file before apply_roster could write anything: what a failure
    # in the middle of the writes leaves behind is test_roster_rollback's subject.
    def edit(book):
        people = book["people"]
        people.cell(row_of(people, RENAMED), 2).value = "改名后"  # a good change...
        people.cell(row_of(people, PLAIN), 3).value = "teacher"   # ...next to bad ones
        roles = book["roles"]
        roles.cell(leader_line, 2).value = "boss"
        book["zones"].cell(3, 6).value = "9999999999"

    book = openpyxl.load_workbook(EXAMPLE)
    leader_line = next(r for r in range(2, book["roles"].max_row + 1)
                       if book["roles"].cell(r, 2).value == "leader")
    with pytest.raises(RosterInvalid) as caught:
        load(edited(tmp_path, edit))
    found = [(p.sheet, p.line, p.column) for p in caught.value.problems]
    assert found == [("people", row_of(book["people"], PLAIN), "kind"),
                     ("roles", leader_line, "role"), ("zones", 3, "member_number")]


async def test_csv_folder_in_gb18030_round_trips(session_factory, tmp_path):
    sheets = read_roster(EXAMPLE)
    folder = tmp_path / "csv"
    folder.mkdir()
    for key, rows in sheets.items():
        with open(folder / f"{key}.csv", "w", encoding="gb18030", newline="") as f:
            out = csv.writer(f)
            out.writerow(rows[0].values.keys())
            out.writerows(r.values.values() for r in rows)
    with pytest.raises(UnicodeDecodeError):  # so the GB18030 fallback is what reads it
        (folder / "people.csv").read_bytes().decode("utf-8")
    from_csv = read_roster(folder)
    assert from_csv["people"][0].sheet == "people.csv"
    for key, rows in sheets.items():
        assert [(r.line, r.values) for r in from_csv[key]] == [(r.line, r.values) for r in rows]
    assert validate_roster(from_csv) == validate_roster(sheets)
    await apply_roster(session_factory, validate_roster(from_csv), now=T0)
    name = next(r.values["name"] for r in sheets["people"] if r.values["number"] == "2023010101")
    assert (await person(session_factory, "2023010101")).name == name


def test_csv_utf8_with_bom_keeps_real_line_numbers(tmp_path):
    (tmp_path / "units.csv").write_bytes(
        "code,name,kind,parent_code\r\nDEMO,示范大学,university,\r\n,,,\r\n"
        "ACC,\"会计\n学院\",college,DEMO\r\nECO,经济学院,college,DEMO\r\n".encode("utf-8-sig"))
    rows = read_roster(tmp_path)["units"]
    assert [(r.line, r.values["code"]) for r in rows] == [(2, "DEMO"), (4, "ACC"), (6, "ECO")]
    assert rows[1].values["name"] == "会计\n学院"


def test_undecodable_csv_names_the_file(tmp_path):
    (tmp_path / "people.csv").write_bytes(b"number,name\n\x81\xff\xfe\n")
    with pytest.raises(RosterFileError, match="people.csv"):
        read_roster(tmp_path)


def test_number_stored_by_excel_as_float_reads_as_text(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "people"
    ws.append(["number", "name", "kind", "unit_code", "dorm_room", "phone"])
    ws.append([2023010101.0, "  王一 ", "student", "ACC-S1", 305, 13800138000.0])
    ws.append([None, None])  # a blank row is skipped, lines stay true
    ws.append(["2023010102", "李二", "student", "ACC-S1", None, ""])
    book.save(tmp_path / "floats.xlsx")
    rows = read_roster(tmp_path / "floats.xlsx")["people"]
    assert [r.line for r in rows] == [2, 4]
    assert rows[0].values == {"number": "2023010101", "name": "王一", "kind": "student",
                              "unit_code": "ACC-S1", "dorm_room": "305", "phone": "13800138000"}
    assert rows[1].values["dorm_room"] == ""


def test_chinese_sheet_names_are_accepted(tmp_path):
    def rename(book):
        for english, chinese in (("units", "单位"), ("people", "人员"), ("roles", "角色"),
                                 ("zones", "责任区")):
            book[english].title = chinese

    assert load(edited(tmp_path, rename)) == load(EXAMPLE)


def test_missing_sheet_is_a_problem_on_line_0(tmp_path):
    path = edited(tmp_path, lambda book: book.remove(book["zones"]))
    with pytest.raises(RosterInvalid) as caught:
        load(path)
    assert [(p.sheet, p.line, p.key, p.params) for p in caught.value.problems] == \
        [("zones", 0, "roster_problem.missing_sheet", {"value": "zones", "chinese": "责任区"})]


def test_unreadable_files_raise_roster_file_error(tmp_path):
    fake = tmp_path / "roster.xlsx"
    fake.write_text("number,name\n")
    with pytest.raises(RosterFileError, match="roster.xlsx"):
        read_roster(fake)
    with pytest.raises(RosterFileError, match="roster_file.not_found"):
        read_roster(tmp_path / "nope.xlsx")
    with pytest.raises(RosterFileError, match="people.csv"):
        read_roster(tmp_path)  # a folder without any roster CSV
    (tmp_path / "people.csv").write_text("number,name\n")
    with pytest.raises(RosterFileError, match="roster_file.single_csv"):
        read_roster(tmp_path / "people.csv")


async def binding_codes(sf) -> list[BindingCode]:
    async with sf() as s:
        return list(await s.scalars(select(BindingCode).order_by(BindingCode.id)))


async def test_codes_are_issued_hashed_and_reissue_revokes(session_factory, tmp_path):
    await apply_roster(session_factory, load(EXAMPLE), now=T0)
    codes = await issue_codes(session_factory, now=T0, ttl=timedelta(days=7))
    assert len(codes) == 50 and len({c.code for c in codes}) == 50
    first = next(c for c in codes if c.person_number == "2023010101")
    assert len(first.code) == 10 and set(first.code) <= set(CODE_ALPHABET)
    assert first.expires_at == T0 + timedelta(days=7)
    stored = await binding_codes(session_factory)
    assert {b.code_hash for b in stored} == {hash_code(c.code) for c in codes}
    assert not {c.code for c in codes} & {b.code_hash for b in stored}  # never the plain code
    assert hash_code(f" {first.code.lower()} ") == hash_code(first.code)

    async with session_factory() as s, s.begin():  # 2023010102 has used their code already
        used = next(b for b in await s.scalars(select(BindingCode))
                    if b.code_hash == hash_code(next(c.code for c in codes
                                                     if c.person_number == "2023010102")))
        used.used_at = T0
    again = await issue_codes(session_factory, now=T1, ttl=timedelta(days=7),
                              person_numbers=["2023010101", "2023010102"])
    assert [c.person_number for c in again] == ["2023010101", "2023010102"]
    by_hash = {b.code_hash: b for b in await binding_codes(session_factory)}
    assert by_hash[hash_code(first.code)].revoked_at == T1
    assert by_hash[used.code_hash].revoked_at is None  # a used code stays as it was
    assert all(by_hash[hash_code(c.code)].revoked_at is None for c in again)

    with pytest.raises(UnknownPeople, match="0000000000"):
        await issue_codes(session_factory, now=T1, ttl=timedelta(days=7), person_numbers=["0000000000"])


async def test_bound_people_are_skipped_unless_named(session_factory):
    await apply_roster(session_factory, load(EXAMPLE), now=T0)
    bound = await person(session_factory, "2023010101")
    async with session_factory() as s, s.begin():
        s.add(ChannelIdentity(channel="telegram", external_id="42", chat_id="42",
                              person_id=bound.id, created_at=T0))
    codes = await issue_codes(session_factory, now=T0, ttl=timedelta(days=7))
    assert len(codes) == 49 and "2023010101" not in {c.person_number for c in codes}
    named = await issue_codes(session_factory, now=T0, ttl=timedelta(days=7),
                              person_numbers=["2023010101"])
    assert [c.person_number for c in named] == ["2023010101"]


async def test_codes_csv_has_the_deep_link(session_factory, tmp_path):
    await apply_roster(session_factory, load(EXAMPLE), now=T0)
    codes = await issue_codes(session_factory, now=T0, ttl=timedelta(days=7),
                              person_numbers=["2023010101"])
    write_codes_csv(tmp_path / "codes.csv", codes, "@xq_demo_bot")
    raw = (tmp_path / "codes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM makes Excel read UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows == [{"number": "2023010101", "name": codes[0].name, "code": codes[0].code,
                     "expires_at": "2025-03-10T09:00:00+08:00",
                     "link": f"https://t.me/xq_demo_bot?start={codes[0].code}"}]
    write_codes_csv(tmp_path / "nolink.csv", codes, "")
    with open(tmp_path / "nolink.csv", encoding="utf-8-sig", newline="") as f:
        assert next(csv.DictReader(f))["link"] == ""
