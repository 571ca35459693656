"""Survey push benchmark: 30,000 recipients at Telegram's rate while people talk to the bot.

    .venv/bin/python bench/broadcast.py [--recipients 30000] [--quick] [--db URL]
                                        [--profile PATH]

Per run, this process (the driver) makes a fresh database (a temp SQLite file; with
``--db postgresql+asyncpg://...`` a scratch database created on that server and dropped
after), migrates it, seeds examples/roster.xlsx, and inserts in bulk (SQLAlchemy Core,
not through the use cases) a college ``BENCH`` with ``--recipients`` students, each bound
to a Telegram chat (a ``channel_identities`` row, chat id = user id), plus
``TALKERS`` bound students of another college who are not in the survey's audience. It
runs the fake Bot API (``tests.support.fake_bot_api``) in-process, knowing every chat and
enforcing flood control as Telegram does (``FloodControl``: 429 with ``retry_after``
above the configured overall rate, and above 1 message/s to one chat).

A child process runs the production bot, ``bot.app.serve`` (poller, inbox worker,
outbox sender and the APScheduler sweeps, among them the push sweep every second),
configured as the e2e tests do (``tests.support.harness.bot_settings``: the fake's URL
and token, 1 s long polls) with the web chat off and ``[outbox] global_per_second`` =
the limit. Once it polls, the driver does what ``python -m bot survey create`` and
``survey push`` do (``core.surveys.admin.create_survey``, ``core.surveys.push.start_push``)
for a one-question survey whose audience is the college: one pending delivery per
recipient. The bot's push sweep feeds the bulk lane ``[surveys] push_window`` rows at a
time and its sender sends them.

Meanwhile ``TALKERS`` people each send ``/help`` (one reply), wait for the reply, pause
``THINK`` seconds (+ a little jitter) and send it again: about 3 messages a second in
all, in the interactive lane. Latency = the update pushed into the fake -> the bot's
sendMessage to that chat arriving at the fake (both ``time.monotonic()`` of this
process). Only messages pushed between the first and the last invitation count
("during the push").

Checked afterwards (a failure exits 1): every recipient's chat got exactly one message,
every delivery is ``sent`` and the survey is ``open`` again (settled).

Figures:

* **push ratio** = achieved rate / configured limit, over the steady part of the push,
  from the first invitation's arrival at the fake to the last one's: the messages of
  both lanes that arrived in that span (the limit is Telegram's overall rate, which the
  interactive replies share) minus one, divided by its length. The invitations alone
  and a middle window (the 10th to the 90th percentile invitation) are printed too.
* **429s**: the fake's 429 answers to the bot during the run (any method).
* **peak memory**: the bot process's peak RSS, ``VmHWM`` from ``/proc/<pid>/status``
  read just before it is stopped (the figure ``resource.getrusage`` reports as
  ``ru_maxrss`` for that process; Linux only). A 1,000-recipient run (its own database
  and bot process, otherwise the same) comes first when ``--recipients`` is larger.

* **CPU per message**: the bot process's CPU seconds (psutil) from the push to the last
  invitation, over the messages sent; this process's (the fake's and the driver's) too.

The limit is Telegram's 30 messages/s and the push window the production one
(config.toml). ``--quick`` raises the limit to ``QUICK_RATE``/s and the push window with
it (``2 x`` the rate, the 2 s of sending the default window of 60 holds at 30/s; a window
of 60 would cap the push at 60/s, as the sweep tops it up once a second). A bot that
cannot send that fast shows it as a ratio below 1 (CPU-bound: see the CPU figure).
``--profile PATH`` runs each bot process under cProfile (PATH.<recipients>). The last
line is ``push ratio: X 429s: N``.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RATE = 30.0  # Telegram's overall limit, messages/s (config.toml [outbox] global_per_second)
QUICK_RATE = 1000.0
MEMORY_AT = 1000  # the small run for the peak-memory comparison
THINK = 2.0  # seconds a talker waits after a reply before its next /help


from bench.broadcast_db import (  # noqa: E402 - after the path set-up above
    BULK_BASE,
    TALK_BASE,
    TALKERS,
    pg_exec,
    prepare,
    push_survey,
    settled,
)


from bench.broadcast_figures import (  # noqa: E402
    Result,
    peak_second,
    percentile,
    per_second,
    show,
)


class BenchError(RuntimeError):
    """A wrong or missing message, or a bot that did not start: the run is invalid."""


# ------------------------------------------------------------------------- the bot
async def serve(args: argparse.Namespace) -> None:
    """The child process: the production bot process until SIGTERM."""
    import logging

    from bot.app import serve as run_bot
    from tests.support.harness import bot_settings

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        await run_bot(bot_settings(args.db, args.api_base, web={"enabled": False},
                                   outbox={"global_per_second": args.rate},
                                   surveys={"push_window": args.window}))
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)


# ----------------------------------------------------------------------- database



# ------------------------------------------------------------------------ the fake
class Watched(list):
    """The fake's call log, telling the driver of each call as it is logged."""

    def __init__(self, on_call: Any) -> None:
        super().__init__()
        self.on_call = on_call

    def append(self, call: Any) -> None:
        super().append(call)
        self.on_call(call)


