"""The roster diff as an officer walks it (`python -m bot roster import`, zh_CN): updated
people are named with what changed, people active again are named as such; the calendar
days, reception schedules and contact units a file removes are named on screen and listed
in the report; roles are in the officer's words; the unit and zone sheets' header says
名称; role and zone lists are in number/code order."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from tests.e2e.test_roster_cli_safety import (  # noqa: F401
    EXAMPLE, PLAIN, command, drop_people, inactive, workbook,
)

LEADER = "9200000001"  # 李雨桐, contact units ACC and INF, leads both schedules


def rows(report: Path, sheet: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(report)[sheet].iter_rows(values_only=True))


def _edit_people(changes: dict[str, dict[int, str]]) -> Any:
    """Set cells of the people sheet: number -> {column: value}."""
    def edit(book: Any) -> None:
        ws = book["people"]
        for row in range(2, ws.max_row + 1):
            for column, value in changes.get(ws.cell(row, 1).value, {}).items():
                ws.cell(row, column, value)
    return edit


def test_updated_and_reactivated_people_are_named(command: Any, db_url: str,
                                                 tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    # 2023010104: a new phone and dormitory building; 2023010102: moved to ACC-T1
    edited = workbook(tmp_path, "edited.xlsx", _edit_people({
        "2023010104": {7: "2号楼", 9: "13900000000"}, "2023010102": {4: "ACC-T1"}}))
    report = tmp_path / "diff.xlsx"
    rc, out, err = command("roster", "import", edited, "--report", report)
    assert rc == 0, err
    assert ("更新的人员（2 人）：\n  2023010102 黄子涵（ACC-T1）：单位\n"
            "  2023010104 吴子涵（ACC-S1）：宿舍楼、电话\n") in out
    assert rows(report, "更新人员") == [
        ("学号/工号", "姓名", "单位", "更改的内容"),
        ("2023010102", "黄子涵", "ACC-T1", "单位"), ("2023010104", "吴子涵", "ACC-S1", "宿舍楼、电话")]
    assert rows(report, "重新启用人员") == [("学号/工号", "姓名", "单位")]

    listed = tmp_path / "leavers.txt"
    listed.write_text(f"{PLAIN}\n", encoding="utf-8")
    assert command("roster", "deactivate", listed, "--apply")[0] == 0
    assert inactive(db_url) == {PLAIN}

    def only_plain(book: Any) -> None:
        drop_people([c.value for c in book["people"]["A"][1:] if c.value != PLAIN])(book)
        for name in ("units", "roles", "zones", "calendar", "reception", "reception_dates"):
            book.remove(book[name])

    new1 = workbook(tmp_path, "new1.xlsx", only_plain)
    rc, out, err = command("roster", "import", new1, "--partial", "--report", report)
    assert rc == 0, err  # reactivating only adds: applied at once
    assert "重新启用的人员（1 人）：\n  2023010103 赵子涵（ACC-S1）\n" in out
    assert "更新的人员" not in out
    assert inactive(db_url) == set()
    assert rows(report, "重新启用人员") == [("学号/工号", "姓名", "单位"),
                                        ("2023010103", "赵子涵", "ACC-S1")]
    assert rows(report, "更新人员") == [("学号/工号", "姓名", "单位", "更改的内容")]


def test_calendar_reception_and_contact_removals_are_named(command: Any, db_url: str,
                                                           tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)

    def removals(book: Any) -> None:
        book["calendar"].delete_rows(2, 2)  # only the header row is left
        book["reception"].delete_rows(3)  # V-LEADER1-INF
        roles = book["roles"]
        for row in range(2, roles.max_row + 1):
            roles.cell(row, 4).value = None  # no contact units any more

    report = tmp_path / "diff.xlsx"
    rc, out, err = command("roster", "import", workbook(tmp_path, "r.xlsx", removals),
                           "--report", report)
    assert rc == 3, err
    assert "校历调整：新增 0，更新 0，不变 0，停用 0，删除 35" in out
    days = [f"  2027-01-{d}（停课/放假）寒假" for d in range(18, 28)]
    assert "\n".join(["删除的校历调整（35 天）：", *days,
                      "  ……另有 25 项（完整名单见 --report 报告）"]) in out
    assert ("停用的接待安排（1 个）：\n"
            f"  V-LEADER1-INF {LEADER} 李雨桐：信息工程学院 学术报告厅\n") in out
    assert (f"删除的领导联系点（2 个）：\n  {LEADER} 李雨桐：ACC\n  {LEADER} 李雨桐：INF\n"
            in out)
    calendar = rows(report, "删除校历调整")
    assert calendar[0] == ("日期", "类型", "说明") and len(calendar) == 36
    assert calendar[1] == ("2027-01-18", "停课/放假", "寒假")
    assert calendar[-1] == ("2027-02-28", "上班/补班", "开学报到（补班）")
    assert rows(report, "停用接待安排") == [
        ("安排代码", "学号/工号", "姓名", "地点"),
        ("V-LEADER1-INF", LEADER, "李雨桐", "信息工程学院 学术报告厅")]
    assert rows(report, "删除领导联系点") == [
        ("学号/工号", "姓名", "单位"), (LEADER, "李雨桐", "ACC"), (LEADER, "李雨桐", "INF")]


def test_roles_in_words_names_headed_and_lists_in_order(command: Any, db_url: str,
                                                       tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)

    def no_roles_or_zones(book: Any) -> None:
        roles = book["roles"]
        for row in reversed(range(2, roles.max_row + 1)):
            if roles.cell(row, 3).value != "DEMO":  # only the leader stays
                roles.delete_rows(row)
        book["zones"].delete_rows(2, book["zones"].max_row)

    report = tmp_path / "diff.xlsx"
    rc, out, err = command("roster", "import", workbook(tmp_path, "r.xlsx", no_roles_or_zones),
                           "--report", report)
    assert rc == 3, err
    assert ("删除的角色（56 个）：\n  2022010201 周子涵：党员（ACC-S1）\n"
            "  2022010202 徐子涵：党员（ACC-S1）\n") in out
    assert "  2022030201 孙浩然：党支部书记（INF-S2）\n  2022030201 孙浩然：党员（INF-S2）\n" in out
    assert "party_member" not in out and "college_committee" not in out
    removed = rows(report, "删除角色")[1:]
    assert {r[2] for r in removed} >= {"党员", "学院党委", "辅导员", "危机干预小组"}
    assert [r[0] for r in removed] == sorted(r[0] for r in removed)  # by number
    zones = rows(report, "停用责任区")
    assert zones[0] == ("代码", "名称")
    assert [z[0] for z in zones[1:]] == sorted(z[0] for z in zones[1:]) and len(zones) == 23
    assert rows(report, "停用单位")[0] == ("代码", "名称")
    shown = out.split("停用的责任区（22 个）：\n")[1].splitlines()[:10]
    assert [line.split()[0] for line in shown] == sorted(z[0] for z in zones[1:])[:10]
