"""`python -m bot roster import|export` with the files and databases officers really have
(issue 16): a damaged or password-protected workbook and a database that is not there each
give one sentence and no traceback, in Chinese by default; warnings are printed and the
import proceeds; `roster export FILE.xlsx` writes the roster to edit and import again."""
from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import make_url

from bot import cli
from core.people.roster_validation import validate_roster
from storage.db import make_engine, session_factory
from storage.people.roster import ImportReport, apply_roster, read_roster

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "roster.xlsx"
CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Command = Callable[..., tuple[int, str, str]]


@pytest.fixture
def command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Command:
    """`python -m bot ARGS` in this process with ``XQ_DATABASE__URL=db``: (rc, out, err)."""
    for key in [k for k in os.environ if k.startswith("XQ_") and not k.startswith("XQ_TEST_")]:
        monkeypatch.delenv(key)  # the bot's settings; the tests' own server stays
    monkeypatch.chdir(ROOT)

    def run(*args: object, db: str) -> tuple[int, str, str]:
        monkeypatch.setenv("XQ_DATABASE__URL", db)
        rc = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return rc, out, err

    return run


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_damaged_workbook_is_one_chinese_sentence(command: Command, tmp_path: Path) -> None:
    broken = tmp_path / "花名册.xlsx"
    broken.write_bytes(b"PK\x03\x04" + os.urandom(200))
    rc, out, err = command("roster", "import", broken, db=f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert rc == 1 and out == ""
    line = one_line(err)
    assert "已损坏" in line and "另存为 .xlsx" in line and "zip" not in line.lower()


def test_a_password_protected_workbook_says_so_in_the_chosen_language(
        command: Command, tmp_path: Path) -> None:
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(CFB + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"))
    rc, _, err = command("roster", "import", locked, "--lang", "en",
                         db=f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert rc == 1
    line = one_line(err)
    assert "password-protected" in line and "not a zip file" not in line


def test_an_unreachable_database_server_is_one_sentence(command: Command,
                                                        tmp_path: Path) -> None:
    port = closed_port()
    rc, _, err = command("roster", "import", EXAMPLE,
                         db=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/xinqiao")
    assert rc == 2
    assert one_line(err).startswith(f"无法连接数据库服务器 127.0.0.1:{port}")


def test_a_missing_postgresql_database_is_named(command: Command) -> None:
    base = os.environ.get("XQ_TEST_DATABASE_URL")
    if not base:
        pytest.skip("needs a PostgreSQL server: set XQ_TEST_DATABASE_URL")
    name = f"xq_missing_{uuid.uuid4().hex[:8]}"  # never created
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    rc, _, err = command("roster", "export", "/tmp/never.xlsx", db=url)
    assert rc == 2
    line = one_line(err)
    assert line.startswith(f"PostgreSQL 数据库「{name}」不存在") and f"createdb {name}" in line


def test_warnings_are_printed_and_the_import_proceeds(command: Command, db_url: str,
                                                      tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLE)
    people = book["people"]
    people["A2"] = int(people["A2"].value)  # typed as a number
    roles = book["roles"]
    for (cell,) in roles.iter_rows(min_row=2, max_col=1):
        if cell.value == people["A2"].value or cell.value == str(people["A2"].value):
            cell.value = int(cell.value)
    book["calendar"].sheet_state = "hidden"
    book.save(path := tmp_path / "typed.xlsx")
    rc, _, err = command("roster", "import", path, db=db_url)
    assert rc == 0
    assert "数字格式" in err and "隐藏" in err


def test_export_writes_the_roster_to_import_again_unchanged(command: Command, db_url: str,
                                                            tmp_path: Path) -> None:
    assert command("roster", "import", EXAMPLE, db=db_url)[0] == 0
    out_file = tmp_path / "导出.xlsx"
    rc, out, _ = command("roster", "export", out_file, db=db_url)
    assert rc == 0
    assert one_line(out) == (f"已把花名册（50 名在册人员）导出到 {out_file}。"
                             "修改后可用 python -m bot roster import 导入。")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    async def import_again() -> ImportReport:
        engine = make_engine(db_url)
        try:
            return await apply_roster(session_factory(engine),
                                      validate_roster(read_roster(out_file)),
                                      now=datetime.now(timezone.utc))
        finally:
            await engine.dispose()

    report = asyncio.run(import_again())
    assert not report.changed, report.as_dict()


def test_export_checks_the_target_before_the_database(command: Command, tmp_path: Path) -> None:
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/xinqiao"
    rc, _, err = command("roster", "export", tmp_path / "no" / "such" / "r.xlsx", db=nowhere)
    assert rc == 1 and "无法导出到" in one_line(err) and "不存在" in err
    rc, _, err = command("roster", "export", tmp_path / "r.csv", "--lang", "en", db=nowhere)
    assert rc == 2 and one_line(err).startswith("The export file must end in .xlsx")
