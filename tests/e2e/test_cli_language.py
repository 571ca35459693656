"""Issue 16, Chinese first: what `python -m bot` prints follows ``[app] default_locale``,
or ``--lang`` before or after the command, through the locale files; output meant for
machines (JSON lines, a printed link) stays as it is. Each command runs in this process
(``bot.cli.main``) on a fresh SQLite database, once in Chinese and once in English."""
from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot import cli
from storage.tables import ChannelIdentity
from tests.support.db import execute

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "roster.xlsx"
STUDENT = "2023010103"
#: What may stay Latin in a Chinese line: commands, options, configuration keys and
#: variables, paths, URLs, times and numbers, codes, and names.
CODES = re.compile(
    r"python -m bot[ a-z0-9_-]*|make [a-z-]+|--[a-z-]+(?: (?:crisis|ladder|reception))?"
    r"|\[[a-z_]+\](?: [a-z_]+)?|XQ_\w+|\b[a-z]+(?:_[a-z]+)+\b|[a-z-]+(?:\|[a-z-]+)+"
    r"|[\x21-\x7e]*[/:.+'\"\d][\x21-\x7e]*|\b[A-Z][A-Z_]+\b|\b[a-z]+(?=（)|@\w+|https?\(s\)"
    r"|\b(?:SQLite|PostgreSQL|Telegram|iCalendar|Excel|git|true|false|localhost|report"
    r"|chinesecalendar)\b")
CJK = re.compile(r"[\u4e00-\u9fff]")

Bot = Callable[..., tuple[int, str, str]]


def english(text: str) -> list[str]:
    """The runs of three Latin letters or more left once the codes are taken out."""
    return re.findall(r"[A-Za-z]{3,}", CODES.sub(" ", text))


def test_the_check_sees_an_english_sentence_and_passes_codes() -> None:
    assert english("No person with number 0000000000.") == ["person", "with", "number"]
    assert english("已跳过：请加 --only crisis，或运行 python -m bot web revoke 2023010103。"
                   "[ladder] quiet_hours = '22:30-07:30'，Asia/Shanghai；XQ_WEB__ENABLED") == []


