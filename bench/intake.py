"""Intake benchmark: the production pipeline against a bare aiogram echo bot.

    .venv/bin/python bench/intake.py [--n 5000] [--users 500] [--runs 3] [--db URL]

One fake Bot API server (``tests.support.fake_bot_api``, standalone, in its own process)
is shared by both sides and reset between them. Each side's bot runs in its own
subprocess, so its CPU time (user + system, read with psutil) is its own:

* **ours**: ``build_runtime`` from ``bot.app`` with the production poller, inbox
  worker and outbox sender: getUpdates -> store the batch in the inbox and commit ->
  only then ask for the next offset (acknowledge) -> the inbox worker handles each row
  through ``handlers.router`` in one transaction with its outbox row -> the sender calls
  sendMessage and records the delivery. The database is a fresh SQLite file per run
  (migrated with ``storage.migrate.upgrade`` and seeded with examples/roster.xlsx, both
  before the clock starts), or ``--db postgresql+asyncpg://...`` (emptied and reseeded
  before each run; needs ``--wipe`` because it deletes every row).
  The sender's rate limits are lifted out of the way (global and per-chat 1e6/s,
  concurrency 64) because the fake enforces none: this measures the pipeline's own
  cost, not Telegram's limits. Everything else is the production config.toml.
* **echo**: aiogram's default polling, ``Dispatcher.start_polling`` with one message
  handler that answers every message with one ``message.answer(text)`` (sendMessage).

Workload: ``--users`` users (new to the bot, not bound to a roster person) send ``--n``
updates between them (n/users each). Each user behaves like a person in a chat: the
first message of every user is pushed at once (in shuffled order, chunks of 250 per
control request), and each user's next message is pushed as soon as the reply to the
previous one has reached the fake (the bench reads the fake's call log every few ms).
So up to ``--users`` updates are in flight at a time, and a chat never has two replies
queued: the sender's merging of a chat's queued replies into one message cannot kick in,
and any reply beyond one per update is counted and reported (it must be 0).
Each user alternates two messages, chosen because each produces exactly ONE reply and
writes to the database on every update:

1. a plain text describing a problem. In the idle state this starts the intake wizard:
   the router upserts the channel identity, counts the chat's recent inbox rows (flood
   check), stores a draft holding the text in the conversation row, reads the college
   list and enqueues one reply, the college question with its keyboard (an unbound user
   must give a college first);
2. ``/cancel``. In the wizard this resets the conversation row to idle and enqueues one
   reply, "cancelled" with the main-menu keyboard.

The flood limit is raised above the per-user message count so no flood notice is added.
Per update, ours writes the inbox row, the conversation, the outbox row, the inbox row's
"done" and the outbox row's "sent" (plus the identity on a user's first message); the
echo bot writes nothing.

Figures, per side and run: rate = N / (last sendMessage arrival at the fake - first push);
latency = for each chat, the k-th push is matched with the k-th sendMessage to that
chat (arrival times are the fake's ``time.monotonic()``, the same clock as ours on one
machine); CPU per update = the bot process's CPU seconds from the first push until 0.1 s
after the last reply, divided by N. The fake's own CPU is shown for context. The summary
is the median of ``--runs`` runs; the last line is ``intake ratio: <ours rate / echo rate>``
(median rates).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.sides import TOKEN  # noqa: E402 - needs ROOT on sys.path when run as a script

USER_BASE = 700_000_000
PUSH_CHUNK = 250
POLL_INTERVAL = 0.005  # seconds between looks at the fake's call log when idle
SEED = 20240601
CONCERNS = (
    "宿舍3号楼307的热水器坏了，已经三天没有热水了。",
    "图书馆二楼的空调一直在漏水，地上很滑。",
    "食堂晚上九点后就没有饭了，希望延长营业时间。",
    "The street light outside building 5 has been off for a week.",
    "实验室的网络经常断线，影响毕业论文的数据处理。",
    "希望学院能多组织一些志愿服务活动。",
)


# --------------------------------------------------------------------------- workload
def workload(n: int, users: int) -> list[list[dict[str, Any]]]:
    """Each user's messages in order (n in all): concern text, /cancel, concern text, ..."""
    users = min(users, n)
    per_user = [n // users + (1 if u < n % users else 0) for u in range(users)]
    return [[{"kind": "text", "user_id": USER_BASE + u, "first_name": f"同学{u}",
              "text": CONCERNS[(u + j // 2) % len(CONCERNS)] if j % 2 == 0 else "/cancel"}
             for j in range(k)] for u, k in enumerate(per_user)]


# ------------------------------------------------------------------------ measurement
@dataclass
class Result:
    side: str
    rate: float
    p50: float
    p99: float
    cpu: float  # bot process CPU seconds per update
    fake_cpu: float  # fake server CPU seconds per update
    replies: int  # sendMessage calls
    extra: int  # sendMessage calls beyond one per update (must be 0)
    polls: int  # getUpdates calls


def _cpu(proc: Any) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * len(s) + 0.5)) - 1))]


