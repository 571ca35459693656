"""Web chat benchmark: POST /api/messages -> inbox -> handlers -> outbox -> SSE event.

    .venv/bin/python bench/web.py [--users 100] [--messages 10] [--runs 3] [--db URL]

Per run, this process (the client) makes a fresh database (a temp SQLite file; with
``--db postgresql+asyncpg://...`` a scratch database created on that server and dropped
after), migrates it, seeds examples/roster.xlsx, adds ``--users`` students and issues each
a web token. A child process serves the real runtime (``build_runtime``: web on, demo
off, no Telegram token, a free loopback port): its CPU and peak RSS (VmHWM, Linux) are
the server's alone. Each user opens its SSE stream, then all at once each POSTs "/help"
(one reply for anyone) and waits for the reply event before the next (closed loop).
Latency: POST sent -> reply event read. Outbox rate limits stay as configured (the web
channel has none); the flood limit is raised above ``--messages``. Any missing, wrong or
extra reply, or inbox/outbox rows other than users x messages done/sent, fails (exit 1).
The last line is ``web p99 ms: <median of --runs runs>``.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# noqa: E402 below - these need ROOT on sys.path; the server process imports them anyway
from storage.db import make_engine, session_factory  # noqa: E402
from storage.tables import InboxRow, OrgUnit, OutboxRow, Person  # noqa: E402

TEXT = "/help"
REPLY_TIMEOUT = 30.0  # seconds a user waits for one reply before the run fails


class BenchError(Exception):
    """A wrong or missing reply, or a server that did not start: the run is invalid."""


async def serve(args: argparse.Namespace) -> None:
    """The child process: the production runtime with the web chat, until SIGTERM."""
    from bot.app import build_runtime
    from bot.config import load_settings
    from bot.web.runtime import start_web

    rt = await build_runtime(load_settings(
        ROOT / "config.toml", database={"url": args.db}, telegram={"token": ""},
        web={"enabled": True, "demo": False, "host": "127.0.0.1", "port": args.port,
             "upload_dir": args.upload_dir},
        flood={"max_messages": max(20, args.messages + 1)}))
    assert rt.web is not None and rt.poller is None
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    runner = await start_web(rt.web.app(), "127.0.0.1", args.port)
    tasks = [asyncio.create_task(c) for c in rt.workers(stop)]
    print("READY", flush=True)
    await stop.wait()
    await runner.cleanup()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)  # a crashed loop raises here
    await rt.aclose()


async def pg_exec(url: str, sql: str) -> None:
    import asyncpg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=10)
    await conn.execute(sql)
    await conn.close()


async def prepare(url: str, users: int) -> list[str]:
    """Migrate, seed the roster, add ``users`` students; return a web token for each."""
    from bot.web.tokens import issue_tokens
    from core.clock import SystemClock
    from storage.migrate import upgrade_async
    from tests.support.harness import seed_roster

    await upgrade_async(url)
    await seed_roster(url)
    now, numbers = SystemClock().now(), [f"WB{i:06d}" for i in range(users)]
    engine = make_engine(url)
    sf = session_factory(engine)
    async with sf() as s, s.begin():
        college = (await s.execute(select(OrgUnit.id).where(OrgUnit.kind == "college")
                                   .order_by(OrgUnit.id))).scalars().first()
        s.add_all(Person(number=n, name=f"压测同学{i}", kind="student", unit_id=college,
                         verified=True, active=True, created_at=now, updated_at=now)
                  for i, n in enumerate(numbers))
    tokens = await issue_tokens(sf, numbers, now)
    await engine.dispose()
    return [tokens[n] for n in numbers]


async def check_rows(url: str, expected: int) -> None:
    """The database must agree: every POST handled once, one reply sent for each."""
    engine = make_engine(url)
    async with session_factory(engine)() as s:
        found = [dict((await s.execute(select(t.status, func.count()).where(
            t.channel == "web").group_by(t.status))).all()) for t in (InboxRow, OutboxRow)]
    await engine.dispose()
    if found != [{"done": expected}, {"sent": expected}]:
        raise BenchError(f"expected {expected} done inbox and {expected} sent outbox rows "
                         f"(web); found inbox {found[0]}, outbox {found[1]}")


@dataclass
class User:
    n: int
    auth: dict[str, str]  # the Authorization header with the person's token
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    events: asyncio.Queue = field(default_factory=asyncio.Queue)
    latencies: list[float] = field(default_factory=list)
    last: float = 0.0

    async def listen(self, http: aiohttp.ClientSession) -> None:
        """Read the SSE stream; queue (arrival time, event) for each event."""
        async with http.get("/api/events", headers=self.auth) as r:
            if r.status != 200:
                raise BenchError(f"user {self.n}: GET /api/events answered {r.status}")
            self.connected.set()
            data = None
            async for raw in r.content:  # line by line; ": ping" comments are skipped
                line = raw.decode().rstrip("\r\n")
                if line.startswith("data: "):
                    data = line[6:]
                elif not line and data is not None:
                    self.events.put_nowait((time.monotonic(), json.loads(data)))
                    data = None
        raise BenchError(f"user {self.n}: the event stream closed")

    async def talk(self, http: aiohttp.ClientSession, messages: int) -> None:
        for k in range(1, messages + 1):
            sent = time.monotonic()
            async with http.post("/api/messages", headers=self.auth,
                                 json={"client_id": f"b{k}", "text": TEXT}) as r:
                body = await r.json()
                if r.status != 202 or body != {"stored": True, "duplicate": False}:
                    raise BenchError(f"user {self.n} message {k}: {r.status} {body}")
            try:
                at, event = await asyncio.wait_for(self.events.get(), REPLY_TIMEOUT)
            except TimeoutError:
                raise BenchError(f"user {self.n}: no reply to message {k}/{messages} "
                                 f"within {REPLY_TIMEOUT:.0f} s") from None
            if event.get("kind") != "message" or event.get("key") != "help.text":
                raise BenchError(f"user {self.n} message {k}: unexpected event {event}")
            self.latencies.append(at - sent)
            self.last = max(self.last, at)


# cpu: server CPU seconds per message; rss: the server's peak RSS in MiB
Result = namedtuple("Result", "messages wall p50 p95 p99 cpu rss")


async def until(main: asyncio.Future, streams: list[asyncio.Task], what: str,
                timeout: float | None = None) -> None:
    """Wait for ``main``; a stream that fails first, or a timeout, fails the run."""
    done, _ = await asyncio.wait([main, *streams], timeout=timeout,
                                 return_when=asyncio.FIRST_COMPLETED)
    for t in done:
        t.result()  # main's own error, or the stream's
    if main not in done:
        main.cancel()
        raise BenchError(f"{what} did not finish within {timeout} s")


async def measure(args: argparse.Namespace, url: str, tmp: Path) -> Result:
    tokens = await prepare(url, args.users)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(Path(__file__).resolve()), "--serve", "--db", url, "--port",
        str(port), "--upload-dir", str(tmp / "up"), "--messages", str(args.messages),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    users = [User(i, {"Authorization": f"Bearer {t}"}) for i, t in enumerate(tokens)]
    streams: list[asyncio.Task] = []
    try:
        line = await asyncio.wait_for(child.stdout.readline(), 120)
        if line.strip() != b"READY":
            raise BenchError(f"the server did not start (got {line!r})")
        async with aiohttp.ClientSession(
                f"http://127.0.0.1:{port}", connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as http:
            streams = [asyncio.create_task(u.listen(http)) for u in users]
            opened = asyncio.gather(*(u.connected.wait() for u in users))
            await until(opened, streams, "opening the event streams", 60)
            proc = psutil.Process(child.pid)
            cpu0, first = sum(proc.cpu_times()[:2]), time.monotonic()
            await until(asyncio.gather(*(u.talk(http, args.messages) for u in users)),
                             streams, "talking")
            last = max(u.last for u in users)
            await asyncio.sleep(max(0.0, last + 0.2 - time.monotonic()))
            cpu1 = sum(proc.cpu_times()[:2])
            await asyncio.sleep(0.3)  # a late extra reply would show up here
            extra = sum(u.events.qsize() for u in users)
            if extra:
                raise BenchError(f"{extra} replies beyond one per message")
            status = Path(f"/proc/{child.pid}/status").read_text()  # Linux only
            rss = int(status.split("VmHWM:")[1].split()[0]) / 1024  # peak RSS, MiB
    finally:
        for t in streams:
            t.cancel()
        await asyncio.gather(*streams, return_exceptions=True)
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(child.wait(), 20)
            except TimeoutError:
                child.kill()
                await child.wait()
    if child.returncode:
        raise BenchError(f"the server exited with {child.returncode} (see its errors above)")
    n = args.users * args.messages
    await check_rows(url, n)
    lat = [x for u in users for x in u.latencies]
    if len(lat) != n:
        raise BenchError(f"{len(lat)} replies measured for {n} messages")
    q = statistics.quantiles(lat, n=100, method="inclusive")  # q[k - 1]: k-th percentile
    return Result(n, last - first, q[49], q[94], q[98], (cpu1 - cpu0) / n, rss)


def show(r: Result, label: str) -> str:
    return (f"{label}: {r.messages} messages in {r.wall:6.2f} s = {r.messages / r.wall:7.1f} "
            f"messages/s  p50 {r.p50 * 1000:6.1f} ms  p95 {r.p95 * 1000:6.1f} ms  "
            f"p99 {r.p99 * 1000:6.1f} ms  server CPU {r.cpu * 1000:5.3f} ms/message  "
            f"peak RSS {r.rss:5.1f} MiB")


async def bench(args: argparse.Namespace) -> int:
    pg = args.db is not None
    print(f"web chat benchmark: {args.users} users x {args.messages} messages ({TEXT!r}), "
          f"{args.runs} runs; {'PostgreSQL, a scratch database' if pg else 'SQLite, a temp file'} "
          f"per run; {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.machine()}", flush=True)
    results: list[Result] = []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="xq-bench-web-") as tmp:
            url, name = f"sqlite+aiosqlite:///{tmp}/web.db", f"xq_bench_web_{os.urandom(6).hex()}"
            if pg:
                await pg_exec(args.db, f'CREATE DATABASE "{name}"')
                url = make_url(args.db).set(database=name).render_as_string(hide_password=False)
            try:
                results.append(await measure(args, url, Path(tmp)))
            finally:
                if pg:
                    await pg_exec(args.db, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(show(results[-1], f"run {run}/{args.runs}"), flush=True)
    m = Result(*(statistics.median(column) for column in zip(*results)))
    print(show(m, f"median of {args.runs}"))
    print(f"web p99 ms: {m.p99 * 1000:.1f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=100, help="concurrent web users")
    p.add_argument("--messages", type=int, default=10, help="messages per user")
    p.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
    p.add_argument("--db", default=None,
                   help="a postgresql+asyncpg URL: each run creates and drops a scratch "
                        "database on that server (default: a fresh temp SQLite file per run)")
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the child
    p.add_argument("--port", type=int, help=argparse.SUPPRESS)
    p.add_argument("--upload-dir", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        asyncio.run(serve(args))
        return 0
    if args.users < 1 or args.messages < 1 or args.runs < 1:
        p.error("--users, --messages and --runs must be positive")
    if args.db and not args.db.startswith("postgresql"):
        p.error("--db takes a postgresql+asyncpg:// URL (SQLite is a fresh temp file per run)")
    try:
        return asyncio.run(bench(args))
    except BenchError as exc:
        print(f"web benchmark FAILED: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