@pytest.fixture
def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Bot:
    """``bot(*args, **env)``: `python -m bot ARGS` here, on this test's own database."""
    for key in [k for k in os.environ if k.startswith("XQ_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("XQ_DATABASE__URL", f"sqlite+aiosqlite:///{tmp_path}/xq.db")
    monkeypatch.chdir(ROOT)

    def run(*args: object, **env: str) -> tuple[int, str, str]:
        with monkeypatch.context() as m:
            for key, value in env.items():
                m.setenv(key, value)
            rc = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return rc, out, err

    return run


def both(bot: Bot, args: tuple[object, ...], zh: str, en: str, *, before: bool = False,
         **env: str) -> None:
    """The command says ``zh`` with no English by default, ``en`` with ``--lang en``
    (placed before the command when ``before``) and then no Chinese."""
    rc, out, err = bot(*args, **env)
    assert zh in out + err, (args, out, err)
    assert english(out + err) == [], (args, out, err)
    rc_en, out, err = bot(*(("--lang", "en", *args) if before else (*args, "--lang", "en")),
                          **env)
    assert rc_en == rc, (args, out, err)
    assert en in out + err, (args, out, err)
    assert not CJK.search((out + err).replace("催办/督办", "")), (args, out, err)  # a term


def test_the_database_commands(bot: Bot, tmp_path: Path) -> None:
    both(bot, ("migrate",), "数据库已是最新结构：sqlite+aiosqlite:///",
         "Database is at the latest schema: sqlite+aiosqlite:///")
    asyncio.run(execute(os.environ["XQ_DATABASE__URL"], insert(ChannelIdentity).values(
        channel="web", external_id="x", chat_id="web:1", created_at=datetime.now(timezone.utc),
        unreachable_at=datetime(2026, 11, 30, 1, 5, tzinfo=timezone.utc))))
    both(bot, ("status",), "无法送达的人：1\n  网页聊天：web:1，自 2026-11-30 09:05 起无法送达",
         "unreachable people: 1\n  web chat: web:1, since 2026-11-30 09:05", before=True)
    (tmp_path / "a-file").write_text("not a folder")
    both(bot, ("status",), f"无法创建 SQLite 数据库所在的文件夹 {tmp_path}/a-file/db（路径上已有同名文件）",
         "(a file is in the way): set [database] url",
         XQ_DATABASE__URL=f"sqlite+aiosqlite:///{tmp_path}/a-file/db/x.db")


@pytest.mark.parametrize(("args", "zh", "en"), [
    (("--now", "2026-12-01T09:00+08:00"), "已跳过危机个案逐级呼叫：", "crisis escalation skipped"),
    (("--now", "2026-12-01T09:00+08:00"), "回访：已询问 0 件，逾期未答复而结束 0 件。",
     "follow-ups asked: 0 concerns; closed without an answer: 0 concerns"),
    (("--now", "2026-12-01T23:00+08:00", "--only", "ladder"), "现在是免打扰时段",
     "quiet hours ([ladder] quiet_hours = '22:30-07:30', Asia/Shanghai)"),
    (("--now", "2026-12-01T09:00+08:00", "--only", "ladder"),
     "催办/督办提醒：已发送 0 条（合并为 0 条消息），过期未发 0 条，新排期的诉求 0 件。",
     "deadline notices sent: 0 (0 messages); dropped as too old: 0; concerns planned: 0"),
    (("--now", "2026-12-01T09:00+08:00", "--only", "crisis", "--only", "reception"),
     "接待日提醒：已发送 0 条", "crisis escalations: 0\nreception reminders sent: 0"),
    (("--now", "2026-13-01"), "--now 须为 ISO 格式的时间，例如 2026-12-01T09:00+08:00，而不是「2026-13-01」",
     "--now expects an ISO time such as 2026-12-01T09:00+08:00, not '2026-13-01'"),
    (("--now", "2026-12-01T09:00"), "--now 须带时区偏移", "--now needs a time zone offset"),
])
def test_sweep(bot: Bot, args: tuple[str, ...], zh: str, en: str) -> None:
    both(bot, ("sweep", *args), zh, en, before=args[-1] == "ladder")


def test_web_links_and_reception_sessions(bot: Bot) -> None:
    assert bot("roster", "import", EXAMPLE)[0] == 0
    both(bot, ("web", "token", STUDENT), "网页聊天未开启：请先设置 [web] enabled = true",
         "The web chat is disabled", XQ_WEB__ENABLED="false")
    both(bot, ("web", "token", "0000000000"), "没有学号/工号为 0000000000 的在册人员。",
         "No active person with number 0000000000.")
    rc, out, err = bot("web", "token", STUDENT)
    assert rc == 0 and re.fullmatch(r"http://127\.0\.0\.1:8080/#token=[\w-]+\n", out)  # machines
    assert err == f"此链接 90 天内有效；如需提前停用，请运行 python -m bot web revoke {STUDENT}。\n"
    rc, out, err = bot("--lang", "en", "web", "token", STUDENT)
    assert rc == 0 and re.fullmatch(r"http://127\.0\.0\.1:8080/#token=[\w-]+\n", out)
    assert err.startswith("This link works for 90 days; end it sooner with")
    rc, out, _ = bot("web", "revoke", STUDENT)
    assert (rc, out) == (0, f"已停用 {STUDENT} 的网页聊天链接 2 个；正在运行的机器人将在 10 秒内"
                            "拒绝这些链接。\n")
    rc, out, _ = bot("web", "revoke", STUDENT, "--lang", "en")
    assert (rc, out) == (0, f"Ended 0 web chat links of {STUDENT}; a running bot refuses them "
                            "within 10 seconds.\n")
    both(bot, ("web", "revoke", "0000000000"), "没有学号/工号为 0000000000 的人员。",
         "No person with number 0000000000.", before=True)
    both(bot, ("reception", "sessions"), "接待日安排：新增 ", "reception sessions: created ")
    both(bot, ("reception", "sessions", "--weeks", "0"), "--weeks 须为 1 到 104 之间的整数",
         "--weeks must be", before=True)


def test_crisis_check_refusals(bot: Bot, tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("我想死".encode("gbk"))
    both(bot, ("crisis", "check", tmp_path / "nope.txt"), "文件不存在", "no such file")
    both(bot, ("crisis", "check", tmp_path), "这是一个文件夹", "it is a folder", before=True)
    both(bot, ("crisis", "check", gbk), "不是 UTF-8 文本（第 0 字节处）", "not UTF-8 text (byte 0)")
    both(bot, ("crisis", "check", gbk), f"危机识别模型文件 {tmp_path}/gone.json 缺失或无法读取"
         "（该路径下没有文件）", "(no file at that path): restore it from git",
         XQ_CRISIS__MODEL=str(tmp_path / "gone.json"))


def test_a_refused_configuration_names_each_key_as_is(bot: Bot, tmp_path: Path) -> None:
    bad = {"XQ_APP__TIMEZONE": "Mars/Olympus", "XQ_OUTBOX__PER_CHAT_PER_SECOND": "fast",
           "XQ_INBOX__WORKERS": "0", "XQ_WEB__DEMO": "true", "XQ_WEB__HOST": "0.0.0.0"}
    rc, _, err = bot("status", **bad)
    assert rc == 2 and english(err) == [], err
    assert err.splitlines() == [
        "配置错误，请修改以下设置后再运行：",
        "  app.timezone（在 config.toml 或环境变量 XQ_APP__TIMEZONE 中）：应为 IANA 时区名，"
        "例如 Asia/Shanghai",
        "  inbox.workers（在 config.toml 或环境变量 XQ_INBOX__WORKERS 中）：应不小于 1",
        "  outbox.per_chat_per_second（在 config.toml 或环境变量 XQ_OUTBOX__PER_CHAT_PER_SECOND "
        "中）：应为数字",
        "  web（在 config.toml 或环境变量 XQ_WEB 中）：演示模式下任何人都能以任何人的身份操作，"
        "因此只能在本机回环地址（127.0.0.1、::1 或 localhost）上运行，不能在 '0.0.0.0' 上运行："
        "请设置 [web] host = \"127.0.0.1\" 或 [web] demo = false"]
    rc, _, err = bot("--lang", "en", "status", **bad)
    assert rc == 2 and "  inbox.workers (in config.toml or XQ_INBOX__WORKERS): expected at " \
        "least 1" in err.splitlines() and not CJK.search(err), err
    rc, _, err = bot("status", XQ_APP__DEFAULT_LOCALE="en", XQ_INBOX__WORKERS="0")  # as asked
    assert rc == 2 and err.startswith("Configuration error: invalid configuration:\n"), err
    rc, _, err = bot("--config", tmp_path / "none.toml", "status")
    assert rc == 2 and err == f"配置错误：找不到配置文件 {tmp_path}/none.toml。请在仓库目录下运行，" \
        "或用环境变量 XQ_CONFIG 指定配置文件的路径。\n"
    (tmp_path / "broken.toml").write_text("[app\nx = 1\n")
    both(bot, ("--config", tmp_path / "broken.toml", "status"), "第 1 行第 5 列附近不是有效的 TOML",
         "is not valid TOML near line 1, column 5")


def test_the_global_lang_reaches_commands_with_their_own(bot: Bot, tmp_path: Path) -> None:
    for args in (("history", "DEMO-2026-999999"), ("survey", "validate", tmp_path / "x.toml"),
                 ("calendar", "set", "2026-02-30", "--closed")):
        rc, out, err = bot(*args)
        assert rc != 0 and CJK.search(err) and english(err) == [], (args, err)
        assert bot("--lang", "en", *args)[1:] == bot(*args, "--lang", "en")[1:]
        rc_en, out, err = bot("--lang", "en", *args)
        assert rc_en == rc and err and not CJK.search(err.replace(str(tmp_path), "")), (args, err)
