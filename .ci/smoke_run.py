#!/usr/bin/env python3
"""Smoke check of `make run` on this checkout, as a first-time user does it.

Starts `make run` (the shipped config.toml: default SQLite database, no Telegram token,
the web chat in demo mode) on a free port, then checks that the page answers, that a demo
person can log in and that a message gets the bot's reply, and finally stops the bot with
SIGTERM and checks that it exits cleanly (exit code 0, no traceback).

Standard library only, so it needs nothing installed beyond python3 and make. Prints each
step; on failure prints "SMOKE FAILED: <what>" and the tail of `make run`'s output, and
exits 1.

    python3 .ci/smoke_run.py [--start-timeout 600]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READY = "只运行网页聊天"  # bot.app.startup_line without a Telegram token (zh_CN)


class SmokeFailed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, data: dict | None = None, token: str = "") -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data else None,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
    except OSError as exc:
        raise SmokeFailed(f"{url} did not answer: {exc}") from None


def expect(what: str, status: int, want: int, body: str) -> None:
    if status != want:
        raise SmokeFailed(f"{what}: HTTP {status}, expected {want}: {body[:300]}")
    print(f"ok: {what} (HTTP {status})", flush=True)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc), parents before children."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class MakeRun:
    """`make run` in its own session; its output collected line by line."""

    def __init__(self, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
        env.update(XQ_WEB__PORT=str(port), XQ_TELEGRAM__TOKEN="")
        self.proc = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            print(f"  | {line.rstrip()}", flush=True)

    def wait_for(self, fragment: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(fragment in line for line in self.lines):
            if self.proc.poll() is not None:
                self.reader.join(5)
                raise SmokeFailed(f"make run exited with {self.proc.returncode} before it "
                                  f"printed {fragment!r}")
            if time.monotonic() > deadline:
                raise SmokeFailed(f"make run did not print {fragment!r} within {timeout:g} s")
            time.sleep(0.1)

    def stop(self, timeout: float = 60) -> None:
        """SIGTERM to the bot (make's child); make must then exit 0 with the bot."""
        bots = [p for p in descendants(self.proc.pid) if _is_bot(_cmdline(p))]
        if not bots:
            raise SmokeFailed("no bot process found under make run")
        for pid in bots:
            os.kill(pid, signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise SmokeFailed(f"the bot did not stop within {timeout:g} s of SIGTERM") from None
        self.reader.join(5)
        if code != 0:
            raise SmokeFailed(f"make run exited with {code} after SIGTERM, expected 0")
        if any("Traceback" in line for line in self.lines):
            raise SmokeFailed("make run printed a traceback")
        print("ok: SIGTERM stopped the bot; make run exited 0", flush=True)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def _cmdline(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def _is_bot(argv: list[bytes]) -> bool:
    """`python -m bot run ...` (not a shell that runs it)."""
    return bool(argv) and b"python" in Path(argv[0].decode()).name.encode() \
        and argv[1:4] == [b"-m", b"bot", b"run"]


def replies_expected() -> list[str]:
    """What /my answers a demo student, from the default catalogue (no concerns yet, or
    the list's first words when this database already has some)."""
    with open(ROOT / "locales" / "zh_CN.toml", "rb") as f:
        my = tomllib.load(f)["my"]
    return [my["none"], my["list"].split("{", 1)[0]]


def check(base: str) -> None:
    status, page = request(base)
    expect("GET / serves the page", status, 200, page)
    if "心桥" not in page:
        raise SmokeFailed("GET / answered 200 without the page (no 心桥 in it)")
    status, body = request(base + "demo/people")
    expect("GET /demo/people lists the roster", status, 200, body)
    groups = {g["role"]: g["people"] for g in json.loads(body)["groups"]}
    if not groups.get("student"):
        raise SmokeFailed(f"the demo picker has no student: roles {sorted(groups)}")
    student = groups["student"][0]
    status, body = request(base + "demo/login", {"number": student["number"]})
    expect(f"POST /demo/login as {student['name']} ({student['number']})", status, 200, body)
    token = json.loads(body)["token"]
    status, body = request(base + "api/messages", {"client_id": "smoke-1", "text": "/my"},
                           token=token)
    expect("POST /api/messages '/my'", status, 202, body)
    wanted = replies_expected()
    deadline = time.monotonic() + 30
    events: list[dict] = []
    while time.monotonic() < deadline:
        status, body = request(base + "api/messages?since=0", token=token)
        if status != 200:
            raise SmokeFailed(f"GET /api/messages: HTTP {status}: {body[:300]}")
        events = json.loads(body)["events"]
        for event in events:
            if any(w in event["html"] for w in wanted):
                print(f"ok: the bot replied: {event['html'][:80]!r}", flush=True)
                return
        time.sleep(0.2)
    raise SmokeFailed(f"no reply to '/my' within 30 s (expected one of {wanted}); "
                      f"got {[e['html'][:80] for e in events]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start-timeout", type=float, default=600,
                        help="seconds for make run to install and start (default 600)")
    args = parser.parse_args()
    port = free_port()
    print(f"smoke: make run on port {port} in {ROOT}", flush=True)
    run = MakeRun(port)
    try:
        run.wait_for(READY, args.start_timeout)
        print("ok: make run started", flush=True)
        check(f"http://127.0.0.1:{port}/")
        run.stop()
    except SmokeFailed as exc:
        print(f"SMOKE FAILED: {exc}", file=sys.stderr, flush=True)
        tail = "\n".join(run.lines[-40:])
        print(f"--- last lines of make run ---\n{tail}", file=sys.stderr, flush=True)
        return 1
    finally:
        run.kill()
    print("smoke: make run works", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
