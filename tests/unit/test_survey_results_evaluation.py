"""民主测评 results by hand (core/surveys/evaluation_figures.py, and the evaluation parts
of core/surveys/figures.py and core/surveys/evaluation.py): per subject the count of each
grade, the raters and the shares of 优秀 and of 优秀 + 合格; the minimum rule (an
anonymous survey shows a subject only from ``min_group`` raters; a named one always);
ratings of another question or with an unknown grade left out; the per-question figure
counts who answered and no grades; the raw answers list evaluations only when named; the
stored answer of an anonymous response names no subject."""
from __future__ import annotations

import pytest

from core.surveys.definition import parse_survey
from core.surveys.evaluation import RATED, ratings, slots, stored
from core.surveys.evaluation_figures import evaluation_figures
from core.surveys.evaluation_ports import Rating, Subject
from core.surveys.figures import figures
from core.surveys.model import Survey
from core.surveys.ports import Groups, ResponseRow

TEXT = """
code = "evaluation-test"
title = "民主测评"
anonymous = {anonymous}
opens = 2026-12-01T09:00:00+08:00
closes = 2026-12-15T18:00:00+08:00
[audience]
colleges = ["ACC"]

[[questions]]
id = "members"
kind = "evaluation"
text = "请评价党员："
subjects = "zone_members"

[[questions]]
id = "branches"
kind = "evaluation"
text = "请评价支部："
subjects = "college_branches"
grades = ["好", "中", "差"]
required = false
"""
A, B, C = "p:2023010101", "p:2023010102", "u:ACC-S1"
NAMES = {A: "杨子涵", C: "会计学院本科生第一党支部"}  # B is no longer on the roster


def _survey(anonymous: bool) -> Survey:
    survey, problems = parse_survey(TEXT.format(anonymous=str(anonymous).lower()))
    assert survey is not None and problems == []
    return survey


def _ratings(subject: str, *grades: str, question: str = "members") -> list[Rating]:
    return [Rating(question, subject, g) for g in grades]


# A: 5 raters, 优秀 2, 合格 2, 不合格 1; B: 4 raters; C: 5 raters on the 好/中/差 scale
RATINGS = (_ratings(A, "优秀", "合格", "优秀", "不合格", "合格")
           + _ratings(B, "优秀", "优秀", "基本合格", "优秀")
           + _ratings(C, "好", "差", "好", "中", "好", question="branches")
           + [Rating("members", A, "良好"),      # not a grade of the question
              Rating("gone", A, "优秀")])        # not a question of the survey


def _rows(e) -> list[tuple]:  # noqa: ANN001
    return [(s.key, s.name, s.raters, s.counts, s.share(e.best), s.share(e.best_two))
            for s in e.subjects]


def test_per_subject_counts_raters_and_the_two_shares() -> None:
    members, branches = evaluation_figures(_survey(False), RATINGS, NAMES, min_group=5)
    assert members.best == ("优秀",) and members.best_two == ("优秀", "合格")
    assert _rows(members) == [
        (A, "杨子涵", 5, {"优秀": 2, "合格": 2, "基本合格": 0, "不合格": 1}, 0.4, 0.8),
        (B, None, 4, {"优秀": 3, "合格": 0, "基本合格": 1, "不合格": 0}, 0.75, 0.75)]
    assert _rows(branches) == [
        (C, "会计学院本科生第一党支部", 5, {"好": 3, "中": 1, "差": 1}, 0.6, 0.8)]
    assert members.hidden == 0 and members.subjects[1].code == "2023010102"


@pytest.mark.parametrize(("min_group", "shown"), [(5, [A]), (4, [A, B]), (6, [])])
def test_anonymous_shows_a_subject_only_from_the_minimum(min_group: int,
                                                         shown: list[str]) -> None:
    members, _ = evaluation_figures(_survey(True), RATINGS, NAMES, min_group=min_group)
    assert [s.key for s in members.subjects] == [A, B]  # every subject is listed
    assert [s.key for s in members.subjects if s.shown] == shown
    for s in members.subjects:
        if not s.shown:  # nothing of its grades is kept, not even how many rated it
            assert (s.raters, s.counts, s.share(members.best)) == (None, {}, None)
    assert members.hidden == 2 - len(shown)


def test_a_named_survey_shows_even_one_rater_and_no_ratings_is_no_subject() -> None:
    members, branches = evaluation_figures(_survey(False), _ratings(B, "不合格"), {},
                                           min_group=5)
    assert _rows(members) == [(B, None, 1, {"优秀": 0, "合格": 0, "基本合格": 0,
                                            "不合格": 1}, 0.0, 0.0)]
    assert branches.subjects == ()
    assert evaluation_figures(_survey(True), [], {}) == evaluation_figures(
        _survey(True), [], {}, min_group=5)


def test_the_question_figures_count_who_answered_and_no_grades() -> None:
    def row(answers: dict) -> ResponseRow:  # type: ignore[type-arg]
        return ResponseRow(answers, Groups("ACC", "ACC-S1", "student", "2023"),
                           "2023010103", "赵子涵")
    given = [{"members": {A: "优秀", B: "合格", "p:x": "良好"}}, {"members": {}}, {}]
    named = figures(_survey(False), [row(a) for a in given], audience=4)
    q = named.questions[0]
    assert (q.answered, q.skipped, q.counts, q.mean) == (1, 2, {}, None)
    assert q.by_branch["ACC-S1"].answered == 1
    assert sorted(r.values[0] for r in named.raw) == [  # the unknown grade left out
        (), (), (f"{A}=优秀", f"{B}=合格")]
    anonymous = figures(_survey(True), [row({"members": RATED}), row({})], audience=4)
    assert anonymous.questions[0].answered == 1
    assert [r.values[0] for r in anonymous.raw] == [(), ()]  # never one by one


def test_the_steps_and_what_a_submit_stores() -> None:
    survey = _survey(True)
    found = {"members": (Subject(A, "杨子涵", ("1号楼",)), Subject(B, "黄子涵")),
             "branches": ()}
    asked = slots(survey, {}, found)
    assert [(q.id, s.key if s else None) for q, s in asked] == [("members", A),
                                                                ("members", B)]
    answers = {"members": {A: "优秀", B: "基本合格", "p:forged": "优秀"}}
    given = ratings(survey, answers, found)  # only the subjects found for them
    assert given == [Rating("members", A, "优秀"), Rating("members", B, "基本合格")]
    assert stored(answers, given, anonymous=True) == {"members": RATED}
    assert stored(answers, given, anonymous=False) == {"members": {A: "优秀", B: "基本合格"}}
    assert stored({"members": {}}, [], anonymous=False) == {}
