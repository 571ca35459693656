"""`python -m bot roster import|deactivate` after an officer's walk on a clean clone (issue
16): a workbook with only Excel's ``Sheet1`` is refused, never "imported"; a list headed
``number``, an export's workbook and a folder are read or named as such; Ctrl-C at the
yes/no question ends with one line and exit 130, no traceback; `roster deactivate` never
suggests --partial (it has none); an unwritable --codes file is named as the codes file;
a --report not ending in .xlsx is refused before anything is done. Chinese by default."""
from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select as query

from storage.tables import Person
from tests.e2e.test_roster_cli_safety import (  # noqa: F401 - command is a fixture
    EXAMPLE, PLAIN, ROOT, STUDENTS, command, drop_people, inactive, q, workbook,
)

#: A child that takes the pseudo-terminal as its controlling terminal, as a login shell
#: does, so Ctrl-C typed there is the kernel's SIGINT to it; then it runs the command.
CONTROLLING = ("import fcntl, os, sys, termios; os.setsid(); "
               "fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
               "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")


def people(db_url: str) -> int:
    return len(q(db_url, query(Person.number)))


def test_a_workbook_without_the_rosters_sheets_is_refused_naming_them(
        command: Any, db_url: str, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["number", "name", "kind", "unit_code"])
    book.active.append(["2022020201", "张三", "student", "ACC"])
    book.save(tmp_path / "typo.xlsx")
    rc, out, err = command("roster", "import", tmp_path / "typo.xlsx")
    assert rc == 1 and out == "" and err.count("\n") == 1, (out, err)
    assert "Sheet1" in err and "people/人员" in err
    assert people(db_url) == 0

    extra = workbook(tmp_path, "extra.xlsx", lambda b: b.create_sheet("名单"))
    rc, out, err = command("roster", "import", extra)
    assert rc == 0 and "人员：新增 50" in out
    assert "  工作表 名单：这个工作表不是花名册的工作表，没有导入" in err
    assert "说明" not in err  # the notes sheet is known