async def _push(api: Any, specs: list[dict[str, Any]], pushed_at: dict[int, float]) -> None:
    for i in range(0, len(specs), PUSH_CHUNK):
        chunk = specs[i:i + PUSH_CHUNK]
        at = time.monotonic()
        await api.push(chunk)
        for spec in chunk:
            pushed_at[spec["user_id"]] = at


async def drive(side: str, api: Any, users: list[list[dict[str, Any]]], first_order: list[int],
                child: Any, n: int) -> tuple[list[float], float, float, int]:
    """Closed loop per user: push each user's next message when its reply has arrived.

    Returns (latencies, first push time, last reply time, replies beyond one per update).
    """
    nxt = {msgs[0]["user_id"]: 1 for msgs in users}
    by_user = {msgs[0]["user_id"]: msgs for msgs in users}
    pushed_at: dict[int, float] = {}
    latencies: list[float] = []
    since, extra, last = 0, 0, 0.0
    first = time.monotonic()
    await _push(api, [users[u][0] for u in first_order], pushed_at)
    deadline = time.monotonic() + max(120.0, n / 20)
    while len(latencies) < n:
        calls = await api.calls(since)
        since += len(calls)
        follow: list[dict[str, Any]] = []
        for c in calls:
            if c["method"] != "sendMessage":
                continue
            if c["response_status"] != 200:
                raise RuntimeError(f"{side}: sendMessage failed: {c}")
            chat = int(c["params"]["chat_id"])
            at = pushed_at.pop(chat, None)
            if at is None:  # a reply nobody is waiting for: a duplicate or a second reply
                extra += 1
                continue
            latencies.append(c["at"] - at)
            last = max(last, c["at"])
            msgs = by_user[chat]
            if nxt[chat] < len(msgs):
                follow.append(msgs[nxt[chat]])
                nxt[chat] += 1
        if follow:
            await _push(api, follow, pushed_at)
        elif not calls:
            if child.returncode is not None:
                raise RuntimeError(f"{side} bot exited with {child.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{side}: only {len(latencies)}/{n} replies in time")
            await asyncio.sleep(POLL_INTERVAL)
    await asyncio.sleep(0.1)  # a late duplicate or second reply would show up here
    extra += sum(1 for c in await api.calls(since) if c["method"] == "sendMessage")
    return latencies, first, last, extra


async def measure(side: str, args: argparse.Namespace, api: Any, fake_pid: int,
                  users: list[list[dict[str, Any]]], first_order: list[int],
                  db_url: str | None) -> Result:
    import psutil

    n = sum(len(m) for m in users)
    await api.reset(updates=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--side", side,
           "--api-base", args.api_base, "--per-user", str(max(len(m) for m in users))]
    if db_url:
        cmd += ["--db", db_url]
    if args.profile and side == "ours":
        cmd += ["--profile", args.profile]
    child = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 120)
        if line.strip() != b"READY":
            raise RuntimeError(f"{side} bot did not start (got {line!r})")
        await asyncio.sleep(0.5)  # let the first getUpdates reach the fake
        await api.reset()  # forget startup calls (getMe, setMyCommands, ...)
        bot_ps, fake_ps = psutil.Process(child.pid), psutil.Process(fake_pid)
        cpu0, fake0 = _cpu(bot_ps), _cpu(fake_ps)
        latencies, first, last, extra = await drive(side, api, users, first_order, child, n)
        cpu1, fake1 = _cpu(bot_ps), _cpu(fake_ps)
        stats = await api.stats()
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(child.wait(), 15)
            except TimeoutError:
                child.kill()
                await child.wait()
    others = sorted(set(stats["counts"]) - {"sendMessage", "getUpdates"})
    if others:
        print(f"  note: {side} also called {others}", file=sys.stderr)
    if extra:
        print(f"  WARNING: {side} sent {extra} replies beyond one per update", file=sys.stderr)
    return Result(side, n / (last - first), _pct(latencies, 0.50), _pct(latencies, 0.99),
                  (cpu1 - cpu0) / n, (fake1 - fake0) / n, stats["counts"].get("sendMessage", 0),
                  extra, stats["counts"].get("getUpdates", 0))


