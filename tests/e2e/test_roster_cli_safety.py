"""`python -m bot roster import|deactivate` as an officer runs them (issue 16): an import
that would deactivate or remove anything shows its diff and changes nothing without
--apply (or yes at a terminal); mass deactivation needs its own flag; --partial never
deactivates; `roster deactivate FILE` deactivates exactly the listed; a sheet the file
lacks leaves its data; Chinese by default, English with --lang en."""
from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from bot import cli
from storage.tables import CalendarOverride, LeaderContactUnit, Person, ReceptionSchedule
from tests.support.db import query

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "roster.xlsx"
PLAIN = "2023010103"  # 赵子涵 (ACC-S1): no role, no zone
STUDENTS = ["2023010103", "2023010104", "2022010203", "2022010204", "2023020103",
            "2023020104"]  # without role or zone: 6 of 50 people is 12%


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def command(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> Callable[..., tuple[int, str, str]]:
    """Run `python -m bot ARGS` in this process on the test database: (rc, stdout, stderr).
    stdin is not a terminal unless ``typed`` is given (then it is one, holding that)."""
    for key in [k for k in os.environ if k.startswith("XQ_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("XQ_DATABASE__URL", db_url)
    monkeypatch.chdir(ROOT)

    def run(*args: str, typed: str | None = None, **env: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO("") if typed is None else Terminal(typed))
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        rc = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        for key in env:
            monkeypatch.delenv(key)
        return rc, out, err

    return run


def workbook(tmp_path: Path, name: str, edit: Callable[[Any], None]) -> Path:
    book = openpyxl.load_workbook(EXAMPLE)
    edit(book)
    book.save(tmp_path / name)
    return tmp_path / name


def drop_people(numbers: list[str]) -> Callable[[Any], None]:
    def edit(book: Any) -> None:
        ws = book["people"]
        for row in reversed(range(2, ws.max_row + 1)):
            if ws.cell(row, 1).value in numbers:
                ws.delete_rows(row)
    return edit


def q(db_url: str, stmt: Any) -> list[Any]:
    return asyncio.run(query(db_url, stmt))


def inactive(db_url: str) -> set[str]:
    return {n for (n,) in q(db_url, select(Person.number).where(Person.active.is_(False)))}


def test_a_file_missing_people_changes_nothing_without_apply(command: Any, db_url: str,
                                                                   tmp_path: Path) -> None:
    rc, out, _ = command("roster", "import", EXAMPLE)
    assert rc == 0 and "人员：新增 50" in out and out.rstrip().endswith("花名册已导入。")
    partial = workbook(tmp_path, "partial.xlsx", drop_people([PLAIN]))

    rc, out, err = command("roster", "import", partial)
    assert rc == 3
    assert f"{partial} 将带来以下更改（尚未执行）：" in out
    assert "人员：新增 0，更新 0（其中调动单位 0），不变 49，停用 1" in out
    assert "停用的人员（1 人）：\n  2023010103 赵子涵（ACC-S1）" in out
    assert "没有执行" in err and "--apply" in err and "--partial" in err
    assert inactive(db_url) == set()

    rc, out, _ = command("roster", "import", partial, "--apply")
    assert rc == 0 and "花名册已导入。" in out
    assert inactive(db_url) == {PLAIN}


def test_english_with_lang_en(command: Any, db_url: str, tmp_path: Path) -> None:
    rc, out, _ = command("roster", "import", EXAMPLE, "--lang", "en")
    assert rc == 0 and "people: created 50" in out and "Roster imported." in out
    rc, out, err = command("roster", "import", workbook(tmp_path, "p.xlsx", drop_people([PLAIN])),
                       "--lang", "en")
    assert rc == 3 and "Deactivated (1 person):\n  2023010103 赵子涵 (ACC-S1)" in out
    assert "nothing was done" in err and "--apply" in err
    rc, out, _ = command("roster", "import", EXAMPLE, XQ_APP__DEFAULT_LOCALE="en")
    assert rc == 0 and "Roster imported: nothing changed." in out


def test_a_mass_deactivation_needs_its_own_flag(command: Any, db_url: str,
                                                      tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    six_gone = workbook(tmp_path, "six.xlsx", drop_people(STUDENTS))
    rc, out, err = command("roster", "import", six_gone, "--apply")
    assert rc == 3 and "停用的人员（6 人）" in out
    assert "人员 6/50（12%）" in err and "max_deactivate_share = 0.1" in err
    assert "--allow-mass-deactivation" in err
    assert inactive(db_url) == set()

    rc, out, err = command("roster", "import", six_gone, "--apply",
                       XQ_ROSTER__MAX_DEACTIVATE_SHARE="2")
    assert rc == 2 and "roster.max_deactivate_share" in err
    assert "XQ_ROSTER__MAX_DEACTIVATE_SHARE" in err

    rc, _, _ = command("roster", "import", six_gone, "--apply", "--allow-mass-deactivation")
    assert rc == 0 and inactive(db_url) == set(STUDENTS)


def test_partial_never_deactivates(command: Any, db_url: str, tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)

    def freshmen(book: Any) -> None:
        people = book["people"]
        keep = [c.value for c in people[2]]  # one existing person, unchanged
        people.delete_rows(2, people.max_row)
        people.append(keep)
        people.append(["2025010101", "新同学", "student", "ACC-S1"])
        for name in ("roles", "zones"):
            book[name].delete_rows(2, book[name].max_row)
        for name in ("reception", "reception_dates"):
            book.remove(book[name])

    file = workbook(tmp_path, "freshmen.xlsx", freshmen)
    rc, out, err = command("roster", "import", file)
    assert rc == 3 and "停用的人员（49 人）" in out  # without --partial: everyone else

    rc, out, err = command("roster", "import", file, "--partial")
    assert rc == 0, err
    assert "人员：新增 1，更新 0（其中调动单位 0），不变 1，停用 0" in out
    assert "角色：新增 0，更新 0，不变 0，停用 0，删除 0" in out
    assert inactive(db_url) == set()
    assert (q(db_url, select(func.count()).select_from(LeaderContactUnit)))[0][0] == 2


def test_partial_refuses_a_sheet_that_would_take_something_away(
        command: Any, db_url: str, tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    file = workbook(tmp_path, "cal.xlsx", lambda b: b["calendar"].delete_rows(3))
    rc, _, err = command("roster", "import", file, "--partial", "--apply")
    assert rc == 3 and "--partial" in err and "校历调整" in err
    assert len(q(db_url, select(CalendarOverride.day))) == 35


def test_deactivate_a_list_deactivates_exactly_those(command: Any, db_url: str,
                                                           tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    listed = tmp_path / "graduates.txt"
    listed.write_text("学号\n2023010103\n\n2023010104\n", encoding="utf-8")
    rc, out, err = command("roster", "deactivate", listed)
    assert rc == 3 and "人员：新增 0，更新 0（其中调动单位 0），不变 0，停用 2" in out
    assert not any(line.startswith(("单位：", "角色：")) for line in out.splitlines())
    assert inactive(db_url) == set()
    rc, out, _ = command("roster", "deactivate", listed, "--apply")
    assert rc == 0 and out.rstrip().endswith("已停用 2 人。")
    assert inactive(db_url) == {"2023010103", "2023010104"}

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["姓名", "学号"])
    ws.append(["孙子涵", "2022010203"])
    ws.append(["谁", "2099999999"])
    book.save(tmp_path / "list.xlsx")
    rc, _, err = command("roster", "deactivate", tmp_path / "list.xlsx", "--apply")
    assert rc == 1 and "不在花名册中" in err and "2099999999" in err
    assert inactive(db_url) == {"2023010103", "2023010104"}
    rc, _, err = command("roster", "deactivate", tmp_path / "nothere.txt")
    assert rc == 1 and err.count("\n") == 1 and "找不到名单文件" in err


def test_a_sheet_missing_from_the_file_leaves_its_data(command: Any, db_url: str,
                                                            tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)

    def bare(book: Any) -> None:
        for name in ("calendar", "reception", "reception_dates"):
            book.remove(book[name])
        book["roles"].delete_cols(4)  # no contact_units column

    rc, out, err = command("roster", "import", workbook(tmp_path, "bare.xlsx", bare))
    assert rc == 0 and "没有任何变化" in out, err
    assert "校历调整" not in out and "接待安排" not in out
    assert len(q(db_url, select(CalendarOverride.day))) == 35
    assert len(q(db_url, select(LeaderContactUnit.unit_id))) == 2
    assert all(a for (a,) in q(db_url, select(ReceptionSchedule.active)))

    one_less = workbook(tmp_path, "rec.xlsx", lambda b: b["reception"].delete_rows(3))
    rc, out, _ = command("roster", "import", one_less)
    assert rc == 3 and "接待安排：新增 0，更新 0，不变 1，停用 1，删除 0" in out


def test_confirmation_typed_at_a_terminal(command: Any, db_url: str, tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    partial = workbook(tmp_path, "partial.xlsx", drop_people([PLAIN]))
    rc, out, err = command("roster", "import", partial, typed="no\n")
    assert rc == 3 and out.endswith("其他输入取消：") and "已取消" in err
    assert inactive(db_url) == set()
    rc, out, _ = command("roster", "import", partial, typed="是\n")
    assert rc == 0 and "花名册已导入。" in out and inactive(db_url) == {PLAIN}
    rc, _, err = command("roster", "import", workbook(tmp_path, "six.xlsx", drop_people(STUDENTS)),
                     typed="yes\n")
    assert rc == 3 and "--allow-mass-deactivation" in err  # a terminal does not lift it


def test_the_dry_run_report_lists_who_would_be_deactivated(command: Any, db_url: str,
                                                                 tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    partial = workbook(tmp_path, "partial.xlsx", drop_people(STUDENTS))
    report = tmp_path / "diff.xlsx"
    rc, out, _ = command("roster", "import", partial, "--dry-run", "--report", report)
    assert rc == 0 and "试运行" in out and f"差异报告已写入 {report}" in out
    assert inactive(db_url) == set()
    book = openpyxl.load_workbook(report)
    assert book.sheetnames[:2] == ["概要", "停用人员"]
    rows = list(book["停用人员"].iter_rows(values_only=True))
    assert rows[0] == ("学号/工号", "姓名", "单位")
    assert sorted(r[0] for r in rows[1:]) == sorted(STUDENTS)
    assert book["停用人员"]["A2"].number_format == "@"
    assert ("人员", 0, 0, 44, 6, 0) in list(book["概要"].iter_rows(values_only=True))
    summary = [row[0] for row in book["概要"].iter_rows(values_only=True)]
    assert summary[-1] is not None and "以上更改尚未执行" in summary[-1]
    assert "接待日调整" in summary  # every sheet of the file, the reception dates too

    rc, _, err = command("roster", "import", partial, "--report", tmp_path / "no" / "r.xlsx")
    assert rc == 1 and err.count("\n") == 1 and "不存在" in err
