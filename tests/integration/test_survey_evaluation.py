"""民主测评 (evaluation) surveys in the database (SQLite, and PostgreSQL with
XQ_TEST_DATABASE_URL), against the example roster (examples/make_roster.py):

- the subjects found for a respondent from the zones (their dorm building's and their
  class's members, never a deputy, never themselves; wider scopes when the file says so;
  inactive zones and members left out) and the branches of their college;
- answering examples/surveys/evaluation.toml through core: one step per subject, back and
  edit, a required subject, an optional one skipped, a skip rule; the draft keeps the
  subjects, so a roster change while answering shifts nothing;
- submitting: an anonymous response keeps no subject, each grade is a rating row of its
  own (no person, no response id); a named one keeps them; the mix rewrites the ratings;
- the results per subject (hand-computed), the minimum rule, the plain table and the
  workbook's 民主测评 sheet read back with openpyxl."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update

from bot.surveys.evaluation_table import evaluation_lines
from bot.surveys.workbook import build, save
from core.errors import InputError
from core.surveys import answering as A
from core.surveys.admin import create_survey
from core.surveys.data import survey_of
from core.surveys.evaluation_figures import read_evaluations
from core.surveys.evaluation_ports import Subject
from core.surveys.figures import figures
from core.surveys.push import start_push
from locales import Catalog
from scheduler.survey_mix import mix_sweep
from storage.tables import ResponsibilityZone, SurveyDraft, SurveyRating, SurveyResponse
from storage.uow import unit_of_work
from tests.support.harness import ROOT, seed_with_chats

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
TZ = "Asia/Shanghai"
TEXT = (ROOT / "examples/surveys/evaluation.toml").read_text(encoding="utf-8")
CATALOG = Catalog.load()
M, B = "zone_members", "college_branches"
DORM_CLASS = ("dorm_building", "class")


async def _run(sf, fn, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
    async with unit_of_work(sf) as uow:
        return await fn(uow.store, *args, **kw)


async def _subjects(sf, ids, number: str, source: str,  # noqa: ANN001
                    scopes: tuple[str, ...] = DORM_CLASS) -> list[tuple[str, str, tuple]]:
    found = await _run(sf, lambda st: st.evaluation_subjects(ids[number], source, scopes))
    return [(s.key, s.name, s.about) for s in found]


async def test_subjects_are_found_from_the_zones_and_the_college(sf) -> None:  # noqa: ANN001
    ids = await seed_with_chats(sf, NOW)
    # 赵子涵, 会计2301, 3号楼: the 3号楼 member (徐子涵), then the class's (杨子涵)
    assert await _subjects(sf, ids, "2023010103", M) == [
        ("p:2022010202", "徐子涵", ("3号楼",)), ("p:2023010101", "杨子涵", ("会计2301",))]
    # 吴子涵, 会计2301, 1号楼: 杨子涵 holds both zones: once, with both
    assert await _subjects(sf, ids, "2023010104", M) == [
        ("p:2023010101", "杨子涵", ("1号楼", "会计2301"))]
    # 杨子涵 is the member of both their own zones: nobody to rate
    assert await _subjects(sf, ids, "2023010101", M) == []
    # 赵欣怡 is the deputy of their class's zone: a deputy is no subject, the member is
    assert await _subjects(sf, ids, "2023020102", M) == [
        ("p:2023010101", "杨子涵", ("1号楼",)), ("p:2023020101", "黄欣怡", ("经济2301",))]
    # wider scopes: + the branch's student-affairs member (already the dorm's) and the
    # college's two zones' members (employment, catch-all), the unit shown by its name
    assert await _subjects(sf, ids, "2023010103", M, ("dorm_building", "class", "branch",
                                                      "college")) == [
        ("p:2022010202", "徐子涵", ("3号楼", "会计学院本科生第一党支部")),
        ("p:2023010101", "杨子涵", ("会计2301",)),
        ("p:9001000002", "李子涵", ("会计学院",)), ("p:9001000003", "张子涵", ("会计学院",))]
    assert await _subjects(sf, ids, "2023010103", M, ("class",)) == [
        ("p:2023010101", "杨子涵", ("会计2301",))]
    # branches of the respondent's college (students' and staff's), by code
    assert [k for k, *_ in await _subjects(sf, ids, "2022030201", B)] == [
        "u:INF-S1", "u:INF-S2", "u:INF-T1"]
    assert await _subjects(sf, ids, "9001000001", B) == [
        ("u:ACC-S1", "会计学院本科生第一党支部", ()), ("u:ACC-T1", "会计学院教工党支部", ())]
    assert await _subjects(sf, ids, "9104000001", B) == []  # 组织部: no college
    assert await _subjects(sf, ids, "9104000001", M) == []  # no dorm, no class
    async with sf() as s, s.begin():  # the class's zone is retired
        await s.execute(update(ResponsibilityZone).where(
            ResponsibilityZone.code == "Z-ACC-2023-ACA").values(active=False))
    assert await _subjects(sf, ids, "2023010104", M) == [("p:2023010101", "杨子涵", ("1号楼",))]


async def _pushed(sf, *, anonymous: bool = True) -> tuple[dict[str, int], int]:  # noqa: ANN001
    ids = await seed_with_chats(sf, NOW)
    text = TEXT if anonymous else TEXT.replace("anonymous = true", "anonymous = false")
    made = await _run(sf, create_survey, text=text, list_files=None,
                      person_id=ids["9104000001"], now=NOW, max_reminders=3)
    await _run(sf, start_push, "evaluation-2026", person_id=ids["9104000001"], now=NOW)
    return ids, made.survey_id


def _shown(step: A.Step) -> tuple[Any, ...]:
    assert step.question is not None
    return (step.question.id, step.subject.key if step.subject else None, step.index,
            step.total, step.current)


async def test_answering_one_step_per_subject_back_edit_and_the_draft_keeps_them(
        sf) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf)
    me = ids["2023010103"]
    step = await _run(sf, A.current_step, me, sid, NOW)
    # two members, the yes/no, the advice; the branches hidden until 了解
    assert _shown(step) == ("members", "p:2022010202", 0, 4, None)
    assert step.subject == Subject("p:2022010202", "徐子涵", ("3号楼",))
    step = await _run(sf, A.answer, me, sid, 0, "优秀", NOW)
    assert _shown(step) == ("members", "p:2023010101", 1, 4, None)
    with pytest.raises(InputError) as err:  # a required subject needs its grade
        await _run(sf, A.move, me, sid, 1, True, NOW)
    assert err.value.key == "survey.required"
    with pytest.raises(InputError) as err:
        await _run(sf, A.answer, me, sid, 1, "良好", NOW)
    assert err.value.key == "error.forged"
    step = await _run(sf, A.move, me, sid, 1, False, NOW)
    assert _shown(step) == ("members", "p:2022010202", 0, 4, "优秀")
    step = await _run(sf, A.answer, me, sid, 0, "合格", NOW)  # edited
    # the roster changes meanwhile: the class's member leaves; this draft keeps them
    async with sf() as s, s.begin():
        await s.execute(update(ResponsibilityZone).where(
            ResponsibilityZone.code == "Z-ACC-2023-ACA").values(active=False))
    step = await _run(sf, A.current_step, me, sid, NOW)
    assert _shown(step) == ("members", "p:2023010101", 1, 4, None)
    step = await _run(sf, A.answer, me, sid, 1, "基本合格", NOW)
    assert _shown(step) == ("know_branches", None, 2, 4, None)
    step = await _run(sf, A.answer, me, sid, 2, "了解", NOW)
    assert _shown(step) == ("branches", "u:ACC-S1", 3, 6, None)  # now shown: 2 branches
    step = await _run(sf, A.move, me, sid, 3, True, NOW)  # optional: skipped
    step = await _run(sf, A.answer, me, sid, 4, "优秀", NOW)
    assert _shown(step) == ("advice", None, 5, 6, None)
    step = await _run(sf, A.move, me, sid, 5, True, NOW)
    assert step.question is None and step.total == 6
    async with sf() as s:
        [draft] = (await s.scalars(select(SurveyDraft))).all()
    assert draft.answers["members"] == {"p:2022010202": "合格", "p:2023010101": "基本合格"}
    assert [x["key"] for x in draft.answers["*subjects"]["members"]] == [
        "p:2022010202", "p:2023010101"]
    await _run(sf, A.submit, me, sid, now=NOW, tz=TZ)
    async with sf() as s:
        [resp] = (await s.scalars(select(SurveyResponse))).all()
        ratings = {(r.question, r.subject, r.grade)
                   for r in await s.scalars(select(SurveyRating))}
        drafts = (await s.scalars(select(SurveyDraft))).all()
    # anonymous: the response names no subject; the grades are rows of their own
    assert resp.answers == {"members": "rated", "know_branches": "了解", "branches": "rated"}
    assert ratings == {("members", "p:2022010202", "合格"),
                       ("members", "p:2023010101", "基本合格"),
                       ("branches", "u:ACC-T1", "优秀")}
    assert drafts == []
    # someone starting after the change no longer rates the class's member
    step = await _run(sf, A.current_step, ids["2023010102"], sid, NOW)
    assert _shown(step) == ("know_branches", None, 0, 2, None)  # 2号楼's member: themself


async def test_a_respondent_with_no_subject_skips_the_question(sf) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf)
    me = ids["2023010101"]
    step = await _run(sf, A.current_step, me, sid, NOW)
    assert _shown(step) == ("know_branches", None, 0, 2, None)
    step = await _run(sf, A.answer, me, sid, 0, "不了解", NOW)
    step = await _run(sf, A.move, me, sid, 1, True, NOW)
    await _run(sf, A.submit, me, sid, now=NOW, tz=TZ)
    async with sf() as s:
        [resp] = (await s.scalars(select(SurveyResponse))).all()
        assert (await s.scalars(select(SurveyRating))).all() == []
    assert resp.answers == {"know_branches": "不了解"}


# Each respondent's grade of each subject (None: skipped, an optional question only).
# 杨子涵 (p:2023010101) is rated by five: 优秀 2, 合格 1, 基本合格 1, 不合格 1.
GRADES: dict[str, dict[str, str | None]] = {
    "2023010102": {"p:2023010101": "优秀"},
    "2023010103": {"p:2022010202": "优秀", "p:2023010101": "优秀",
                   "u:ACC-S1": "优秀", "u:ACC-T1": "优秀"},
    "2023010104": {"p:2023010101": "合格", "u:ACC-S1": "合格", "u:ACC-T1": None},
    "2022010203": {"p:2023010101": "基本合格", "p:2022010201": "合格"},
    "2023020102": {"p:2023010101": "不合格", "p:2023020101": "不合格"},
}


def _pick(number: str) -> Callable[[A.Step], str | None]:
    def pick(step: A.Step) -> str | None:
        assert step.question is not None
        if step.subject is not None:
            return GRADES[number][step.subject.key]
        if step.question.id == "know_branches":
            return "了解" if "u:ACC-S1" in GRADES[number] else "不了解"
        return None
    return pick


async def _answer_all(sf, ids, sid) -> None:  # noqa: ANN001
    for number in GRADES:
        pid, pick = ids[number], _pick(number)
        step = await _run(sf, A.current_step, pid, sid, NOW)
        while step.question is not None:
            value = pick(step)
            step = await (_run(sf, A.move, pid, sid, step.index, True, NOW) if value is None
                          else _run(sf, A.answer, pid, sid, step.index, value, NOW))
        await _run(sf, A.submit, pid, sid, now=NOW, tz=TZ)


async def _results(sf, sid):  # noqa: ANN001, ANN202
    async with unit_of_work(sf) as uow:
        row = await uow.store.survey_row(sid)
        survey = survey_of(row.definition)
        found = figures(survey, await uow.store.survey_responses(sid, named=not row.anonymous),
                        audience=sum(row.counts.values()))
        return row, found, await read_evaluations(uow.store, sid, survey, min_group=5)


def _table(e) -> list[tuple[Any, ...]]:  # noqa: ANN001
    return [(s.key, s.name, s.raters, tuple(s.counts.values()), s.share(e.best),
             s.share(e.best_two)) for s in e.subjects]


async def test_anonymous_results_per_subject_the_minimum_and_the_workbook(
        sf, tmp_path: Path) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf)
    await _answer_all(sf, ids, sid)
    row, found, (members, branches) = await _results(sf, sid)
    assert found.questions[0].answered == 5 and found.questions[0].counts == {}
    assert found.questions[2].answered == 2  # graded a branch
    assert _table(members) == [
        ("p:2022010201", "周子涵", None, (), None, None),   # 1 rater: not shown apart
        ("p:2022010202", "徐子涵", None, (), None, None),
        ("p:2023010101", "杨子涵", 5, (2, 1, 1, 1), 2 / 5, 3 / 5),
        ("p:2023020101", "黄欣怡", None, (), None, None)]
    assert [s.shown for s in branches.subjects] == [False, False] and branches.hidden == 2
    async with sf() as s:  # no response names a subject; 8 + 3 ratings, no link
        answers = [r.answers for r in await s.scalars(select(SurveyResponse))]
        assert len((await s.scalars(select(SurveyRating))).all()) == 11
    assert len(answers) == 5 and not any(k in str(a) for a in answers for k in ("p:", "u:"))
    assert sorted(c.name for c in SurveyRating.__table__.columns) == [
        "grade", "id", "question", "subject", "survey_id"]
    assert await mix_sweep(sf) == 1 and await _run(sf, lambda st: st.survey_to_mix()) is None
    assert len(await _run(sf, lambda st: st.survey_ratings(sid))) == 11
    lines = evaluation_lines(CATALOG, "zh_CN", found.survey, (members, branches))
    assert lines[0] == "第1题 民主测评：请评价负责您宿舍楼和班级的党员："
    assert lines[2].split() == ["测评对象", "学号/工号或单位代码", "评价人数", "优秀", "合格",
                                "基本合格", "不合格", "「优秀」占比", "「优秀」+「合格」占比"]
    assert lines[3].split() == ["周子涵", "2022010201", "人数不足，不单独显示"]
    assert lines[5].split() == ["杨子涵", "2023010101", "5", "2", "1", "1", "1", "40.0%",
                                "60.0%"]
    path = tmp_path / "results.xlsx"
    save(build(found, status=row.status, units={}, catalog=CATALOG, locale="zh_CN",
               evaluations=(members, branches)), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["概览", "第1题 民主测评", "第2题 know_branches",
                             "第3题 民主测评", "第4题 advice", "原始答卷"]
    ws = wb["第1题 民主测评"]
    assert [c.value for c in ws[4]] == [
        "测评对象", "学号/工号或单位代码", "评价人数", "优秀（人数）", "合格（人数）",
        "基本合格（人数）", "不合格（人数）", "「优秀」占比", "「优秀」+「合格」占比"]
    assert [c.value for c in ws[7]] == ["杨子涵", "2023010101", 5, 2, 1, 1, 1, 0.4, 0.6]
    assert ws["H7"].number_format == ws["I7"].number_format == "0.0%"
    assert [c.value for c in ws[5]][:3] == ["周子涵", "2022010201", "人数不足，不单独显示"]
    assert ws.freeze_panes == "C5" and "少于 5 人" in str(ws["A2"].value)
    raw = wb["原始答卷"]  # anonymous: no evaluation column, nobody's subjects
    assert [c.value for c in raw[1]] == ["学院", "支部", "第2题 您是否了解本学院各党支部的工作？",
                                         "第4题 对党员和党支部的工作，您还有什么意见和建议？（选填）"]
    cells = " ".join(str(c.value) for r in raw.iter_rows() for c in r)
    assert "杨子涵" not in cells and "2023010101" not in cells
    summary = [[c.value for c in r] for r in wb["概览"].iter_rows()]
    assert ["第1题", "请评价负责您宿舍楼和班级的党员：", "民主测评", 5, 0, None] in summary


async def test_named_results_show_every_subject_and_the_raw_grades(
        sf, tmp_path: Path) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf, anonymous=False)
    await _answer_all(sf, ids, sid)
    row, found, (members, branches) = await _results(sf, sid)
    assert _table(members)[0] == ("p:2022010201", "周子涵", 1, (0, 1, 0, 0), 0.0, 1.0)
    assert _table(branches) == [("u:ACC-S1", "会计学院本科生第一党支部", 2, (1, 1, 0, 0), 0.5, 1.0),
                                ("u:ACC-T1", "会计学院教工党支部", 1, (1, 0, 0, 0), 1.0, 1.0)]
    async with sf() as s:
        kept = {r.person_id: r.answers for r in await s.scalars(select(SurveyResponse))}
    assert kept[ids["2022010203"]]["members"] == {"p:2023010101": "基本合格",
                                                   "p:2022010201": "合格"}
    path = tmp_path / "named.xlsx"
    save(build(found, status=row.status, units={}, catalog=CATALOG, locale="en",
               evaluations=(members, branches)), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Q1 Evaluation"]
    assert [c.value for c in ws[4]][:4] == ["Subject", "Number or unit code", "Raters",
                                            "优秀 (count)"]
    assert ws["A2"].value == "Named survey: every subject is shown."
    raw = wb["Raw answers"]
    head = [c.value for c in raw[1]]
    line = next([c.value for c in r] for r in raw.iter_rows(min_row=2)
                if r[0].value == "2022010203")
    assert line[head.index("Q1 请评价负责您宿舍楼和班级的党员：")] == \
        "周子涵 (2022010201): 合格; 杨子涵 (2023010101): 基本合格"
