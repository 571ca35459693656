"""The bot as a separate process (`python -m bot run`), for crash and kill -9 tests.

Configuration reaches the process only through its environment (``bot_env``); the
repository's config.toml gives the structure. Each process writes its stdout and stderr
to its own log file, so a failing test can show what the bot said before it died.

Importing aiogram costs about three seconds of CPU, so processes are not started from
a bare interpreter: they are forked from a multiprocessing *forkserver* that imported the
bot's modules once. Each child then clears the inherited XQ_ settings, applies its own
environment and argv, and runs the ``bot`` package exactly as ``python -m bot run`` does;
settings, database and Bot API are first touched there. It is a real process of its own:
``kill()`` is SIGKILL, and its exit code is what ``python -m bot`` would return
(77 at a crash point, -9 after SIGKILL).
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import runpy
import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: bot.app logs ``cli.startup_connected`` ("已连接 Telegram 机器人 @name") before polling
READY_LINES = ("已连接 Telegram 机器人 @", "Telegram bot @")
PRELOAD = ["bot.app", "bot.cli", "bot.commands", "tests.support.botprocess"]


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(db_url: str, api_base: str, token: str, **extra: str | int | float) -> dict[str, str]:
    """The environment of a test bot: fast polling and sending, on this database and API.

    The shipped config.toml serves the web chat on 8080; a test bot takes a free port
    instead, so tests pass while `make run` (or anything else) listens there.
    """
    env = {
        "XQ_CONFIG": str(ROOT / "config.toml"),
        "XQ_DATABASE__URL": db_url,
        "XQ_TELEGRAM__TOKEN": token,
        "XQ_TELEGRAM__API_BASE": api_base,
        "XQ_TELEGRAM__POLL_TIMEOUT": "1",
        "XQ_OUTBOX__PER_CHAT_PER_SECOND": "50",
        "XQ_OUTBOX__GLOBAL_PER_SECOND": "1000",
        "XQ_INBOX__RETRY_BASE_SECONDS": "0.05",
        "XQ_WEB__PORT": str(free_port()),
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _run_bot(env: dict[str, str], argv: list[str], log_path: str) -> None:
    """The child: `python -m bot <argv>` with ``env``, output to ``log_path``."""
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for key in [k for k in os.environ if k.startswith("XQ_")]:
        del os.environ[key]
    os.environ.update(env)
    os.chdir(ROOT)
    sys.argv = ["python -m bot", *argv]
    try:
        runpy.run_module("bot", run_name="__main__", alter_sys=True)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


class BotProcess:
    """One started bot process."""

    def __init__(self, proc: BaseProcess, log_path: Path, env: dict[str, str],
                 argv: list[str], name: str) -> None:
        self.proc, self.log_path, self.env, self.argv, self.name = proc, log_path, env, argv, name

    @property
    def pid(self) -> int:
        assert self.proc.pid is not None
        return self.proc.pid

    @property
    def returncode(self) -> int | None:
        return self.proc.exitcode

    @property
    def alive(self) -> bool:
        return self.proc.is_alive()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 40) -> str:
        body = "\n".join(self.log().splitlines()[-lines:])
        return (f"--- {self.name} (pid {self.pid}, exit {self.returncode}) "
                f"log tail {self.log_path} ---\n{body}")

    async def wait_ready(self, timeout: float = 30) -> None:
        """Wait until the bot is connected and about to poll (it may die right after)."""
        deadline = time.monotonic() + timeout
        while not any(line in self.log() for line in READY_LINES):
            if not self.alive:
                raise AssertionError(f"{self.name} exited with {self.returncode} before it "
                                     f"was ready\n{self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} not ready within {timeout}s\n{self.tail()}")
            await asyncio.sleep(0.02)

    async def wait_exit(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.alive:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} still running after {timeout}s\n{self.tail()}")
            await asyncio.sleep(0.02)
        assert self.proc.exitcode is not None
        return self.proc.exitcode

    def kill(self) -> int:
        """SIGKILL (kill -9): no cleanup, no flush, nothing in flight is finished."""
        if self.alive:
            os.kill(self.pid, signal.SIGKILL)
        self.proc.join(10)
        assert self.proc.exitcode is not None, f"{self.name} survived SIGKILL"
        return self.proc.exitcode

    def terminate(self, timeout: float = 10) -> int:
        """SIGTERM (the bot's graceful stop); SIGKILL if it does not stop in time."""
        if self.alive:
            os.kill(self.pid, signal.SIGTERM)
            self.proc.join(timeout)
        return self.kill()


class BotLauncher:
    """Starts bot processes and always kills them on ``close`` (use as a context manager)."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(PRELOAD)
        self.started: list[BotProcess] = []

    def start(self, env: dict[str, str], argv: tuple[str, ...] = ("run",),
              name: str = "bot") -> BotProcess:
        """Start ``python -m bot <argv>`` with ``env`` (XQ_ settings); returns at once."""
        n = len(self.started) + 1
        log_path = self.log_dir / f"{n:02d}-{name}.log"
        proc = self.ctx.Process(target=_run_bot, args=(dict(env), list(argv), str(log_path)),
                                name=f"{name}#{n}", daemon=True)
        proc.start()
        bot = BotProcess(proc, log_path, dict(env), list(argv), f"{name}#{n}")
        self.started.append(bot)
        return bot

    def restart(self, old: BotProcess, *,
                drop: tuple[str, ...] = ("XQ_CRASH_AT", "XQ_CRASH_AFTER"),
                **changes: str) -> BotProcess:
        """Kill ``old`` if it still runs, then start it again (by default without crash points)."""
        old.kill()
        env = {k: v for k, v in old.env.items() if k not in drop}
        env.update(changes)
        return self.start(env, tuple(old.argv), name=old.name.split("#")[0])

    def tails(self, lines: int = 40, since: int = 0) -> str:
        return "\n".join(b.tail(lines) for b in self.started[since:]) or "(no bot process)"

    @contextmanager
    def diagnostics(self, *extra: object) -> Iterator[None]:
        """Kill the bots started inside on exit; on failure print their log tails (and
        ``extra``, called if callable) so pytest shows them with the failure."""
        first = len(self.started)
        try:
            yield
        except BaseException:
            print(self.tails(since=first), file=sys.stderr)
            for item in extra:
                print(item() if callable(item) else item, file=sys.stderr)
            raise
        finally:
            for bot in self.started[first:]:
                bot.kill()

    def close(self) -> None:
        for bot in self.started:
            bot.kill()

    def __enter__(self) -> BotLauncher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["BotLauncher", "BotProcess", "bot_env", "free_port"]
