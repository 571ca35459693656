"""`python -m bot sweep`: a sweep at a chosen time (--now) must not page live crisis cases
up the ladder unless the operator asks for it with --only crisis."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from core.crisis.detection import CrisisDetector
from core.crisis.case import open_crisis
from core.crisis.paging import CrisisRules
from core.people.roster_validation import validate_roster
from storage.people.roster import apply_roster, read_roster
from storage.store import SqlStore
from storage.tables import ChannelIdentity, CrisisPage, Person
from tests.support.harness import ROSTER

ROOT = Path(__file__).resolve().parents[2]
STUDENT = "2023010103"


def _sweep(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env["XQ_DATABASE__URL"] = db_url
    return subprocess.run([sys.executable, "-m", "bot", "sweep", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


async def _levels(sf) -> dict[int, int]:  # noqa: ANN001
    async with sf() as s:
        rows = await s.execute(select(CrisisPage.level, func.count()).group_by(CrisisPage.level))
        return dict(rows.all())


async def test_a_sweep_at_a_future_time_escalates_crisis_cases_only_when_asked(
        sf, db_url: str) -> None:  # noqa: ANN001
    now = datetime.now(timezone.utc)
    await apply_roster(sf, validate_roster(read_roster(ROSTER)), now=now - timedelta(days=1))
    async with sf() as s, s.begin():  # everyone has a chat: the first level can be reached
        for pid, number in (await s.execute(select(Person.id, Person.number))).all():
            s.add(ChannelIdentity(channel="web", external_id=number, chat_id=number,
                                  person_id=pid, created_at=now))
    match = CrisisDetector().detect("我不想活了")
    assert match is not None
    async with sf() as s, s.begin():  # a live case, opened just now: nobody has taken it yet
        student = await s.scalar(select(Person.id).where(Person.number == STUDENT))
        await open_crisis(SqlStore(s), now=now,
                          rules=CrisisRules(fallback_number="9103000001",
                                            final_number="9104000001"),
                          person_id=student, text="我不想活了", match=match,
                          source="intake_text", channel="telegram", source_key="k1")
    opened = await _levels(sf)
    assert set(opened) == {0}
    later = (now + timedelta(hours=2)).isoformat()

    out = _sweep(db_url, "--now", later)
    assert out.returncode == 0, out.stderr
    assert "回访：已询问 0 件" in out.stdout
    assert "已跳过危机个案逐级呼叫" in out.stdout and "--only crisis" in out.stdout
    out = _sweep(db_url, "--now", later, "--only", "followup")
    assert out.returncode == 0, out.stderr
    assert "危机" not in out.stdout
    assert await _levels(sf) == opened  # nobody was paged

    out = _sweep(db_url, "--now", later, "--only", "crisis")
    assert out.returncode == 0, out.stderr
    assert "回访" not in out.stdout and "危机个案逐级呼叫：1 次。" in out.stdout
    escalated = await _levels(sf)
    assert escalated[0] == opened[0] and escalated.get(1, 0) > 0  # the next level is paged


def test_sweep_refuses_an_unknown_sweep(tmp_path: Path) -> None:
    out = _sweep(f"sqlite+aiosqlite:///{tmp_path}/x.db", "--only", "everything")
    assert out.returncode == 2
    assert "参数 --only：无效的选择：'everything'" in out.stderr and "Traceback" not in out.stderr
