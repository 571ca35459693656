"""`python -m bot` as an operator runs it: help, missing token, bad config, roster, status."""
from __future__ import annotations

import csv
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lines_until(proc: subprocess.Popen, marker: str, timeout: float = 60) -> list[str]:
    """The bot's stdout lines up to the first that holds ``marker``; fails (never hangs) when
    the bot stops first or ``timeout`` seconds pass."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout] + [lines.put("")],
                     daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while not seen or marker not in seen[-1]:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no line with {marker!r} within {timeout}s: {seen}") from None
        assert line, f"the bot stopped: {seen} {proc.stderr.read()[-2000:]}"
        seen.append(line.strip())
    return seen


def _bot(*args: str, db_url: str | None = None, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    if db_url:
        full["XQ_DATABASE__URL"] = db_url
    full.update(env)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=120)


def test_help_lists_the_commands() -> None:
    out = _bot("--help")
    assert out.returncode == 0
    for command in ("run", "migrate", "roster", "status"):
        assert command in out.stdout
    roster = _bot("roster", "--help")
    assert "import" in roster.stdout and "codes" in roster.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, data: dict | None = None, token: str = "") -> tuple[int, str]:
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data else None,
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {token}"} if token
                                             else {})})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_run_with_neither_token_nor_web_says_what_to_set(tmp_path: Path) -> None:
    out = _bot("run", db_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", XQ_TELEGRAM__TOKEN="",
               XQ_WEB__ENABLED="false")
    assert out.returncode == 2
    assert "XQ_TELEGRAM__TOKEN" in out.stderr and "@BotFather" in out.stderr
    assert "[web] enabled" in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_run_without_token_serves_the_web_chat_with_the_demo_picker(tmp_path: Path) -> None:
    """The shipped config on a fresh machine: no token, so web only, one line with the URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env.update(XQ_DATABASE__URL=f"sqlite+aiosqlite:///{tmp_path}/x.db", XQ_TELEGRAM__TOKEN="",
               XQ_WEB__PORT=str(port), XQ_WEB__UPLOAD_DIR=str(tmp_path / "up"))
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--seed-if-empty",
                             "examples/roster.xlsx"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = _lines_until(proc, "只运行网页聊天")
        assert "……另有 40 项" in lines  # the seeding's list, with no --report to point to
        assert not [line for line in lines if "--report" in line], lines
        base = f"http://127.0.0.1:{port}/"
        assert lines[-1].strip() == ("未设置 Telegram 令牌：只运行网页聊天，演示模式，"
                                     f"在页面上选择扮演的人：{base}")
        status, page = _get(base)
        assert status == 200 and "心桥" in page
        status, body = _get(base + "demo/people")
        groups = {g["role"]: g["people"] for g in json.loads(body)["groups"]}
        assert status == 200
        for role in ("student", "party_member", "branch_secretary", "leader", "admin"):
            assert groups.get(role), f"no {role} in the picker"
        student = groups["student"][0]["number"]
        assert _get(base + "api/me")[0] == 401
        status, body = _get(base + "demo/login", {"number": student})
        assert status == 200
        token = json.loads(body)["token"]
        status, body = _get(base + "api/me", token=token)
        assert status == 200 and json.loads(body)["name"] == groups["student"][0]["name"]
        assert _get(base + "demo/login", {"number": "no-such-person"})[0] == 404
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    stderr = proc.stderr.read()
    assert proc.returncode == 0, stderr[-2000:]
    # The shipped config has no school hotline: the operator is told once, at start.
    warned = [line for line in stderr.splitlines() if "XQ_CRISIS__SCHOOL_HOTLINE" in line]
    assert len(warned) == 1, stderr
    assert warned[0].endswith(
        " WARNING xinqiao: 未设置 [crisis] school_hotline：危机回复中只有全国心理援助热线。请把环境变量 "
        "XQ_CRISIS__SCHOOL_HOTLINE（或 config.toml 中的 school_hotline）设为本校的心理危机热线。"
    ), warned[0]


