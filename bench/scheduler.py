"""Ladder sweep benchmark: one 催办/督办 sweep over 100,000 open concerns (ADR 0016).

    .venv/bin/python bench/scheduler.py [--concerns 100000] [--due 5000] [--runs 1]
                                        [--db postgresql+asyncpg://... --wipe]

The database is a fresh temporary SQLite file per run, migrated with
``storage.migrate.upgrade_async`` and seeded with examples/roster.xlsx
(``tests.support.harness.seed_roster``, as bench/intake.py and bench/web.py do). With
``--db postgresql+asyncpg://...`` the same runs on that PostgreSQL database as well (SQLite
always runs first): it is migrated, then every table is emptied (TRUNCATE) and reseeded
before each run, so it needs ``--wipe``.

Setup, before the clock starts, per run:

* every roster person gets a reachable Telegram identity (``SqlStore.upsert_identity`` and
  ``link_identity``, as tests/integration/test_ladder.py seeds), so notices become outbox
  rows;
* ``--concerns`` open concerns, inserted in bulk (SQLAlchemy Core ``insert`` executemany,
  not through the use cases): status ``dispatched``, urgency P2, category logistics, a
  roster student as requester, a roster party member as handler, ``deadline_from`` set and
  the three due times (accept and contact 24 h, reply 7 days after it), ``ladder_plan``
  NULL (planned already: the sweep has nothing to plan);
* the reminder rows the planner writes (``storage/concerns/ladder_store.py`` ``save_plan``:
  key ``ladder:{cid}:{subject}:{step}:{epoch}``, ``detail.limit_due``): 12 pending rows per
  concern (3 limits x 4 steps), all due in the future, except that for ``--due`` concerns,
  spread evenly over the ids, exactly one row is due now (within the last hour, so inside
  the 24 h grace). Those rows cycle through steps 0-3 and the three limits, so the sweep
  resolves handlers, branch secretaries, college committees and admins;
* on PostgreSQL, ``VACUUM ANALYZE`` of the loaded tables (what autovacuum does to a
  table that grew by a bulk load; a live database's tables are vacuumed and analysed).

``now`` is Tuesday 2026-11-03 10:00 Asia/Shanghai: outside the quiet hours. The rules are
``LadderRules(calendar=ChinaWorkCalendar())`` (config.toml defaults otherwise).

Timed: exactly one ``scheduler.ladder_sweep.ladder_sweep`` call (``time.perf_counter``
around it): the planning query (nothing to plan), the stale-row drop, then claims of
1,000 rows per transaction, each with its concerns, role holders, identities, outbox rows,
concern events and 督办 levels, committed.

Checked afterwards, untimed (a wrong count exits non-zero): ``--due`` reminder rows
``sent`` and the rest still pending, ``--due`` concern events of the ``ladder_*`` kinds,
the outbox rows equal to what the sweep reports (one notice may reach several people) and
at least one per notice, no ``undeliverable`` audit rows, nothing dropped or cancelled.

Printed per database and run: setup seconds (for context), sweep seconds, notices per
second, outbox rows, and the CPU seconds of this process during the sweep (Python and, on
SQLite, the database's own work on aiosqlite's thread; not PostgreSQL's server), a figure
less disturbed than wall time by other work on a shared machine. The last line is
``sweep seconds: X``, the median SQLite sweep.
"""
from __future__ import annotations

import argparse
import asyncio
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Tuesday 2026-11-03 10:00 in Shanghai: a working day, outside the quiet hours.
NOW = datetime(2026, 11, 3, 2, 0, tzinfo=timezone.utc)
SUBJECTS = ("accept", "contact", "reply")
STEPS = 4
CHUNK = 20_000  # rows per executemany while seeding


class BenchError(RuntimeError):
    pass


@dataclass
class Result:
    database: str
    setup: float
    sweep: float
    cpu: float  # this process's CPU seconds during the sweep (SQLite's thread included)
    notices: int
    outbox: int


