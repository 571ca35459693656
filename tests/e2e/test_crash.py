"""Crashes of the bot process: every update handled once, every concern created once.

The bot runs as its own process (``python -m bot run``) against the fake Bot API in this
process. It is killed at the three deterministic crash points (``XQ_CRASH_AT``) and by
SIGKILL while rows are provably unprocessed, then restarted on the same database.

What "exactly once" means here, checked after the restart has drained everything:

* inbox: one row per update pushed (a re-delivered batch adds nothing), all ``done``;
* concerns: one per user who pressed "submit", unique numbers, one ``received`` event;
* replies: every update's reply reached its chat (each bulk reply carries a unique token,
  the unknown command it answers); every pressed button was answered;
* duplicates: a reply reaches a chat twice only if, when the process died, the Bot API had
  already taken it but its outbox row was not yet recorded as sent (the send/record
  window); such a row is sent again exactly once. The set of duplicated replies must
  equal the set measured at the crash, so it is empty for after_store and mid_handling,
  where the sender is idle at the crash by construction.
"""
from __future__ import annotations

import asyncio
import socket
import time
import tomllib
from pathlib import Path

import aiohttp
import pytest

from storage.tables import InboxRow, OutboxRow
from tests.support.botprocess import ROOT, BotLauncher, bot_env
from tests.support.crash_checks import (
    Bulk,
    CONCURRENCY,
    Db,
    FAST,
    GETUPDATES_LIMIT,
    Stopwatch,
    Submitter,
    check_exactly_once,
    pushed,
    settle,
    snapshot,
)
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, seed_roster

# A crash between a delivery and its record may re-send a callback answer: the e2e
# conftest then counts the answers Telegram accepted (the checks here bound the rest).
pytestmark = [pytest.mark.slow, pytest.mark.crash_resends]