@dataclass
class Tally:
    """What the driver learns from the fake's calls, as they complete."""

    bulk: list[float] = field(default_factory=list)  # invitations' arrival times
    sends: list[float] = field(default_factory=list)  # every successful sendMessage
    per_chat: dict[int, int] = field(default_factory=dict)  # invitations per recipient chat
    refused: int = 0  # 429 answers
    errors: list[str] = field(default_factory=list)  # other failed calls
    waiting: dict[int, asyncio.Future] = field(default_factory=dict)  # talker chat -> reply
    n: int = 0
    all_sent: asyncio.Event = field(default_factory=asyncio.Event)

    def on_call(self, call: Any) -> None:
        if call.response_status == 429:
            self.refused += 1
            return
        if not call.ok:
            self.errors.append(f"{call.method} {call.response_status} {call.chat_id}")
            return
        if call.method != "sendMessage":
            return
        self.sends.append(call.at)
        chat = call.chat_id
        if isinstance(chat, int) and BULK_BASE <= chat < BULK_BASE + self.n:
            self.bulk.append(call.at)
            self.per_chat[chat] = self.per_chat.get(chat, 0) + 1
            if len(self.per_chat) == self.n:
                self.all_sent.set()
            return
        fut = self.waiting.pop(chat, None)
        if fut is not None and not fut.done():
            fut.set_result((call.at, str(call.params.get("text", ""))))
        else:
            self.errors.append(f"unexpected sendMessage to {chat}")


async def talk(api: Any, tally: Tally, user: int, stop: asyncio.Event,
               out: list[tuple[float, float]]) -> None:
    """One person: /help, wait for the reply, think, again; (pushed at, latency)."""
    loop = asyncio.get_running_loop()
    rnd = random.Random(user)
    await asyncio.sleep(rnd.uniform(0, THINK))
    while not stop.is_set():
        fut: asyncio.Future = loop.create_future()
        tally.waiting[user] = fut
        pushed = time.monotonic()
        api.push_text(user, "/help", first_name="压测")
        try:
            at, text = await asyncio.wait_for(fut, 60)
        except TimeoutError:
            raise BenchError(f"talker {user}: no reply to /help within 60 s") from None
        if "使用帮助" not in text:  # help.text
            tally.errors.append(f"talker {user}: an unexpected reply {text[:60]!r}")
        out.append((pushed, at - pushed))
        try:
            await asyncio.wait_for(stop.wait(), THINK + rnd.uniform(0, 0.5))
        except TimeoutError:
            pass


