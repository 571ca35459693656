"""The roster commands after the review of issue 16: a removed reception date is in the
diff and held back (refused under --partial), a file without the dates sheet leaves them;
`roster deactivate` takes what hangs on the person with them, so an export imports again
as "nothing changed"; a damaged list, a name Excel cannot store and number-typed IDs in a
list are one sentence each, never a traceback, and change nothing."""
from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select, update

from storage.tables import (
    BindingCode, Person, ReceptionOverride, ResponsibilityZone, RoleAssignment,
)
from tests.e2e.test_roster_cli_safety import EXAMPLE, command, inactive, q, workbook  # noqa: F401
from tests.support.db import execute

MEMBER = "2023010102"  # 党员 of ACC-S1: member of Z-B2-LOG, deputy of Z-ACC-2023-ACA


def test_a_removed_reception_date_is_held_back_and_refused_under_partial(
        command: Any, db_url: str, tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    no_row = workbook(tmp_path, "dates.xlsx", lambda b: b["reception_dates"].delete_rows(2))
    rc, out, err = command("roster", "import", no_row)
    assert rc == 3, err
    assert "接待日调整：新增 0，更新 0，不变 0，停用 0，删除 1" in out
    assert "删除的接待日调整（1 条）：\n  R-LEADER1 2026-12-30：改期" in out
    rc, _, err = command("roster", "import", no_row, "--partial", "--apply")
    assert rc == 3 and "--partial" in err and "接待日调整" in err
    assert len(q(db_url, select(ReceptionOverride.id))) == 1

    no_sheet = workbook(tmp_path, "nosheet.xlsx", lambda b: b.remove(b["reception_dates"]))
    rc, out, err = command("roster", "import", no_sheet, "--partial")
    assert rc == 0 and "没有任何变化" in out and "接待日调整" not in out, err
    assert len(q(db_url, select(ReceptionOverride.id))) == 1
    rc, out, _ = command("roster", "import", no_row, "--apply")
    assert rc == 0 and q(db_url, select(ReceptionOverride.id)) == []


def test_an_export_after_a_deactivation_imports_as_nothing_changed(
        command: Any, db_url: str, tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    listed = tmp_path / "leavers.txt"
    listed.write_text(f"{MEMBER}\n", encoding="utf-8")
    rc, out, err = command("roster", "deactivate", listed)
    assert rc == 3, err
    assert "角色：新增 0，更新 0，不变 0，停用 0，删除 1" in out
    assert "责任区：新增 0，更新 1，不变 0，停用 1，删除 0" in out
    assert f"删除的角色（1 个）：\n  {MEMBER} " in out
    assert "停用的责任区（1 个）：\n  Z-B2-LOG " in out
    assert "清空替补党员的责任区（1 个）：\n  Z-ACC-2023-ACA " in out
    assert inactive(db_url) == set()
    rc, out, err = command("roster", "deactivate", listed, "--apply")
    assert rc == 0 and inactive(db_url) == {MEMBER}, err
    zones = dict(q(db_url, select(ResponsibilityZone.code, ResponsibilityZone.active)))
    assert zones["Z-B2-LOG"] is False and sum(zones.values()) == 21

    export = tmp_path / "export.xlsx"
    assert command("roster", "export", export)[0] == 0
    rc, out, err = command("roster", "import", export)
    assert rc == 0, err
    assert out.rstrip().endswith("花名册已导入：没有任何变化。"), out
    for sheet in ("单位", "角色", "责任区", "接待安排", "接待日调整", "校历调整"):
        assert f"{sheet}：新增 0，更新 0，" in out
    assert "停用 0，删除 0" in out and "停用 1" not in out and "删除 1" not in out


def test_a_damaged_list_workbook_is_one_sentence(command: Any, db_url: str,
                                                  tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["学号"])
    book.active.append(["2023010103"])
    book.save(good)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the sheet's XML cut in the middle
            dst.writestr(item, data)
    rc, out, err = command("roster", "deactivate", broken, "--apply")
    assert rc == 1 and out == "" and err.count("\n") == 1, err
    assert f"名单文件 {broken} 已损坏" in err and "Traceback" not in err
    assert inactive(db_url) == set()


def test_a_name_excel_cannot_store_is_one_sentence_and_issues_nothing(
        command: Any, db_url: str, tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    number = "2023010103"
    asyncio.run(execute(db_url, update(Person).where(Person.number == number)
                        .values(name="赵\x07子涵")))
    out_file = tmp_path / "codes.xlsx"
    rc, out, err = command("roster", "codes", "--out", out_file)
    assert rc == 1 and out == "" and err.count("\n") == 1, err
    assert f"{number} 这一行有 Excel 不能保存的控制字符" in err
    assert "没有发放新的绑定码" in err
    assert q(db_url, select(func.count()).select_from(BindingCode))[0][0] == 0
    assert [p for p in tmp_path.iterdir() if "codes" in p.name] == []  # nor a temporary


def test_a_list_follows_the_rosters_number_rules(command: Any, db_url: str,
                                                 tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)

    def listing(name: str, *cells: object) -> Path:
        book = openpyxl.Workbook()
        book.active.append(["学号"])
        for cell in cells:
            book.active.append([cell])
        book.save(tmp_path / name)
        return tmp_path / name

    zeros = listing("zeros.xlsx", "0023010199", 2023010104)
    rc, out, err = command("roster", "deactivate", zeros, "--apply")
    assert rc == 1 and out == "" and "开头的 0 可能已丢失" in err and "第 3 行" in err, err
    long = listing("long.xlsx", 202301010400000000)
    rc, _, err = command("roster", "deactivate", long, "--apply")
    assert rc == 1 and "超过 15 位" in err
    assert inactive(db_url) == set()

    fine = listing("fine.xlsx", "２０２３０１０１０３", 2023010104)  # full width; a number
    rc, out, err = command("roster", "deactivate", fine, "--apply")
    assert rc == 0 and "数字格式" in err and "第 3 行" in err, err
    assert inactive(db_url) == {"2023010103", "2023010104"}


def test_a_people_only_file_imports_with_partial(command: Any, db_url: str,
                                                 tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)

    def freshmen(book: Any) -> None:
        for name in ("units", "roles", "zones", "calendar", "reception", "reception_dates"):
            book.remove(book[name])
        book["people"].delete_rows(2, book["people"].max_row)
        book["people"].append(["2026010101", "新同学", "学生", "ACC-S1"])

    file = workbook(tmp_path, "freshmen.xlsx", freshmen)
    rc, out, err = command("roster", "import", file, "--partial")
    assert rc == 0, err
    assert out.splitlines()[1:] == ["人员：新增 1，更新 0（其中调动单位 0），不变 0，停用 0",
                                    "新增人员（1 人）：", "  2026010101 新同学（ACC-S1）",
                                    "花名册已导入。"]
    roles = q(db_url, select(func.count()).select_from(RoleAssignment))[0][0]
    assert roles == 57 and inactive(db_url) == set()

    rc, out, err = command("roster", "import", file)  # without --partial: the others go
    assert rc == 3 and "停用的人员（50 人）" in out and "删除的角色" in out