@pytest.fixture(scope="module")
def launcher(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with BotLauncher(tmp_path_factory.mktemp("bots")) as bots:
        yield bots


# ------------------------------------------------------------------------------ tests
@pytest.mark.parametrize(("point", "after"), [
    ("after_store", 1),   # the first batch is committed, then death before it is confirmed
    ("mid_handling", 1),  # the first row handled dies before its commit; its siblings too
    ("after_send", 10),   # the 10th delivery is made, then death before it is recorded
])
async def test_crash_point_gives_everything_exactly_once(
        point: str, after: int, db_url: str, launcher: BotLauncher) -> None:
    await seed_roster(db_url)
    db = Db(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        bulk = Bulk(api, range(7001, 7021))
        submitters = [Submitter(api, 8001 + i) for i in range(5)]
        expected = bulk.expected() | {e for s in submitters for e in s.expected()}
        lap = Stopwatch()
        try:
            with launcher.diagnostics(api.describe):
                # Phase 1, in-process and crash-free: history, and drafts at "confirm".
                async with RunningBot(bot_settings(db_url, api.base_url, **FAST)):
                    bulk.push(1)
                    await asyncio.gather(*(s.until_confirm(20) for s in submitters))
                    expected = bulk.expected() | {e for s in submitters for e in s.expected()}
                    lap("phase 1: drafts at confirm")
                    await settle(db, api, expected)
                lap("phase 1: settled and stopped")
                done_before = (await db.statuses(InboxRow))["done"]
                outbox_before = await db.count(OutboxRow)

                # Phase 2: the submissions and 100 more updates, to a bot that will die.
                assert not api.pending_updates(), "phase 1 left unconfirmed updates"
                first = api.next_update_id
                for s in submitters:
                    await s.press_submit()
                bulk.push(5)
                wave = list(range(first, api.next_update_id))
                assert len(wave) > GETUPDATES_LIMIT
                expected = bulk.expected() | {e for s in submitters for e in s.expected()}
                bot = launcher.start(bot_env(db_url, api.base_url, TOKEN, XQ_CRASH_AT=point,
                                             XQ_CRASH_AFTER=after,
                                             XQ_OUTBOX__CONCURRENCY=CONCURRENCY), name=point)
                await bot.wait_ready()
                lap("phase 2: bot ready")
                assert await bot.wait_exit(30) == 77, bot.tail()
                lap("phase 2: bot died")
                assert f"crash point {point} reached" in bot.log()
                snap = await snapshot(db, api)
                print(snap.describe())

                assert snap.inbox.get("pending", 0) > 0 or snap.outbox.get("pending", 0) > 0
                # The sender never has more than its concurrency delivered-but-unrecorded.
                assert snap.unrecorded_calls <= CONCURRENCY, snap.describe()
                if point == "after_store":
                    # The first batch is stored, nothing of it handled, and Telegram was
                    # never told: it will hand out the same 100 updates again.
                    assert snap.inbox == {"done": done_before, "pending": GETUPDATES_LIMIT}
                    assert snap.pending_update_ids == set(wave[:GETUPDATES_LIMIT])
                    assert snap.pending_update_ids <= {
                        u["update_id"] for u in api.pending_updates()}
                if point == "mid_handling":
                    # The row that reached the crash point and every row handled beside it
                    # rolled back: no concern, no reply, no done row from this wave.
                    assert snap.inbox["done"] == done_before
                    assert snap.inbox.get("pending", 0) > 0
                    assert snap.concerns == 0
                    assert await db.count(OutboxRow) == outbox_before
                if point in ("after_store", "mid_handling"):
                    assert snap.outbox.get("pending", 0) == 0
                    assert not snap.unrecorded_sends and not snap.unrecorded_answers
                if point == "after_send":
                    # The crashing delivery reached the API and was not recorded.
                    assert snap.outbox["pending"] > 0
                    assert (snap.unrecorded_sends or snap.unrecorded_answers
                            or snap.unrecorded_edits), snap.describe()

                # Phase 3: restart without the crash point and drain.
                again = launcher.restart(bot)
                await again.wait_ready()
                lap("phase 3: restarted")
                await asyncio.gather(*(s.submitted(30) for s in submitters))
                await settle(db, api, expected, bot=again)
                lap("phase 3: settled")
                dups = await check_exactly_once(db, api, update_ids=pushed(api),
                                                expected=expected, submitters=submitters,
                                                snap=snap)
                if point != "after_send":
                    assert not dups
                print(f"{point}: {sum(dups.values())} duplicate replies; {snap.describe()}")
        finally:
            await db.close()


async def test_kill_9_with_rows_in_flight_then_restart(db_url: str, launcher: BotLauncher) -> None:
    """Hundreds of updates from many users; SIGKILL while rows are provably unprocessed."""
    await seed_roster(db_url)
    db = Db(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        bulk = Bulk(api, range(7001, 7061))
        submitters = [Submitter(api, 8001 + i) for i in range(10)]
        lap = Stopwatch()
        tasks: list[asyncio.Task] = []
        try:
            with launcher.diagnostics(api.describe):
                bot = launcher.start(bot_env(db_url, api.base_url, TOKEN,
                                             XQ_OUTBOX__CONCURRENCY=CONCURRENCY), name="kill9")
                await bot.wait_ready()
                lap("bot ready")
                tasks += [asyncio.create_task(s.full(timeout=60)) for s in submitters]
                bulk.push(5)  # 300 updates at once, plus 60 button presses and texts
                expected = bulk.expected() | {e for s in submitters for e in s.expected()}

                # Provably unprocessed: handled rows and replies exist, and so do rows
                # that wait to be handled.
                deadline = time.monotonic() + 30
                while True:
                    inbox, outbox = await db.statuses(InboxRow), await db.statuses(OutboxRow)
                    if inbox.get("done", 0) >= 120 and inbox.get("pending", 0) >= 40 \
                            and outbox.get("sent", 0) > 0:
                        break
                    assert bot.alive, "the bot died on its own"
                    assert time.monotonic() < deadline, f"no backlog seen: {inbox} {outbox}"
                    await asyncio.sleep(0.01)
                bot.kill()
                lap("killed")
                assert bot.returncode == -9
                snap = await snapshot(db, api)
                print(snap.describe())
                assert snap.inbox.get("pending", 0) > 0, "the kill must leave unhandled rows"
                assert snap.inbox.get("done", 0) > 0
                assert snap.unrecorded_calls <= CONCURRENCY, snap.describe()

                again = launcher.restart(bot)
                await again.wait_ready()
                lap("restarted")
                await settle(db, api, expected, tasks=tuple(tasks), bot=again, timeout=60)
                lap("settled")
                assert len(pushed(api)) >= 360
                dups = await check_exactly_once(db, api, update_ids=pushed(api),
                                                expected=expected, submitters=submitters,
                                                snap=snap)
                print(f"kill -9: {sum(dups.values())} duplicate replies; {snap.describe()}")
        finally:
            for t in tasks:
                t.cancel()
            await db.close()


async def test_a_test_bot_serves_while_the_shipped_web_port_is_taken(
        tmp_path: Path, launcher: BotLauncher) -> None:
    """`make test` while `make run` serves on config.toml's port: every bot a test starts
    takes a free port of its own, so it runs, serves and stops cleanly all the same."""
    with open(ROOT / "config.toml", "rb") as f:
        shipped = tomllib.load(f)["web"]["port"]
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", shipped))
        holder.listen()
    except OSError:
        pass  # already taken (by `make run`, say): just as good
    try:
        async with FakeBotAPI(token=TOKEN) as api:
            with launcher.diagnostics(api.describe):
                bot = launcher.start(bot_env(f"sqlite+aiosqlite:///{tmp_path}/x.db",
                                             api.base_url, TOKEN), name="port")
                port = int(bot.env.get("XQ_WEB__PORT", shipped))
                deadline = time.monotonic() + 30
                while "正在运行：Telegram 和网页聊天" not in bot.log():
                    assert bot.alive, f"the bot stopped\n{bot.tail()}"
                    assert time.monotonic() < deadline, bot.tail()
                    await asyncio.sleep(0.05)
                async with aiohttp.ClientSession() as http, \
                        http.get(f"http://127.0.0.1:{port}/") as r:
                    assert r.status == 200
                assert bot.terminate(timeout=40) == 0, bot.tail()
    finally:
        holder.close()
