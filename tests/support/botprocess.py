"""The bot as a separate process (`python -m bot run`), for crash and kill -9 tests.

Configuration is passed only through the environment (``bot_env``); the repository's
config.toml gives the structure. Each process writes its log (stderr and stdout) to its
own file, so a failing test can show what the bot said before it died (``tail``).

Importing aiogram costs about three seconds of CPU. ``BotLauncher`` therefore keeps
spare interpreters that have already imported the bot and wait on stdin; starting a bot
hands one of them its environment and argv, and it then runs the ``bot`` package exactly
as ``python -m bot run`` does. Nothing is configured before that hand-over: settings,
the database and the Bot API are only touched by ``bot.cli.main``.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY_LINE = "is connected"  # bot.app logs "Telegram bot @name is connected" before polling

# Runs in the child: import the slow parts, wait for the go, then `python -m bot <argv>`.
_GATE = """\
import json, os, runpy, sys
import bot.app, bot.cli, bot.commands  # noqa: F401  (the slow imports)
line = sys.stdin.readline()
if not line.strip():
    sys.exit(0)
spec = json.loads(line)
os.environ.update(spec["env"])
sys.argv = ["python -m bot", *spec["argv"]]
sys.stdin.close()
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""


def bot_env(db_url: str, api_base: str, token: str, **extra: str | int | float) -> dict[str, str]:
    """The environment of a test bot: fast polling and sending, on this database and API."""
    env = {
        "XQ_CONFIG": str(ROOT / "config.toml"),
        "XQ_DATABASE__URL": db_url,
        "XQ_TELEGRAM__TOKEN": token,
        "XQ_TELEGRAM__API_BASE": api_base,
        "XQ_TELEGRAM__POLL_TIMEOUT": "1",
        "XQ_OUTBOX__PER_CHAT_PER_SECOND": "50",
        "XQ_OUTBOX__GLOBAL_PER_SECOND": "1000",
        "XQ_INBOX__RETRY_BASE_SECONDS": "0.05",
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _base_env() -> dict[str, str]:
    """The test runner's environment without any XQ_ setting (no config leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


class BotProcess:
    """One started bot process."""

    def __init__(self, proc: subprocess.Popen, log_path: Path, env: dict[str, str],
                 argv: list[str], name: str) -> None:
        self.proc, self.log_path, self.env, self.argv, self.name = proc, log_path, env, argv, name

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def returncode(self) -> int | None:
        return self.proc.poll()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

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
        while READY_LINE not in self.log():
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
        return self.proc.returncode

    def kill(self) -> int:
        """SIGKILL (kill -9): no cleanup, no flush, nothing in flight is finished."""
        if self.alive:
            os.kill(self.pid, signal.SIGKILL)
        return self.proc.wait(10)

    def terminate(self, timeout: float = 10) -> int:
        """SIGTERM (graceful stop); SIGKILL if it does not stop in time."""
        if self.alive:
            self.proc.terminate()
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                return self.kill()
        return self.proc.returncode


class BotLauncher:
    """Starts bot processes and always kills them in ``close`` (use as a context manager)."""

    def __init__(self, log_dir: Path, *, spare: int = 1) -> None:
        self.log_dir = log_dir
        self.spare = spare
        self._spares: list[tuple[subprocess.Popen, Path]] = []
        self.started: list[BotProcess] = []
        self._seq = 0
        self._fill()

    def _spawn(self) -> tuple[subprocess.Popen, Path]:
        self._seq += 1
        log_path = self.log_dir / f"bot-{self._seq}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-c", _GATE], cwd=ROOT, env=_base_env(),
                                    stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        return proc, log_path

    def _fill(self) -> None:
        self._spares = [(p, log) for p, log in self._spares if p.poll() is None]
        while len(self._spares) < self.spare:
            self._spares.append(self._spawn())

    def start(self, env: dict[str, str], argv: tuple[str, ...] = ("run",),
              name: str = "bot") -> BotProcess:
        """Start ``python -m bot <argv>`` with ``env`` (XQ_ settings); returns at once."""
        self._spares = [(p, log) for p, log in self._spares if p.poll() is None]
        proc, log_path = self._spares.pop(0) if self._spares else self._spawn()
        assert proc.stdin is not None
        proc.stdin.write((json.dumps({"env": env, "argv": list(argv)}) + "\n").encode())
        proc.stdin.close()
        bot = BotProcess(proc, log_path, dict(env), list(argv), f"{name}#{len(self.started) + 1}")
        self.started.append(bot)
        self._fill()  # warm the next one while this one runs
        return bot

    def restart(self, old: BotProcess, *, drop: tuple[str, ...] = ("XQ_CRASH_AT", "XQ_CRASH_AFTER"),
                **changes: str) -> BotProcess:
        """Kill ``old`` if it still runs, then start it again (by default without crash points)."""
        old.kill()
        env = {k: v for k, v in old.env.items() if k not in drop}
        env.update(changes)
        return self.start(env, tuple(old.argv), name=old.name.split("#")[0])

    def tails(self, lines: int = 40, since: int = 0) -> str:
        return "\n".join(b.tail(lines) for b in self.started[since:]) or "(no bot process)"

    def kill_started(self) -> None:
        for bot in self.started:
            bot.kill()

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
        self.kill_started()
        for proc, _ in self._spares:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        self._spares = []

    def __enter__(self) -> BotLauncher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["BotLauncher", "BotProcess", "bot_env"]
