"""The ladder's clock is the configured zone's, not the server's (docs/decisions/0016, "Time
zones"): `python -m bot sweep --only ladder` in a process whose zone is UTC sends a notice
due at 09:00 Shanghai at 01:00Z, not before, and holds a P2 notice due at 23:00 Shanghai
(15:00Z, an ordinary afternoon in UTC) for Shanghai's quiet hours until 07:30 Shanghai."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

from sqlalchemy import select

from storage.tables import Reminder
from tests.support.db import query
from tests.support.ladder import ROOT, add_reminder, cli_env, ladder_outbox, open_concern, sweep

STUDENT, HANDLER = "2023010103", "2022010202"
CHAT = 6201
UTC = timezone.utc


def _z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def _statuses(db_url: str) -> list[str]:
    return [s for s, in await query(db_url, select(Reminder.status).order_by(Reminder.id))]


def test_the_child_process_really_runs_in_utc() -> None:
    probe = subprocess.run([sys.executable, "-c", "import time; print(time.strftime('%Z'), "
                            "time.localtime(3600).tm_hour)"], env=cli_env("x", TZ="UTC"),
                           cwd=ROOT, capture_output=True, text=True, check=True)
    assert probe.stdout.split() == ["UTC", "1"]


async def test_a_utc_server_reminds_at_shanghai_times(db_url: str) -> None:
    cid, number = await open_concern(db_url, STUDENT, {HANDLER: CHAT})
    # Wednesday 2026-12-02: 09:00 Shanghai is 01:00Z; 23:00 Shanghai is 15:00Z.
    await add_reminder(db_url, cid, "accept", 0, due=_z("2026-12-02T01:00"),
                       limit_due=_z("2026-12-02T06:00"))
    await add_reminder(db_url, cid, "contact", 0, due=_z("2026-12-02T15:00"),
                       limit_due=_z("2026-12-03T02:00"))

    async def at(now: str) -> int:
        return (await sweep(db_url, datetime.fromisoformat(now), "--only", "ladder",
                            TZ="UTC")).sent

    assert await at("2026-12-02T00:59:00+00:00") == 0  # 08:59 Shanghai: not yet due
    assert await _statuses(db_url) == ["pending", "pending"]
    assert await ladder_outbox(db_url) == []

    assert await at("2026-12-02T01:00:30+00:00") == 1  # 09:00:30 Shanghai
    assert await _statuses(db_url) == ["sent", "pending"]
    (chat, key, params, locale), = await ladder_outbox(db_url)
    assert (chat, key, locale) == (str(CHAT), "ladder.remind", "zh_CN")
    assert params["number"] == number
    assert params["due"] == "12-02 14:00"  # the limit shown in Shanghai time, not 06:00

    # 15:00:30Z is 23:00:30 in Shanghai: quiet hours there (not in UTC), so P2 waits...
    assert await at("2026-12-02T15:00:30+00:00") == 0
    assert await _statuses(db_url) == ["sent", "pending"]
    assert len(await ladder_outbox(db_url)) == 1
    # ...until 07:30 Shanghai (23:30Z), and goes at the first sweep after it.
    assert await at("2026-12-02T23:31:00+00:00") == 1
    assert await _statuses(db_url) == ["sent", "sent"]
    sent = await ladder_outbox(db_url)
    assert [(c, k) for c, k, _, _ in sent] == [(str(CHAT), "ladder.remind")] * 2
    assert sent[1][2]["due"] == "12-03 10:00"
