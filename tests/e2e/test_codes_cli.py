"""`python -m bot roster codes` with a Telegram token and no [telegram] bot_username: the
t.me links use the username Telegram's getMe reports (here the fake Bot API's)."""
from __future__ import annotations

import asyncio
import csv
import os
import socket
import sys
from pathlib import Path

from storage.db import shown_url
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import ROSTER, TOKEN

ROOT = Path(__file__).resolve().parents[2]


async def _bot(*args: str, **env: str) -> tuple[int, str, str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    full.update(env)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=full,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _links(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig") as f:
        return [row["link"] for row in csv.DictReader(f)]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_codes_carry_links_with_the_username_from_get_me(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    async with FakeBotAPI(token=TOKEN, username="campus_helper_bot") as api:
        rc, out, err = await _bot(
            "roster", "import", str(ROSTER), "--codes", str(tmp_path / "all.csv"),
            XQ_DATABASE__URL=db, XQ_TELEGRAM__TOKEN=TOKEN, XQ_TELEGRAM__API_BASE=api.base_url,
            XQ_TELEGRAM__BOT_USERNAME="")
        assert rc == 0, err
        assert "@campus_helper_bot" in out and "不知道机器人的用户名" not in out + err
        links = _links(tmp_path / "all.csv")
        assert len(links) == 50
        assert all(link.startswith("https://t.me/campus_helper_bot?start=") for link in links)
        assert [c.method for c in api.calls if c.method == "getMe"] == ["getMe"]

        # Telegram refuses the token: one sentence, and the codes are still written.
        rc, out, err = await _bot(
            "roster", "codes", "--out", str(tmp_path / "one.csv"), "--person", "2023010103",
            XQ_DATABASE__URL=db, XQ_TELEGRAM__TOKEN="999:wrong-token",
            XQ_TELEGRAM__API_BASE=api.base_url)
    assert rc == 0, err
    assert "已发放 1 个绑定码" in out
    assert len(err.strip().splitlines()) == 1 and "getMe" in err and "Traceback" not in err
    assert "--bot-username" in err and "[telegram] bot_username" in err
    assert _links(tmp_path / "one.csv") == [""]

    # Nothing answers at the Bot API address at all.
    rc, out, err = await _bot(
        "roster", "codes", "--out", str(tmp_path / "two.csv"), "--person", "2023010103",
        XQ_DATABASE__URL=db, XQ_TELEGRAM__TOKEN=TOKEN,
        XQ_TELEGRAM__API_BASE=f"http://127.0.0.1:{_closed_port()}")
    assert rc == 0, err
    assert len(err.strip().splitlines()) == 1 and "getMe" in err and "Traceback" not in err
    assert _links(tmp_path / "two.csv") == [""]


async def test_an_empty_database_gets_no_codes_and_no_export(tmp_path: Path) -> None:
    """A mistyped SQLite path makes a fresh, empty database: codes and export say so and
    write no file, instead of "0 codes issued" and an empty roster."""
    url = f"sqlite+aiosqlite:///{tmp_path}/typo.db"
    rc, out, err = await _bot("roster", "codes", "--out", str(tmp_path / "codes.xlsx"),
                              XQ_DATABASE__URL=url)
    assert rc == 1 and out == "", out
    assert err.strip() == (f"数据库 {url} 中还没有任何人员，没有发放绑定码：请先导入花名册（python -m "
                           "bot roster import 文件），或检查 [database] url（XQ_DATABASE__URL）"
                           "是否指向正确的数据库。")
    rc, _, err = await _bot("roster", "export", str(tmp_path / "now.xlsx"), "--lang", "en",
                            XQ_DATABASE__URL=url)
    assert rc == 1 and err.startswith(f"The database {url} has nobody in it yet"), err
    assert list(tmp_path.iterdir()) == []  # no file, not even an empty database
    empty = f"sqlite+aiosqlite:///{tmp_path}/empty.db"  # migrated, nobody in it
    assert (await _bot("migrate", XQ_DATABASE__URL=empty))[0] == 0
    rc, out, err = await _bot("roster", "codes", "--out", str(tmp_path / "codes.xlsx"),
                              XQ_DATABASE__URL=empty)
    assert (rc, out) == (1, "") and "中还没有任何人员，没有发放绑定码" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
    password = "postgresql+asyncpg://u:secret@127.0.0.1:1/x"
    assert shown_url(password) == "postgresql+asyncpg://u:***@127.0.0.1:1/x"