def test_run_with_lang_en_starts_in_english(tmp_path: Path) -> None:
    """``--lang en`` reaches everything `run` prints: the seeding, the start line and the
    warning about the school's hotline (the log's own words stay)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env.update(XQ_DATABASE__URL=f"sqlite+aiosqlite:///{tmp_path}/x.db", XQ_TELEGRAM__TOKEN="",
               XQ_WEB__PORT=str(port), XQ_WEB__UPLOAD_DIR=str(tmp_path / "up"))
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--lang", "en",
                             "--seed-if-empty", "examples/roster.xlsx"], cwd=ROOT, env=env,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = _lines_until(proc, "web chat only")
        assert lines[0] == "Empty database: seeding the demo roster from examples/roster.xlsx"
        assert lines[-1] == ("No Telegram token set: running the web chat only, demo mode, "
                             f"pick a person on the page: http://127.0.0.1:{port}/")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    stderr = proc.stderr.read()
    assert proc.returncode == 0, stderr[-2000:]
    warned = [line for line in stderr.splitlines() if "WARNING" in line]
    assert any(line.endswith("WARNING xinqiao: [crisis] school_hotline is not set, so the "
                             "crisis reply names only the national hotline: set "
                             "XQ_CRISIS__SCHOOL_HOTLINE (or school_hotline in config.toml) to "
                             "the school's own crisis hotline.") for line in warned), stderr
    assert not [line for line in warned if re.search(r"[\u4e00-\u9fff]", line)], warned


def test_demo_mode_refuses_a_non_loopback_bind(tmp_path: Path) -> None:
    for host in ("0.0.0.0", "192.168.1.20", "example.org"):
        out = _bot("run", db_url=f"sqlite+aiosqlite:///{tmp_path}/x.db",
                   XQ_TELEGRAM__TOKEN="", XQ_WEB__HOST=host)
        assert out.returncode == 2, host
        assert "web（在 " in out.stderr and "XQ_WEB" in out.stderr
        assert "本机回环地址" in out.stderr and repr(host) in out.stderr
        assert "Traceback" not in out.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was written


def test_a_taken_web_port_is_named(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = _bot("run", db_url=f"sqlite+aiosqlite:///{tmp_path}/x.db",
                   XQ_TELEGRAM__TOKEN="", XQ_WEB__PORT=str(port))
    assert out.returncode == 2
    assert f"网页聊天无法在 127.0.0.1:{port} 监听" in out.stderr and "XQ_WEB__PORT" in out.stderr
    assert "Traceback" not in out.stderr


def test_nothing_to_run_is_said_in_chinese(tmp_path: Path) -> None:
    out = _bot("run", db_url=f"sqlite+aiosqlite:///{tmp_path}/x.db",
               XQ_TELEGRAM__TOKEN="", XQ_WEB__ENABLED="false")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.startswith("没有可运行的渠道：未设置 Telegram 机器人令牌"), out.stderr
    out = _bot("--lang", "en", "run", db_url=f"sqlite+aiosqlite:///{tmp_path}/x.db",
               XQ_TELEGRAM__TOKEN="", XQ_WEB__ENABLED="false")
    assert out.returncode == 2 and out.stderr.startswith("Nothing to run:"), out.stderr


def test_invalid_config_names_the_key(tmp_path: Path) -> None:
    out = _bot("status", db_url=f"sqlite+aiosqlite:///{tmp_path}/x.db",
               XQ_APP__TIMEZONE="Mars/Olympus", XQ_OUTBOX__PER_CHAT_PER_SECOND="fast")
    assert out.returncode == 2
    assert "app.timezone" in out.stderr and "XQ_APP__TIMEZONE" in out.stderr
    assert "outbox.per_chat_per_second" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_fresh_checkout_creates_the_database_folder(tmp_path: Path) -> None:
    """`make run` on a fresh clone: no var/ (it is git-ignored), the shipped SQLite URL, and
    the bot started from a directory of its own (the package needs no source checkout)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    port = _free_port()
    env.update(XQ_CONFIG=str(ROOT / "config.toml"), XQ_WEB__PORT=str(port),
               XQ_CRISIS__SCHOOL_HOTLINE="010-12345678")
    migrate = subprocess.run([sys.executable, "-m", "bot", "migrate"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120)
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "var" / "xinqiao.db").is_file()
    (tmp_path / "var" / "xinqiao.db").unlink()
    (tmp_path / "var").rmdir()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--seed-if-empty",
                             str(ROOT / "examples" / "roster.xlsx")], cwd=tmp_path, env=env,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _lines_until(proc, "只运行网页聊天")  # the default locale, zh_CN
        assert _get(f"http://127.0.0.1:{port}/")[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    stderr = proc.stderr.read()
    assert proc.returncode == 0, stderr[-2000:]
    assert "school_hotline" not in stderr  # it is set here
    assert (tmp_path / "var" / "xinqiao.db").is_file()


@pytest.mark.parametrize("command", [["migrate"], ["status"], ["run"]])
def test_a_database_folder_that_cannot_be_made_is_named(tmp_path: Path,
                                                        command: list[str]) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    for url, folder in (("sqlite+aiosqlite:////proc/nope/x.db", "/proc/nope"),
                        (f"sqlite+aiosqlite:///{tmp_path}/a-file/db/x.db",
                         f"{tmp_path}/a-file/db")):
        out = _bot(*command, db_url=url, XQ_TELEGRAM__TOKEN="", XQ_WEB__PORT=str(_free_port()))
        assert out.returncode == 2, out.stderr
        assert "Traceback" not in out.stderr
        assert out.stderr.count("\n") == 1, out.stderr  # one sentence
        assert folder in out.stderr
        assert "[database] url" in out.stderr and "XQ_DATABASE__URL" in out.stderr


def _write_csv(folder: Path, name: str, rows: list[list[str]], encoding: str) -> None:
    with open(folder / f"{name}.csv", "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)


def test_roster_import_cli_all_or_nothing_then_codes_and_status(db_url: str,
                                                                tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    _write_csv(bad, "units", [["code", "name", "kind", "parent_code", "unit_class"],
                              ["U", "大学", "university", "", ""],
                              ["C1", "学院", "college", "U", ""],
                              ["B1", "支部", "branch", "C9", "student"]], "gb18030")
    _write_csv(bad, "people", [["number", "name", "kind", "unit_code"],
                               ["2023000001", "张三", "student", "C1"],
                               ["2023000001", "李四", "student", "C1"]], "gb18030")
    _write_csv(bad, "roles", [["number", "role", "unit_code"],
                              ["2023000001", "wizard", "C1"]], "gb18030")
    _write_csv(bad, "zones", [["code", "name", "category", "scope", "value", "member_number"]],
               "gb18030")
    out = _bot("roster", "import", str(bad), db_url=db_url)
    assert out.returncode == 1
    assert "花名册有 3 处问题，未导入任何内容。" in out.stderr
    assert "units.csv 第 4 行" in out.stderr and "C9" in out.stderr
    assert "people.csv 第 3 行" in out.stderr and "2023000001" in out.stderr
    assert "roles.csv 第 2 行" in out.stderr and "wizard" in out.stderr

    codes = tmp_path / "codes.csv"
    ok = _bot("roster", "import", str(ROOT / "examples" / "roster.xlsx"), "--codes", str(codes),
              db_url=db_url, XQ_TELEGRAM__BOT_USERNAME="xinqiao_demo_bot")
    assert ok.returncode == 0, ok.stderr
    assert "人员：新增 50" in ok.stdout
    with open(codes, encoding="utf-8-sig") as f:
        issued = list(csv.DictReader(f))
    assert len(issued) == 50
    assert issued[0]["link"] == f"https://t.me/xinqiao_demo_bot?start={issued[0]['code']}"
    again = _bot("roster", "import", str(ROOT / "examples" / "roster.xlsx"), db_url=db_url)
    assert "没有任何变化" in again.stdout
    unknown = _bot("roster", "codes", "--out", str(tmp_path / "x.csv"), "--person", "000",
                   db_url=db_url)
    assert unknown.returncode == 1 and not (tmp_path / "x.csv").exists()
    assert unknown.stderr == "有 1 个学号/工号不是在册人员（不存在或已停用），没有发放任何绑定码：000\n"

    status = _bot("status", db_url=db_url)
    assert status.returncode == 0
    assert "收件箱：待处理 0，失败 0" in status.stdout
    assert "无法送达的人：0" in status.stdout


@pytest.mark.parametrize(("args", "said"), [
    (["roster", "import", "/no/such/file.xlsx"], "无法读取花名册：找不到花名册文件 /no/such/file.xlsx"),
    (["roster", "codes", "--out", "{tmp}/x.csv", "--person", "000"],
     "数据库 sqlite+aiosqlite:///{tmp}/x.db 中还没有任何人员，没有发放绑定码：请先导入花名册（python -m "
     "bot roster import 文件），或检查 [database] url（XQ_DATABASE__URL）是否指向正确的数据库。"),
], ids=["import-missing-file", "codes-on-an-empty-database"])
def test_roster_commands_refuse_bad_input(args: list[str], said: str, tmp_path: Path) -> None:
    out = _bot(*(a.format(tmp=tmp_path) for a in args),
               db_url=f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert out.returncode == 1
    assert out.stderr == said.format(tmp=tmp_path) + "\n"  # that one sentence, no traceback
    assert not (tmp_path / "x.csv").exists()  # no codes file for nobody


def test_operator_commands_and_a_web_only_bot_do_not_load_aiogram(tmp_path: Path) -> None:
    """aiogram's import builds hundreds of models (seconds and ~150 MiB here): only
    Telegram needs it, so `status`, `migrate`, `roster`, `web`, `sweep` and a bot running
    the web chat alone stay quick and light."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env.update(XQ_DATABASE__URL=f"sqlite+aiosqlite:///{tmp_path}/x.db", XQ_TELEGRAM__TOKEN="")
    probe = ("import asyncio, sys\nfrom bot import cli\nrc = cli.main(['status'])\n"
             "loaded = lambda: any(m.split('.')[0] == 'aiogram' for m in sys.modules)\n"
             "print('RC', rc, 'AIOGRAM', loaded())\n"
             "from bot.app import build_runtime\nfrom bot.config import load_settings\n"
             "async def main():\n"
             "    rt = await build_runtime(load_settings())\n"
             "    print('WEB', rt.web is not None, 'TELEGRAM', rt.bot is not None)\n"
             "    await rt.aclose()\n"
             "asyncio.run(main())\nprint('AIOGRAM', loaded())")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.split("\n")[-4:] == ["RC 0 AIOGRAM False", "WEB True TELEGRAM False",
                                           "AIOGRAM False", ""], out.stdout + out.stderr