# --------------------------------------------------------------------------- a run
async def measure(n: int, url: str, rate: float, window: int,
                  profile: str | None) -> Result:
    from tests.support.fake_bot_api import FakeBotAPI
    from tests.support.harness import TOKEN

    t0 = time.monotonic()
    await prepare(url, n)
    setup = time.monotonic() - t0
    tally = Tally(n=n)
    async with FakeBotAPI(token=TOKEN) as api:
        api.calls = Watched(tally.on_call)
        api.add_chat(*range(BULK_BASE, BULK_BASE + n), *range(TALK_BASE, TALK_BASE + TALKERS))
        api.flood_control(per_chat=1.0, overall=rate)
        child = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).resolve()), "--serve", "--db", url,
            "--api-base", api.base_url, "--rate", str(rate), "--window", str(window),
            *(["--profile", profile] if profile else []), cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL)
        stop = asyncio.Event()
        talkers: list[asyncio.Task] = []
        latencies: list[tuple[float, float]] = []
        try:
            deadline = time.monotonic() + 120
            while not api.counts.get("getUpdates"):
                if child.returncode is not None or time.monotonic() > deadline:
                    raise BenchError("the bot did not start polling")
                await asyncio.sleep(0.1)
            proc = psutil.Process(child.pid)
            reachable = await push_survey(url)
            if reachable != n:
                raise BenchError(f"the survey reaches {reachable} people, expected {n}")
            talkers = [asyncio.create_task(talk(api, tally, TALK_BASE + j, stop, latencies))
                       for j in range(TALKERS)]
            sending = asyncio.create_task(tally.all_sent.wait())
            cpu0 = sum(proc.cpu_times()[:2]), time.process_time()
            limit = 120 + 2 * n / min(rate, 100)  # a bot slower than --quick's rate is shown
            done, _ = await asyncio.wait([sending, *talkers], timeout=limit,
                                         return_when=asyncio.FIRST_COMPLETED)
            for t in done:
                t.result()  # a talker's error
            if sending not in done:
                sending.cancel()
                raise BenchError(f"{len(tally.per_chat)} of {n} recipients reached within "
                                 f"{limit:.0f} s")
            stop.set()
            bot_cpu, fake_cpu = sum(proc.cpu_times()[:2]), time.process_time()
            await asyncio.gather(*talkers)
            deadline = time.monotonic() + 60
            while (found := await settled(url)) != ("open", {"sent": n}):
                if time.monotonic() > deadline:
                    raise BenchError(f"not settled: survey {found[0]}, deliveries {found[1]}")
                await asyncio.sleep(0.5)
            await asyncio.sleep(0.5)  # a late extra message would show up here
            status = Path(f"/proc/{child.pid}/status").read_text()  # Linux only
            rss = int(status.split("VmHWM:")[1].split()[0]) / 1024
        finally:
            stop.set()
            for t in talkers:
                t.cancel()
            await asyncio.gather(*talkers, return_exceptions=True)
            if child.returncode is None:
                child.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(child.wait(), 30)
                except TimeoutError:
                    child.kill()
                    await child.wait()
    if child.returncode:
        raise BenchError(f"the bot exited with {child.returncode} (see its errors above)")
    twice = {c: k for c, k in tally.per_chat.items() if k != 1}
    if twice or len(tally.bulk) != n:
        raise BenchError(f"{len(tally.bulk)} invitations for {n} recipients; chats that got "
                         f"more than one: {len(twice)}")
    if tally.errors:
        raise BenchError(f"{len(tally.errors)} failed or unexpected calls: "
                         f"{tally.errors[:5]}")
    bulk = sorted(tally.bulk)  # arrival times, logged in the order the calls completed
    first, last = bulk[0], bulk[-1]
    during = [lat for pushed, lat in latencies if first <= pushed <= last]
    span = sorted(t for t in tally.sends if first <= t <= last)
    mid = bulk[len(bulk) // 10: len(bulk) * 9 // 10 + 1]
    return Result(n, setup, last - first, per_second(bulk), per_second(span), per_second(mid),
                  per_second(span) / rate, peak_second(sorted(tally.sends)), tally.refused,
                  during, rss, (bot_cpu - cpu0[0]) / len(tally.sends),
                  (fake_cpu - cpu0[1]) / len(tally.sends), sorted(tally.sends))


async def bench(args: argparse.Namespace) -> int:
    rate = QUICK_RATE if args.quick else RATE
    window = max(60, round(2 * rate)) if args.quick else None
    if window is None:  # the production setting
        from bot.config import load_settings

        window = load_settings(ROOT / "config.toml").surveys.push_window
    sizes = [MEMORY_AT, args.recipients] if args.recipients > MEMORY_AT else [args.recipients]
    pg = args.db is not None
    print(f"survey push benchmark: {' then '.join(f'{s:,}' for s in sizes)} recipients; limit "
          f"{rate:g} messages/s overall and 1/s per chat{' (--quick)' if args.quick else ''}, "
          f"push window {window}; {TALKERS} people sending /help meanwhile; "
          f"{'PostgreSQL, a scratch database' if pg else 'SQLite, a temp file'} per run; "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.machine()}",
          flush=True)
    from sqlalchemy.engine import make_url

    results: list[Result] = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="xq-bench-push-") as tmp:
            url, name = f"sqlite+aiosqlite:///{tmp}/push.db", f"xq_bench_push_{os.urandom(6).hex()}"
            if pg:
                await pg_exec(args.db, f'CREATE DATABASE "{name}"')
                url = make_url(args.db).set(database=name).render_as_string(hide_password=False)
            try:
                results.append(await measure(n, url, rate, window, args.profile and
                                             f"{args.profile}.{n}"))
            finally:
                if pg:
                    await pg_exec(args.db, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(show(results[-1], rate), flush=True)
    main = results[-1]
    lat = main.replies
    print(f"interactive replies during the {main.recipients:,}-recipient push: {len(lat)}, "
          f"p50 {percentile(lat, 50) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms "
          f"(target p99 < 1000 ms)")
    if len(results) > 1:
        small = results[0]
        print(f"peak RSS of the bot: {small.rss_mib:.1f} MiB at {small.recipients:,} "
              f"recipients, {main.rss_mib:.1f} MiB at {main.recipients:,}: "
              f"{main.rss_mib / small.rss_mib:.2f} x (target < 1.5 x)")
    print(f"push ratio: {main.ratio:.3f} 429s: {main.refused}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipients", type=int, default=30_000, help="people the survey reaches")
    p.add_argument("--quick", action="store_true",
                   help=f"limit {QUICK_RATE:g}/s instead of {RATE:g}/s, window 2 s of it")
    p.add_argument("--db", default=None,
                   help="a postgresql+asyncpg URL: each run creates and drops a scratch "
                        "database on that server (default: a fresh temp SQLite file per run)")
    p.add_argument("--profile", default=None,
                   help="cProfile the bot process of each run into PATH.<recipients>")
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the child
    p.add_argument("--api-base", help=argparse.SUPPRESS)
    p.add_argument("--rate", type=float, help=argparse.SUPPRESS)
    p.add_argument("--window", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        asyncio.run(serve(args))
        return 0
    if args.recipients < 1:
        p.error("--recipients must be positive")
    if args.db and not args.db.startswith("postgresql"):
        p.error("--db takes a postgresql+asyncpg:// URL (SQLite is a fresh temp file per run)")
    try:
        return asyncio.run(bench(args))
    except BenchError as exc:
        print(f"broadcast benchmark FAILED: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
