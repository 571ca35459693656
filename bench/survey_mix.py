"""Mix sweep benchmark: what rewriting a large survey's responses costs (docs/decisions/0023).

    .venv/bin/python bench/survey_mix.py [--responses 30000] [--db URL]

On a fresh database (a temp SQLite file; with ``--db postgresql+asyncpg://...`` a scratch
database created on that server and dropped after) it stores one anonymous survey with
``--responses`` responses of eight answers each and three 民主测评 ratings per response,
marks it unmixed, and runs the mix sweep once while a second task commits one small write
(an audit row) every 20 ms, as the inbox worker does for each message. It prints the
sweep's wall time and the longest wait of those small writes: how long the bot's other
writes stall while a survey is mixed. The sweep runs every ``[surveys] mix_seconds``
(60) as long as responses keep coming.

The last line is ``mix: N responses S s, longest write wait W ms``.
"""
from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, update  # noqa: E402

from scheduler.survey_mix import mix_sweep  # noqa: E402
from storage.db import make_engine, session_factory  # noqa: E402
from storage.migrate import upgrade_async  # noqa: E402
from storage.tables import AuditLog, Survey, SurveyRating, SurveyResponse  # noqa: E402

ANSWERS = {f"q{i}": (i % 5) + 1 for i in range(1, 8)} | {"q8": "宿舍热水供应时间希望延长"}


async def seed(url: str, responses: int) -> None:
    engine = make_engine(url)
    now = datetime.now(timezone.utc)
    async with engine.begin() as conn:
        survey_id = (await conn.execute(insert(Survey).values(
            code="BENCH", title="测评", kind="satisfaction", anonymous=True, definition={},
            source="", opens_at=now, closes_at=now, status="open", created_at=now,
            updated_at=now).returning(Survey.id))).scalar_one()
        for start in range(0, responses, 2000):
            n = min(2000, responses - start)
            await conn.execute(insert(SurveyResponse), [{
                "id": secrets.token_hex(16), "survey_id": survey_id, "day": date.today(),
                "answers": ANSWERS, "college": f"C{i % 30:02d}", "branch": f"B{i % 360}",
                "person_kind": "student", "grade": "2024"} for i in range(start, start + n)])
            await conn.execute(insert(SurveyRating), [{
                "id": secrets.token_hex(16), "survey_id": survey_id, "question": "e1",
                "subject": f"p:{i % 500:010d}", "grade": "优秀"}
                for i in range(3 * start, 3 * (start + n))])
        await conn.execute(update(Survey).values(unmixed=responses))
    await engine.dispose()


async def small_writes(url: str, stop: asyncio.Event, waits: list[float]) -> None:
    engine = make_engine(url)
    sf = session_factory(engine)
    try:
        while not stop.is_set():
            started = time.perf_counter()
            async with sf() as session, session.begin():
                session.add(AuditLog(kind="bench_tick", created_at=datetime.now(timezone.utc),
                                     detail={}))
            waits.append(time.perf_counter() - started)
            await asyncio.sleep(0.02)
    finally:
        await engine.dispose()


async def measure(url: str, responses: int) -> tuple[float, float]:
    await upgrade_async(url)
    await seed(url, responses)
    engine = make_engine(url)
    stop, waits = asyncio.Event(), []
    writer = asyncio.create_task(small_writes(url, stop, waits))
    await asyncio.sleep(0.5)
    waits.clear()
    started = time.perf_counter()
    try:
        mixed = await mix_sweep(session_factory(engine))
    finally:
        took = time.perf_counter() - started
        await asyncio.sleep(0.2)
        stop.set()
        await writer
        await engine.dispose()
    assert mixed == 1, mixed
    return took, max(waits) if waits else 0.0


async def run(args: argparse.Namespace) -> None:
    if args.db:
        import asyncpg
        from sqlalchemy.engine import make_url

        base = make_url(args.db)
        name = f"xq_bench_mix_{uuid.uuid4().hex[:8]}"
        admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(admin)
        await conn.execute(f'CREATE DATABASE "{name}"')
        try:
            took, wait = await measure(
                base.set(database=name).render_as_string(hide_password=False), args.responses)
        finally:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()
    else:
        with tempfile.TemporaryDirectory(prefix="xq-bench-mix-") as tmp:
            took, wait = await measure(f"sqlite+aiosqlite:///{Path(tmp) / 'mix.db'}",
                                       args.responses)
    print(f"mix: {args.responses} responses {took:.2f} s, longest write wait "
          f"{wait * 1000:.0f} ms")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--responses", type=int, default=30000)
    p.add_argument("--db", default="")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