def show(r: Result, label: str) -> str:
    return (f"{label} {r.side:4s}: {r.rate:8.1f} updates/s  p50 {r.p50 * 1000:7.1f} ms  "
            f"p99 {r.p99 * 1000:7.1f} ms  CPU {r.cpu * 1000:6.3f} ms/update "
            f"(fake API {r.fake_cpu * 1000:5.3f})  sendMessage {r.replies}  "
            f"getUpdates {r.polls}")


def median_result(side: str, rs: list[Result]) -> Result:
    med = statistics.median
    return Result(side, med(r.rate for r in rs), med(r.p50 for r in rs), med(r.p99 for r in rs),
                  med(r.cpu for r in rs), med(r.fake_cpu for r in rs),
                  int(med(r.replies for r in rs)), int(med(r.extra for r in rs)),
                  int(med(r.polls for r in rs)))


async def main_bench(args: argparse.Namespace) -> int:
    from tests.support.fake_bot_api_control import (
        FakeBotAPIControl,
        spawn_standalone,
        stop_standalone,
    )

    users = workload(args.n, args.users)
    first_order = list(range(len(users)))
    random.Random(SEED).shuffle(first_order)
    pg = bool(args.db and args.db.startswith("postgresql"))
    if pg and not args.wipe:
        print("--db postgresql+asyncpg://... deletes every row of that database before each "
              "run; add --wipe to confirm it is a scratch database", file=sys.stderr)
        return 2
    database = ("PostgreSQL" if pg else f"SQLite ({args.db})" if args.db
                else "SQLite (fresh temp file per run)")
    print(f"intake benchmark: N={args.n} updates from {args.users} users, {args.runs} runs; "
          f"database {database}; "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.machine()}")
    fake, base = await spawn_standalone(TOKEN)
    args.api_base = base
    results: dict[str, list[Result]] = {"ours": [], "echo": []}
    tmp = tempfile.mkdtemp(prefix="xq-bench-")
    try:
        async with FakeBotAPIControl(base) as api:
            for run in range(1, args.runs + 1):
                for side in ("ours", "echo"):
                    db_url = None
                    if side == "ours":
                        db_url = args.db or f"sqlite+aiosqlite:///{tmp}/run{run}.db"
                    r = await measure(side, args, api, fake.pid, users, first_order, db_url)
                    results[side].append(r)
                    print(show(r, f"run {run}/{args.runs}"), flush=True)
    finally:
        await stop_standalone(fake)
        shutil.rmtree(tmp, ignore_errors=True)
    ours, echo = median_result("ours", results["ours"]), median_result("echo", results["echo"])
    print(f"median of {args.runs} runs:")
    print(show(ours, "  "))
    print(show(echo, "  "))
    print("  per-run ratios: "
          + ", ".join(f"{o.rate / e.rate:.2f}" for o, e in zip(results["ours"], results["echo"])))
    print(f"intake ratio: {ours.rate / echo.rate:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=5000, help="updates per side and run")
    p.add_argument("--users", type=int, default=500, help="distinct users (chats)")
    p.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
    p.add_argument("--db", default=None,
                   help="database URL for ours (default: a fresh temp SQLite file per run); "
                        "a postgresql+asyncpg URL is emptied before each run (needs --wipe)")
    p.add_argument("--wipe", action="store_true", help="allow emptying a PostgreSQL --db")
    # Internal: run one side's bot (a child process of the benchmark).
    p.add_argument("--side", choices=("ours", "echo"), help=argparse.SUPPRESS)
    p.add_argument("--api-base", help=argparse.SUPPRESS)
    p.add_argument("--per-user", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--profile", help=argparse.SUPPRESS)  # cProfile ours into this file
    args = p.parse_args(argv)
    if args.side in ("ours", "echo"):
        from bench.sides import child_echo, child_ours

        (child_ours if args.side == "ours" else child_echo)(args)
        return 0
    if args.n < 1 or args.users < 1 or args.runs < 1:
        p.error("--n, --users and --runs must be positive")
    return asyncio.run(main_bench(args))


if __name__ == "__main__":
    sys.exit(main())
