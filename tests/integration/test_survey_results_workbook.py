"""``python -m bot survey results CODE --out FILE.xlsx`` on SQLite: the example surveys
created and pushed against the example roster, responses submitted through the store
with their respondents' real groups, the CLI run (in this process, through
``bot.cli.main``; the missing-folder case as a real process), the workbook read back with
openpyxl: sheet names, Chinese headers, frozen panes, number formats, hand-computed
counts, shares and means, branches under the minimum merged into 其他, column widths
that count a CJK character as 2, and no person number or name anywhere in the workbook
of the anonymous survey, while the named control's raw sheet has them."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select

from bot.cli import main
from bot.surveys.survey_file import list_reader
from bot.surveys.workbook import display_width, sheet_name
from core.surveys.admin import create_survey
from core.surveys.push import start_push
from storage.db import make_engine, session_factory
from storage.tables import Survey, SurveyDelivery
from storage.uow import unit_of_work
from tests.support.harness import ROSTER, seed_with_chats

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "surveys"
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=timezone.utc)  # both examples are open
SATISFACTION, CONSULTATION = "satisfaction-2026-autumn", "dorm-late-return-rule-2026"


def _a(overall: str, where: str, improve: list[str], **more: str) -> dict[str, Any]:
    return {"overall": overall, "canteen": "4", "where_eat": where, "improve": improve,
            **more}


# satisfaction.toml (anonymous): ACC-T1 5 (college ACC), ECO-S1 3 + ECO-T1 2 (college ECO)
ANONYMOUS = {
    "9001000001": _a("5", "第一食堂", ["食堂饭菜"], other="多开几个窗口"),
    "9001000002": _a("4", "第一食堂", ["校园网络", "校园安全"]),
    "9001000003": _a("4", "第二食堂", ["校园网络"]),
    "9001000004": _a("3", "第一食堂", ["食堂饭菜", "校园网络"]),
    "9001000005": _a("5", "第二食堂", ["图书馆开放时间"]),
    "2023020101": _a("1", "第一食堂", ["食堂饭菜"], why_unhappy="食堂太贵了"),
    "2023020102": _a("2", "第二食堂", ["宿舍设施维修"], why_unhappy="=1+1 宿舍维修太慢"),
    "2023020103": _a("4", "第一食堂", ["校园网络"]),
    "9002000001": _a("3", "第二食堂", ["食堂饭菜"]),
    "9002000002": _a("5", "第一食堂", ["校园安全"]),
}
# consultation.toml (named): two students and a dorm manager of the list file (LOG)
NAMED = {
    "2023010101": {"opinion": "第一条门禁时间太早", "overall": "不赞同",
                   "articles": ["第一条 门禁时间"]},
    "2023020101": {"opinion": "赞同", "overall": "赞同"},
    "9101000001": {"opinion": "第二条需要增加值班人员", "overall": "基本赞同，建议修改"},
}


def _people() -> list[tuple[str, str]]:
    ws = openpyxl.load_workbook(ROSTER, read_only=True)["people"]
    return [(str(r[0]), str(r[1])) for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]


async def _seed(url: str) -> None:
    sf = session_factory(engine := make_engine(url))
    try:
        ids = await seed_with_chats(sf, NOW)
        for name, answers in (("satisfaction.toml", ANONYMOUS),
                              ("consultation.toml", NAMED)):
            async with unit_of_work(sf) as uow:
                made = await create_survey(
                    uow.store, text=(EXAMPLES / name).read_text(encoding="utf-8"),
                    list_files=list_reader(EXAMPLES), person_id=None, now=NOW,
                    max_reminders=3)
                await start_push(uow.store, made.survey.code, person_id=None, now=NOW)
            async with unit_of_work(sf) as uow:
                for number, given in answers.items():
                    pid = ids[number]
                    assert await uow.store.submit_survey(
                        made.survey_id, pid, response_id=uuid.uuid4().hex, answers=given,
                        day=NOW.date(), groups=await uow.store.respondent_groups(pid),
                        named=not made.survey.anonymous)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> str:
    path = tmp_path_factory.mktemp("results") / "xq.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    asyncio.run(_seed(url))
    return url


async def _deliveries(url: str, code: str) -> int:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(
                select(func.count()).select_from(SurveyDelivery).join(Survey).where(
                    Survey.code == code)) or 0)
    finally:
        await engine.dispose()


def _results(db: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("XQ_CONFIG", str(ROOT / "config.toml"))
    monkeypatch.setenv("XQ_DATABASE__URL", db)
    return main(["survey", "results", *args])


def _table(ws: Worksheet, header_row: int) -> list[dict[str, Any]]:
    head = [c.value for c in ws[header_row]]
    return [dict(zip(head, (c.value for c in row), strict=True))
            for row in ws.iter_rows(min_row=header_row + 1)]


def _cell(ws: Worksheet, row: int, header: str, header_row: int = 4) -> Any:
    col = [c.value for c in ws[header_row]].index(header) + 1
    return ws.cell(row=row, column=col)


def test_the_anonymous_workbook(db: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "结果" / "满意度.xlsx"
    out.parent.mkdir()
    assert _results(db, monkeypatch, SATISFACTION, "--out", str(out)) == 0
    assert os.listdir(out.parent) == ["满意度.xlsx"]  # no temporary file left beside it
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["概览", "第1题 overall", "第2题 canteen", "第3题 where_eat",
                             "第4题 improve", "第5题 why_unhappy", "第6题 other", "原始答卷"]

    summary = wb["概览"]
    assert (summary["A1"].value, summary["B1"].value, summary.freeze_panes) == \
        ("项目", "内容", "A2")
    items = {r[0].value: r[1] for r in summary.iter_rows(min_row=2, max_row=12)}
    assert items["问卷代码"].value == SATISFACTION and items["匿名/实名"].value == "匿名"
    # the audience is every delivery row of the push
    audience = asyncio.run(_deliveries(db, SATISFACTION))
    assert audience >= 20
    assert (items["调查对象人数"].value, items["已提交答卷"].value) == (audience, 10)
    assert items["回收率"].value == pytest.approx(10 / audience)
    assert items["回收率"].number_format == "0.0%"

    overall = wb["第1题 overall"]
    assert overall.freeze_panes == "C5"
    assert [c.value for c in overall[4]][:6] == ["分组类型", "分组", "作答人数", "平均分",
                                                 "1 人数", "1 占比"]
    rows = {(r["分组类型"], r["分组"]): r for r in _table(overall, 4)}
    # scores 5 4 4 3 5 | 1 2 4 | 3 5: counts 1:1 2:1 3:2 4:3 5:3, mean 36 / 10
    everyone = rows[("全部", None)]
    assert [everyone[f"{s} 人数"] for s in "12345"] == [1, 1, 2, 3, 3]
    assert everyone["作答人数"] == 10 and everyone["平均分"] == pytest.approx(3.6)
    assert everyone["4 占比"] == pytest.approx(0.3)
    assert _cell(overall, 5, "4 占比").number_format == "0.0%"
    assert _cell(overall, 5, "平均分").number_format == "0.00"
    assert rows[("学院", "会计学院（ACC）")]["平均分"] == pytest.approx(21 / 5)
    assert rows[("学院", "经济学院（ECO）")]["平均分"] == pytest.approx(15 / 5)
    # ECO-S1 (3) and ECO-T1 (2) are each under 5: together they are 其他 (5)
    assert set(rows) == {("全部", None), ("学院", "会计学院（ACC）"), ("学院", "经济学院（ECO）"),
                         ("支部", "会计学院教工党支部（ACC-T1）"), ("支部", "其他")}
    assert rows[("支部", "其他")]["作答人数"] == 5
    # column B fits 会计学院教工党支部（ACC-T1）: 11 CJK characters x 2 + 6 + 2
    assert overall.column_dimensions["B"].width == 30

    where = {(r["分组类型"], r["分组"]): r for r in _table(wb["第3题 where_eat"], 4)}
    assert where[("全部", None)]["第一食堂 人数"] == 6
    assert where[("全部", None)]["第一食堂 占比"] == pytest.approx(0.6)
    improve = {(r["分组类型"], r["分组"]): r for r in _table(wb["第4题 improve"], 4)}
    assert improve[("全部", None)]["校园网络 人数"] == 4  # of 10 who answered: 40%
    assert improve[("全部", None)]["校园网络 占比"] == pytest.approx(0.4)

    why = wb["第5题 why_unhappy"]
    assert why.freeze_panes == "A5" and [c.value for c in why[4]] == ["序号", "回答"]
    assert [(r["序号"], r["回答"]) for r in _table(why, 4)] == [
        (1, "=1+1 宿舍维修太慢"), (2, "食堂太贵了")]
    assert why["B5"].data_type == "s"  # a text, never a formula

    raw = wb["原始答卷"]
    assert raw.freeze_panes == "A2"
    head = [c.value for c in raw[1]]
    assert head[:3] == ["学院", "支部", "第1题 您对学校后勤服务的总体满意度如何？"]
    scores = [r[2].value for r in raw.iter_rows(min_row=2)]
    assert len(scores) == 10 and scores == sorted(scores)  # by content, not by submission

    people = _people()
    assert len(people) > 40
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                text = str(c.value or "")
                leaks = [p for p in people if p[0] in text or p[1] in text]
                assert leaks == [], (ws.title, c.coordinate, text)
                assert "ECO-S1" not in text and "ECO-T1" not in text


def test_the_named_control_has_the_people(db: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "consultation.xlsx"
    assert _results(db, monkeypatch, CONSULTATION, "--out", str(out)) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["概览", "第1题 opinion", "第2题 overall", "第3题 articles",
                             "原始答卷"]
    raw = _table(wb["原始答卷"], 1)
    assert [(r["学号/工号"], r["姓名"], r["学院"], r["支部"]) for r in raw] == [
        ("2023010101", "杨子涵", "会计学院（ACC）", "会计学院本科生第一党支部（ACC-S1）"),
        ("2023020101", "黄欣怡", "经济学院（ECO）", "经济学院本科生第一党支部（ECO-S1）"),
        ("9101000001", "刘梓轩", "无", "无")]
    assert raw[0]["第3题 您不赞同哪些条款？（可多选）"] == "第一条 门禁时间"
    overall = {(r["分组类型"], r["分组"]): r for r in _table(wb["第2题 overall"], 4)}
    # every group shown, however small
    assert overall[("支部", "会计学院本科生第一党支部（ACC-S1）")]["不赞同 人数"] == 1
    assert overall[("全部", None)]["赞同 占比"] == pytest.approx(1 / 3)
    items = {r[0].value: r[1].value for r in wb["概览"].iter_rows(min_row=2, max_row=12)}
    assert (items["匿名/实名"], items["调查对象人数"], items["已提交答卷"]) == \
        ("实名", asyncio.run(_deliveries(db, CONSULTATION)), 3)


def test_english_headers_with_lang(db: str, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "en.xlsx"
    assert _results(db, monkeypatch, SATISFACTION, "--out", str(out), "--lang", "en") == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[-1] == "Raw answers"
    assert [c.value for c in wb["Q1 overall"][4]][:4] == ["Grouped by", "Group",
                                                          "Answered", "Mean"]


def test_the_plain_table_aligns_chinese(db: str, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert _results(db, monkeypatch, SATISFACTION) == 0
    lines = capsys.readouterr().out.splitlines()
    audience = asyncio.run(_deliveries(db, SATISFACTION))
    assert f"调查对象 {audience} 人，回收率 {10 / audience:.1%}" in lines
    # 校外或外卖 is 10 columns wide, 选项 4 (+ 6 to pad, + 2 between columns); 人数 4 wide,
    # the counts padded to it on the left; 60.0% 5 wide, 占比 4 (+ 1 on the left)
    first = lines.index("    选项" + " " * 8 + "人数" + "  " + " 占比")
    assert lines[first + 1:first + 5] == ["    第一食堂" + " " * 4 + "   6" + "  " + "60.0%",
                                          "    第二食堂" + " " * 4 + "   4" + "  " + "40.0%",
                                          "    清真餐厅" + " " * 4 + "   0" + "  " + " 0.0%",
                                          "    校外或外卖" + " " * 2 + "   0" + "  " + " 0.0%"]


def test_a_missing_folder_is_one_line_and_no_file(db: str, tmp_path: Path) -> None:
    out = tmp_path / "nope" / "r.xlsx"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env.update(XQ_CONFIG=str(ROOT / "config.toml"), XQ_DATABASE__URL=db)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "survey", "results", SATISFACTION, "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"无法写入 {out}：文件夹 {out.parent} 不存在，请先创建该文件夹。"]
    assert not out.parent.exists()


def test_sheet_names_are_legal_and_unique_and_cjk_counts_two() -> None:
    assert sheet_name("第1题 a/b:c*d?[e]\\f", ()) == "第1题 a_b_c_d__e__f"
    long = "题" * 40
    assert sheet_name(long, ()) == "题" * 31
    assert sheet_name(long, ["题" * 31]) == "题" * 29 + "~2"
    assert sheet_name("'Q1'", ["q1"]) == "Q1~2"
    assert (display_width("ACC"), display_width("会计学院"), display_width("（）")) == (3, 8, 4)