def test_a_list_headed_number_an_export_and_a_folder(command: Any, db_url: str,
                                                     tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    listed = tmp_path / "dl.csv"
    listed.write_bytes(f"\ufeffnumber\r\n{PLAIN}\r\n".encode())
    rc, out, err = command("roster", "deactivate", listed, "--dry-run")
    assert rc == 0 and "不变 0，停用 1" in out and "试运行" in out, err
    text = tmp_path / "dl.txt"
    text.write_text(f"number\n{PLAIN}\n", encoding="utf-8")
    rc, out, err = command("roster", "deactivate", text, "--apply")
    assert rc == 0 and inactive(db_url) == {PLAIN}, err

    export = tmp_path / "export.xlsx"
    assert command("roster", "export", export)[0] == 0  # 说明 first, then the sheets
    rc, out, err = command("roster", "deactivate", export, "--dry-run")
    assert rc == 0 and "不变 0，停用 49" in out, err

    rc, out, err = command("roster", "deactivate", tmp_path)
    assert rc == 1 and out == "" and err.count("\n") == 1
    assert f"{tmp_path} 是一个文件夹，不是名单文件" in err and "找不到" not in err
    assert inactive(db_url) == {PLAIN}


def test_deactivate_suggests_no_partial_it_does_not_have(command: Any, db_url: str,
                                                         tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    one = tmp_path / "leaver.txt"
    one.write_text(f"{PLAIN}\n", encoding="utf-8")
    rc, _, err = command("roster", "deactivate", one)  # no terminal, no --apply
    assert rc == 3 and "停用名单中的人员" in err and "--apply" in err, err
    assert "--partial" not in err
    listed = tmp_path / "graduates.txt"
    listed.write_text("\n".join(STUDENTS) + "\n", encoding="utf-8")
    rc, _, err = command("roster", "deactivate", listed, "--apply")  # 6 of 50: over 10%
    assert rc == 3 and "--allow-mass-deactivation" in err and "--partial" not in err, err
    assert inactive(db_url) == set()
    rc, _, err = command("roster", "deactivate", listed, "--apply", "--lang", "en")
    assert rc == 3 and "the right list" in err and "--partial" not in err, err


def test_an_unwritable_codes_file_is_named_as_the_codes_file(command: Any, db_url: str,
                                                             tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    new = workbook(tmp_path, "new1.xlsx", drop_people([PLAIN]))
    codes = tmp_path / "no" / "c.xlsx"
    rc, out, err = command("roster", "import", new, "--partial", "--codes", codes)
    assert rc == 1 and out == "" and err.count("\n") == 1, err
    assert f"无法写入绑定码文件 {codes}：文件夹 {codes.parent} 不存在" in err and "报告" not in err
    rc, _, err = command("roster", "import", new, "--partial", "--codes", codes, "--lang", "en")
    assert rc == 1 and f"Cannot write the codes file {codes}" in err
    before = inactive(db_url)
    txt = tmp_path / "codes.txt"  # not .xlsx or .csv: refused before the import is applied
    rc, out, err = command("roster", "import", workbook(tmp_path, "less.xlsx", drop_people(
        [PLAIN])), "--apply", "--codes", txt)
    assert (rc, out) == (2, "") and err == f"绑定码文件 {txt} 须以 .xlsx 或 .csv 结尾，没有任何更改。\n"
    assert inactive(db_url) == before and not txt.exists()


def test_a_report_not_named_xlsx_is_refused_before_anything(command: Any, db_url: str,
                                                            tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    partial = workbook(tmp_path, "partial.xlsx", drop_people([PLAIN]))
    listed = tmp_path / "leavers.txt"
    listed.write_text(f"{PLAIN}\n", encoding="utf-8")
    for args in (("import", partial, "--dry-run"), ("import", partial, "--apply"),
                 ("deactivate", listed, "--apply")):
        report = tmp_path / "r.csv"
        rc, out, err = command("roster", *args, "--report", report)
        assert rc == 2 and out == "" and err.count("\n") == 1, (args, out, err)
        assert f"差异报告是 Excel 工作簿，文件名须以 .xlsx 结尾：{report}" in err
        assert not report.exists()
    assert inactive(db_url) == set()
    rc, _, err = command("roster", "import", partial, "--apply", "--report", tmp_path / "r.XLSX")
    assert rc == 0 and (tmp_path / "r.XLSX").exists() and inactive(db_url) == {PLAIN}, err


@pytest.mark.parametrize(("key", "code"), [(b"\x03", 130), (b"\x04", 3)],
                         ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_at_the_question_is_one_line_and_exit_130(command: Any, db_url: str,
                                                        tmp_path: Path, key: bytes,
                                                        code: int) -> None:
    """Ctrl+C ends the command at once (130); Ctrl+D answers "no" (3). Either way the
    prompt's line ends first, then one sentence, no traceback, nothing changed."""
    command("roster", "import", EXAMPLE)
    partial = workbook(tmp_path, "partial.xlsx", drop_people([PLAIN]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env["XQ_DATABASE__URL"] = db_url
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", CONTROLLING, "-m", "bot", "roster", "import", str(partial)],
        stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env, close_fds=True)
    os.close(slave)
    shown = b""

    def read_until(done: Any, seconds: float) -> None:
        nonlocal shown
        end = time.monotonic() + seconds
        while not done() and time.monotonic() < end:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child has gone and closed the terminal
                    return
                if not chunk:
                    return
                shown += chunk

    try:
        read_until(lambda: "输入 yes".encode() in shown, 120)
        assert "输入 yes".encode() in shown, shown.decode(errors="replace")
        os.write(master, key)  # Ctrl-C or Ctrl-D, typed at the terminal
        read_until(lambda: child.poll() is not None, 10)
        if child.poll() is None:  # before the fix the question went on waiting: Enter
            os.write(master, b"\r")
        read_until(lambda: False, 30 if child.poll() is None else 1)
        rc = child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
    text = shown.decode(errors="replace").replace("\r\n", "\n")
    tail = text.split("其他输入取消：", 1)[1]
    assert rc == code, text
    assert "Traceback" not in text and "CancelledError" not in text, text
    assert [line for line in tail.splitlines() if line.strip("^C ")] == ["已取消，没有任何更改。"]
    assert tail.lstrip("^C ").startswith("\n"), text  # the prompt's line ended first
    assert inactive(db_url) == set()