# ------------------------------------------------------------------------------ setup
def due_rows(concerns: int, due: int) -> dict[int, int]:
    """Concern index -> which of its 12 rows is due now, for ``due`` indexes spread evenly
    over ``range(concerns)``. The j-th due concern gets step j % 4 and limit (j // 4) % 3."""
    out = {}
    for j in range(due):
        i = j * concerns // due
        out[i] = ((j // STEPS) % len(SUBJECTS)) * STEPS + j % STEPS
    return out


def _ladder_times(start: datetime, limit_due: datetime) -> list[datetime]:
    """Steps 0-3 as the planner puts them (working days simplified to whole days here:
    these rows are only in the future)."""
    return [start + (limit_due - start) * 0.8, limit_due,
            limit_due + timedelta(days=2), limit_due + timedelta(days=7)]


async def _wipe(url: str) -> None:
    from sqlalchemy import text

    from storage.db import make_engine
    from storage.tables import Base

    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


async def prepare(url: str, args: argparse.Namespace, pg: bool) -> None:
    """Migrate, (on PostgreSQL) empty, seed the roster, identities, concerns, reminders."""
    from sqlalchemy import insert, select, text

    from storage.db import make_engine, session_factory
    from storage.migrate import upgrade_async
    from storage.store import SqlStore
    from storage.tables import Concern, OrgUnit, Person, Reminder, RoleAssignment
    from tests.support.harness import seed_roster

    await upgrade_async(url)
    if pg:
        await _wipe(url)
    await seed_roster(url)
    engine = make_engine(url)
    sf = session_factory(engine)
    try:
        async with sf() as s, s.begin():
            store = SqlStore(s)
            people = (await s.execute(select(Person.number, Person.id))).all()
            for number, pid in people:  # everyone has a reachable chat
                ident = await store.upsert_identity("telegram", number, number, username=None,
                                                    display_name=None, now=NOW - timedelta(days=30))
                await store.link_identity(ident.id, pid)
        async with sf() as s:
            members = sorted(set((await s.execute(
                select(RoleAssignment.person_id).where(RoleAssignment.role == "party_member")
            )).scalars()))
            students = sorted(set((await s.execute(
                select(Person.id).where(Person.kind == "student", Person.active.is_(True))
            )).scalars()))
            university = (await s.execute(select(OrgUnit.code).where(
                OrgUnit.kind == "university"))).scalars().first() or "DEMO"
        if not members or not students:
            raise BenchError("the example roster has no party members or no students")

        due = due_rows(args.concerns, args.due)
        concern_rows: list[dict[str, Any]] = []
        reminder_rows: list[dict[str, Any]] = []
        day = timedelta(days=1)
        for i in range(args.concerns):
            cid = i + 1
            # Submitted 0-16 h ago: every step of every limit is still ahead.
            start = NOW - timedelta(minutes=(i * 7) % (16 * 60))
            limits = {"accept": start + day, "contact": start + day, "reply": start + 7 * day}
            concern_rows.append(dict(
                id=cid, number=f"{university}-2026-{cid:06d}",
                requester_id=students[i % len(students)], type="help", category="logistics",
                urgency="P2", status="dispatched", anonymous=False,
                text=f"宿舍{i % 9 + 1}号楼{i % 500 + 100}室的热水器坏了，已经三天没有热水了。",
                assigned_member_id=members[i % len(members)], zone_id=None,
                routing_reason="bench: zone member", source_channel="telegram",
                source_key=f"bench:{cid}", created_at=start, updated_at=start,
                due_reply_at=limits["reply"], deadline_from=start,
                due_accept_at=limits["accept"], due_contact_at=limits["contact"],
                escalation_level=0, ladder_plan=None, reopen_count=0, about_member=False,
                crisis=False))
            now_row = due.get(i)
            for si, subject in enumerate(SUBJECTS):
                limit_due = limits[subject]
                times = _ladder_times(start, limit_due)
                for step in range(STEPS):
                    at, lim = times[step], limit_due
                    if now_row == si * STEPS + step:
                        # Due within the last hour; the limit as it would be for that step.
                        at = NOW - timedelta(minutes=1 + i % 59)
                        lim = (at + timedelta(hours=4) if step == 0 else at if step == 1 else
                               at - timedelta(days=2 if step == 2 else 7))
                    reminder_rows.append(dict(
                        key=f"ladder:{cid}:{subject}:{step}:{int(lim.timestamp())}",
                        kind="ladder", subject=subject, step=step, concern_id=cid,
                        recipient_id=None, urgent=False, due_at=at, status="pending",
                        detail={"limit_due": lim.isoformat()}, created_at=start,
                        done_at=None))
        async with sf() as s, s.begin():
            for table, rows in ((Concern.__table__, concern_rows),
                                (Reminder.__table__, reminder_rows)):
                for k in range(0, len(rows), CHUNK):
                    await s.execute(insert(table), rows[k:k + CHUNK])  # type: ignore[arg-type]
            if pg:  # the concern ids were given: move the sequence past them
                await s.execute(text("SELECT setval(pg_get_serial_sequence('concerns', 'id'), "
                                     "(SELECT max(id) FROM concerns))"))
        if pg:
            async with engine.connect() as conn:  # VACUUM runs outside a transaction
                auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
                for name in ("reminders", "concerns", "channel_identities", "people"):
                    await auto.execute(text(f"VACUUM ANALYZE {name}"))
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------------- measure
async def check(url: str, args: argparse.Namespace, run: Any) -> int:
    """The database must agree with the sweep; return the outbox rows written."""
    from sqlalchemy import func, select

    from storage.db import make_engine, session_factory
    from storage.tables import AuditLog, ConcernEvent, OutboxRow, Reminder

    engine = make_engine(url)
    try:
        async with session_factory(engine)() as s:
            statuses = dict((await s.execute(select(Reminder.status, func.count())
                                             .group_by(Reminder.status))).all())
            events = dict((await s.execute(
                select(ConcernEvent.kind, func.count())
                .where(ConcernEvent.kind.like("ladder_%")).group_by(ConcernEvent.kind))).all())
            outbox = (await s.execute(select(func.count()).select_from(OutboxRow))).scalar_one()
            undeliverable = (await s.execute(select(func.count()).select_from(AuditLog).where(
                AuditLog.kind == "undeliverable"))).scalar_one()
    finally:
        await engine.dispose()
    total = args.concerns * len(SUBJECTS) * STEPS
    problems = []
    if statuses != {"sent": args.due, "pending": total - args.due}:
        problems.append(f"reminders {statuses}, expected {args.due} sent and "
                        f"{total - args.due} pending")
    if sum(events.values()) != args.due:
        problems.append(f"{sum(events.values())} ladder events {events}, expected {args.due}")
    per_step = {k: args.due // STEPS + (1 if s < args.due % STEPS else 0)
                for s, k in enumerate(("ladder_remind", "ladder_supervise", "ladder_college",
                                       "ladder_orgdept"))}
    if events != {k: v for k, v in per_step.items() if v}:
        problems.append(f"events per kind {events}, expected {per_step}")
    if (run.sent, run.dropped, run.cancelled, run.planned) != (args.due, 0, 0, 0):
        problems.append(f"the sweep reports {run}, expected {args.due} sent and nothing "
                        "planned, dropped or cancelled")
    if outbox != run.messages or outbox < args.due:
        problems.append(f"{outbox} outbox rows, the sweep reports {run.messages}; "
                        f"expected at least one per notice ({args.due})")
    if undeliverable:
        problems.append(f"{undeliverable} undeliverable notices")
    if problems:
        raise BenchError("; ".join(problems))
    return int(outbox)


async def measure(url: str, label: str, args: argparse.Namespace, pg: bool,
                  profile: str | None) -> Result:
    from bot.workcalendar import ChinaWorkCalendar
    from core.clock import FixedClock
    from core.concerns.deadlines import LadderRules
    from scheduler.ladder_sweep import ladder_sweep
    from storage.db import make_engine, session_factory

    t0 = time.perf_counter()
    await prepare(url, args, pg)
    setup = time.perf_counter() - t0
    rules = LadderRules(calendar=ChinaWorkCalendar())
    if rules.quiet(NOW):
        raise BenchError(f"{NOW} is in the quiet hours")
    engine = make_engine(url)
    try:
        sf = session_factory(engine)
        async with sf() as s:  # open the pool's connection before the clock starts
            await s.connection()
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        run = await ladder_sweep(sf, FixedClock(NOW), rules=rules)
        sweep, cpu = time.perf_counter() - t0, time.process_time() - c0
        if profiler is not None and profile:
            profiler.disable()
            profiler.dump_stats(profile)
    finally:
        await engine.dispose()
    outbox = await check(url, args, run)
    return Result(label, setup, sweep, cpu, run.sent, outbox)


def show(r: Result, prefix: str) -> str:
    return (f"{prefix}{r.database:10s}: setup {r.setup:6.1f} s (untimed)  sweep "
            f"{r.sweep:7.3f} s (CPU {r.cpu:6.3f} s)  {r.notices / r.sweep:6.0f} notices/s  "
            f"{r.notices} notices -> {r.outbox} outbox rows")


async def main_bench(args: argparse.Namespace) -> int:
    pg_url = args.db
    if pg_url and not pg_url.startswith("postgresql"):
        print("--db takes a postgresql+asyncpg:// URL (SQLite always runs on a temp file)",
              file=sys.stderr)
        return 2
    if pg_url and not args.wipe:
        print("--db postgresql+asyncpg://... deletes every row of that database before each "
              "run; add --wipe to confirm it is a scratch database", file=sys.stderr)
        return 2
    import sqlalchemy

    print(f"ladder sweep benchmark: {args.concerns} open concerns x 12 reminder rows, "
          f"{args.due} due now, {args.runs} run(s); SQLite {__import__('sqlite3').sqlite_version}"
          f"{' and PostgreSQL' if pg_url else ''}; Python {platform.python_version()}, "
          f"SQLAlchemy {sqlalchemy.__version__}, {platform.machine()}", flush=True)
    results: dict[str, list[Result]] = {"SQLite": [], "PostgreSQL": []}
    tmp = tempfile.mkdtemp(prefix="xq-bench-sched-")
    try:
        for n in range(1, args.runs + 1):
            targets = [("SQLite", f"sqlite+aiosqlite:///{tmp}/run{n}.db", False)]
            if pg_url:
                targets.append(("PostgreSQL", pg_url, True))
            for label, url, pg in targets:
                profile = (f"{args.profile}.{label.lower()}" if args.profile and n == 1
                           else None)
                r = await measure(url, label, args, pg, profile)
                results[label].append(r)
                print(show(r, f"run {n}/{args.runs} "), flush=True)
            Path(f"{tmp}/run{n}.db").unlink(missing_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for label, rs in results.items():
        if rs:
            med = statistics.median(r.sweep for r in rs)
            print(f"{label}: median sweep {med:.3f} s over {len(rs)} run(s) "
                  f"({', '.join(f'{r.sweep:.3f}' for r in rs)}), median CPU "
                  f"{statistics.median(r.cpu for r in rs):.3f} s, "
                  f"{args.due / med:.0f} notices/s, {rs[-1].outbox} outbox rows")
    print(f"sweep seconds: {statistics.median(r.sweep for r in results['SQLite']):.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--concerns", type=int, default=100_000, help="open concerns")
    p.add_argument("--due", type=int, default=5000,
                   help="concerns with one reminder row due now (the notices sent)")
    p.add_argument("--runs", type=int, default=1, help="runs per database; the median is shown")
    p.add_argument("--db", default=None,
                   help="also run on this PostgreSQL database (postgresql+asyncpg://...); it is "
                        "emptied before each run (needs --wipe)")
    p.add_argument("--wipe", action="store_true", help="allow emptying the PostgreSQL --db")
    p.add_argument("--profile", default=None,
                   help="cProfile the first run's sweeps into PATH.sqlite / PATH.postgresql")
    args = p.parse_args(argv)
    if args.concerns < 1 or args.runs < 1 or not 0 < args.due <= args.concerns:
        p.error("--concerns and --runs must be positive and 0 < --due <= --concerns")
    try:
        return asyncio.run(main_bench(args))
    except BenchError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
