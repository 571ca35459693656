"""Roster import benchmark: a university-sized roster through `python -m bot roster ...`.

    .venv/bin/python bench/roster_import.py [--people 33000] [--db URL] [--keep DIR]

Generates a workbook like a real university's (``--people`` people, 436 units: the
university, 30 colleges of 12 student branches and a staff branch each, 15 functional
units; 2,500 roles; 700 zones: 100 dorm buildings, 390 branches, 180 classes, 30
colleges' fallbacks) and a second one without 2,000 graduates (6%; scaled with
``--people``), then runs the real
CLI as child processes on a fresh database (a temp SQLite file; with
``--db postgresql+asyncpg://...`` a scratch database created on that server and dropped
after) and prints each step's wall time and the child's peak RSS (``ru_maxrss`` from
``os.wait4``):

1. ``roster import FULL``: an empty database, applied at once (the seeding case);
2. ``roster import FULL`` again: nothing changes;
3. ``roster import LESS``: 2,000 would be deactivated, so only the diff (held back, exit 3);
4. ``roster import LESS --dry-run --report``: the same with the report workbook;
5. ``roster import LESS --apply``;
6. ``roster deactivate LIST --apply`` (500 more, a list file; scaled with ``--people``);
7. ``roster codes --out codes.xlsx``: a code for everyone unbound.

The last line is ``roster import: seed S s, diff D s, apply A s, peak P MiB``.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLLEGES, BRANCHES, FUNCTIONAL, BUILDINGS = 30, 12, 15, 100
#: per 33,000 people: graduates left out of the second file, people in the deactivate list
GRADUATES, LISTED = 2000, 500


def numbers(people: int) -> list[str]:
    # Leading zeros on purpose: IDs are text.
    return [f"0{2022 + i % 4}{i:07d}" for i in range(people)]


def write_roster(path: Path, people: int, skip: set[str] = frozenset()) -> None:
    """The workbook (openpyxl's write-only mode: rows streamed, little memory)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    units = book.create_sheet("units")
    units.append(["code", "name", "kind", "parent_code", "unit_class"])
    units.append(["U", "基准大学", "university", "", ""])
    student_branches, staff_branches = [], []
    for c in range(1, COLLEGES + 1):
        college = f"C{c:02d}"
        units.append([college, f"第{c}学院", "college", "U", ""])
        for b in range(1, BRANCHES + 1):
            student_branches.append((college, f"{college}-S{b:02d}"))
            units.append([f"{college}-S{b:02d}", f"第{c}学院学生第{b}党支部", "branch",
                          college, "student"])
        staff_branches.append((college, f"{college}-T1"))
        units.append([f"{college}-T1", f"第{c}学院教工党支部", "branch", college, "staff"])
    for f in range(1, FUNCTIONAL + 1):
        units.append([f"F{f:02d}", f"职能部门{f}", "functional", "U", "admin_logistics"])

    ids = numbers(people)
    staff = people // 11
    rows = book.create_sheet("people")
    rows.append(["number", "name", "kind", "unit_code", "grade", "class_name",
                 "dorm_building", "dorm_room", "phone"])
    branch_of: dict[str, str] = {}
    for i, number in enumerate(ids):
        if i < staff:
            unit = staff_branches[i % COLLEGES][1] if i % 10 else f"F{i % FUNCTIONAL + 1:02d}"
            row = [number, f"教工{i}", "staff", unit, "", "", "", "", ""]
        else:
            college, unit = student_branches[i % len(student_branches)]
            grade = str(2022 + i % 4)
            row = [number, f"学生{i}", "student", unit, grade, f"{college}-{grade}-{i % 6}",
                   f"{i % BUILDINGS + 1}号楼", str(100 + i % 500), ""]
        branch_of[number] = unit
        if number not in skip:
            rows.append(row)

    # Roles: 2,000 party members (the zones' members and deputies come from them), a
    # secretary per branch, 2 committee members per college, counsellors, crisis team.
    party = [n for n in ids[:staff] if n not in skip][:2000]
    roles = book.create_sheet("roles")
    roles.append(["number", "role", "unit_code"])
    for n in party:
        roles.append([n, "party_member", branch_of[n]])
    branches = [b for _, b in student_branches] + [b for _, b in staff_branches]
    for k, branch in enumerate(branches):
        roles.append([party[k % len(party)], "branch_secretary", branch])
    for c in range(COLLEGES):
        for k in range(2):
            roles.append([party[(c * 2 + k + 500) % len(party)], "college_committee",
                          f"C{c + 1:02d}"])
        roles.append([party[(c + 900) % len(party)], "counsellor", f"C{c + 1:02d}"])
    for k in range(15):
        roles.append([party[(k + 1200) % len(party)], "crisis_team", "F01"])
    for k in range(5):
        roles.append([party[(k + 1300) % len(party)], "functional_contact", f"F{k + 1:02d}"])

    zones = book.create_sheet("zones")
    zones.append(["code", "name", "category", "scope", "value", "member_number",
                  "deputy_number"])
    pick = iter(range(10**6))

    def pair() -> list[str]:
        k = next(pick)
        return [party[k % len(party)], party[(k + 1) % len(party)]]

    for b in range(1, BUILDINGS + 1):
        zones.append([f"Z-B{b}", f"{b}号楼后勤", "logistics", "dorm_building", f"{b}号楼",
                      *pair()])
    for branch in branches:
        zones.append([f"Z-{branch}", f"{branch}事务", "student_affairs", "branch", branch,
                      *pair()])
    for k in range(180):
        college, grade = f"C{k % COLLEGES + 1:02d}", str(2022 + k // COLLEGES % 4)
        zones.append([f"Z-CL{k}", f"班级{k}教务", "academic", "class",
                      f"{college}-{grade}-{k % 6}", *pair()])
    for c in range(1, COLLEGES + 1):
        zones.append([f"Z-C{c:02d}", f"第{c}学院兜底", "*", "college", f"C{c:02d}", *pair()])
    book.save(path)


def run(args: list[str], db: str) -> tuple[int, float, float, str]:
    """One CLI child: (exit code, seconds, peak RSS in MiB, last line of its output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env["XQ_DATABASE__URL"] = db
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in out.splitlines() if line.strip()]
    return proc.returncode, seconds, usage.ru_maxrss / 1024, lines[-1] if lines else ""


async def pg_exec(url: str, sql: str) -> None:
    from bench.broadcast_db import pg_exec as exec_

    await exec_(url, sql)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=33000)
    p.add_argument("--db", help="a postgresql+asyncpg URL: a scratch database on that server")
    p.add_argument("--keep", metavar="DIR", help="keep the generated files in this folder")
    args = p.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="roster-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    full, less = folder / "roster.xlsx", folder / "less.xlsx"
    ids = numbers(args.people)
    staff = args.people // 11
    left, listed_n = GRADUATES * args.people // 33000, LISTED * args.people // 33000
    graduates = set(ids[staff:staff + left])  # students only
    started = time.monotonic()
    write_roster(full, args.people)
    write_roster(less, args.people, graduates)
    listed = folder / "list.txt"
    listed.write_text("\n".join(ids[-listed_n:]) + "\n", encoding="utf-8")
    print(f"generated {args.people} people in {time.monotonic() - started:.1f} s: {folder}")

    name = f"xq_roster_bench_{uuid.uuid4().hex[:8]}"
    if args.db:
        from sqlalchemy.engine import make_url

        asyncio.run(pg_exec(args.db, f'CREATE DATABASE "{name}"'))
        db = make_url(args.db).set(database=name).render_as_string(hide_password=False)
    else:
        db = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        (folder / "bench.db").unlink(missing_ok=True)
    steps = [("migrate", ["migrate"], 0),
             ("import (empty database)", ["roster", "import", str(full)], 0),
             ("import again (no change)", ["roster", "import", str(full)], 0),
             (f"import -{left} (diff only)", ["roster", "import", str(less)], 3),
             ("import --dry-run --report", ["roster", "import", str(less), "--dry-run",
                                            "--report", str(folder / "diff.xlsx")], 0),
             ("import --apply", ["roster", "import", str(less), "--apply"], 0),
             (f"deactivate {listed_n} --apply", ["roster", "deactivate", str(listed),
                                               "--apply"], 0),
             ("codes --out codes.xlsx", ["roster", "codes", "--out",
                                         str(folder / "codes.xlsx")], 0)]
    figures: dict[str, tuple[float, float]] = {}
    try:
        for label, cli_args, expected in steps:
            rc, seconds, rss, last = run(cli_args, db)
            figures[label] = (seconds, rss)
            print(f"{label:28} {seconds:6.1f} s  {rss:6.0f} MiB  (exit {rc}) {last[:70]}")
            if rc != expected:
                print(f"unexpected exit code {rc} (expected {expected})", file=sys.stderr)
                return 1
    finally:
        if args.db:
            asyncio.run(pg_exec(args.db, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    peak = max(rss for _, rss in figures.values())
    seed = figures["import (empty database)"][0]
    diff = figures[f"import -{left} (diff only)"][0]
    apply = figures["import --apply"][0]
    print(f"roster import: seed {seed:.1f} s, diff {diff:.1f} s, apply {apply:.1f} s, "
          f"peak {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
