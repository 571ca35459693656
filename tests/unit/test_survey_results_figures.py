"""core.surveys.figures, by hand: an empty survey, one answer, skipped questions (hidden
by a skip rule or optional and left out: not answered, and not in the base of the
shares), a multiple choice (shares over its respondents, adding up to more than 100%), a
rating's mean and distribution, and small groups merged into OTHER in an anonymous
survey (also when OTHER itself is too small), never in a named one."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from core.surveys.definition import parse_survey
from core.surveys.figures import NONE, OTHER, figures, merge_groups
from core.surveys.model import Survey
from core.surveys.ports import Groups, ResponseRow
from core.types import JSONObject

TEXT = """
code = "figures-test"
title = "食堂调查"
anonymous = {anonymous}
opens = 2026-12-01T09:00:00+08:00
closes = 2026-12-15T18:00:00+08:00
[audience]
colleges = ["ACC"]

[[questions]]
id = "overall"
kind = "rating"
text = "总体满意度？"

[[questions]]
id = "where"
kind = "single"
text = "在哪吃？"
options = ["一食堂", "二食堂"]

[[questions]]
id = "why"
kind = "multiple"
text = "不满意的原因？"
options = ["价格", "口味", "卫生"]
show_if = {{ question = "overall", is = ["1", "2"] }}

[[questions]]
id = "say"
kind = "text"
text = "建议？"
required = false
"""


def _survey(anonymous: bool) -> Survey:
    survey, problems = parse_survey(TEXT.format(anonymous=str(anonymous).lower()))
    assert survey is not None and problems == []
    return survey


def _row(answers: JSONObject, college: str | None = "ACC", branch: str | None = "ACC-S1",
         number: str | None = None, name: str | None = None) -> ResponseRow:
    return ResponseRow(answers, Groups(college, branch, "student", "2023"), number, name)


def test_an_empty_survey_has_zeros_no_means_and_a_rate_of_zero() -> None:
    f = figures(_survey(True), [], audience=35)
    assert (f.responses, f.audience, f.response_rate) == (0, 35, 0.0)
    assert f.colleges == {} and f.branches == {} and f.raw == ()
    for q in f.questions:
        assert (q.answered, q.skipped, q.mean, q.texts) == (0, 0, None, ())
        assert set(q.counts.values()) <= {0} and q.by_college == {} and q.by_branch == {}
        assert all(q.share(c) is None for c in q.counts) and q.distribution == {}
    overall = f.questions[0]
    assert overall.counts == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert figures(_survey(True), [], audience=0).response_rate is None  # not pushed


def test_one_answer_named_and_anonymous() -> None:
    rows = [_row({"overall": "4", "where": "二食堂"}, number="2023010101", name="杨子涵")]
    named = figures(_survey(False), rows, audience=8)
    overall, where, why, say = named.questions
    assert named.response_rate == 1 / 8 == 0.125
    assert (overall.answered, overall.skipped, overall.mean) == (1, 0, 4.0)
    assert overall.counts == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    assert overall.distribution == {"1": 0.0, "2": 0.0, "3": 0.0, "4": 1.0, "5": 0.0}
    assert where.counts == {"一食堂": 0, "二食堂": 1} and where.share("二食堂") == 1.0
    assert (why.answered, why.skipped, why.share("价格")) == (0, 1, None)  # hidden
    assert (say.answered, say.skipped, say.texts) == (0, 1, ())  # optional, left out
    assert named.colleges == {"ACC": 1} and named.branches == {"ACC-S1": 1}
    assert overall.by_branch["ACC-S1"].mean == 4.0
    [raw] = named.raw
    assert (raw.number, raw.name, raw.college, raw.branch) == ("2023010101", "杨子涵", "ACC",
                                                               "ACC-S1")
    assert raw.values == (("4",), ("二食堂",), (), ())
    # Anonymous: one response is a group of one, so it is only OTHER, and no person.
    anonymous = figures(_survey(True), rows, audience=8)
    assert anonymous.colleges == {OTHER: 1} and anonymous.branches == {OTHER: 1}
    assert anonymous.questions[0].by_college[OTHER].counts["4"] == 1
    [raw] = anonymous.raw
    assert (raw.number, raw.name, raw.college, raw.branch) == (None, None, OTHER, OTHER)


def test_skipped_questions_multiple_choice_and_a_rating_by_hand() -> None:
    rows = [_row({"overall": "1", "where": "一食堂", "why": ["价格", "口味"], "say": "太贵"}),
            _row({"overall": "2", "where": "一食堂", "why": ["价格"]}),
            _row({"overall": "5", "where": "二食堂", "say": ""}),   # "why" hidden; say empty
            _row({"overall": "4", "where": "二食堂", "say": "很好"})]
    overall, where, why, say = figures(_survey(False), rows, audience=10).questions
    # overall: (1 + 2 + 5 + 4) / 4 = 3.0; each given score 1/4 of those who answered
    assert (overall.answered, overall.skipped, overall.mean) == (4, 0, 3.0)
    assert overall.counts == {"1": 1, "2": 1, "3": 0, "4": 1, "5": 1}
    assert overall.distribution == {"1": 0.25, "2": 0.25, "3": 0.0, "4": 0.25, "5": 0.25}
    assert (where.answered, where.share("一食堂"), where.mean) == (4, 0.5, None)
    # why: asked of 2 (overall 1 or 2); shares over those 2, so 100% + 50% = 150%
    assert (why.answered, why.skipped) == (2, 2)
    assert why.counts == {"价格": 2, "口味": 1, "卫生": 0}
    assert [why.share(c) for c in why.counts] == [1.0, 0.5, 0.0]
    assert sum(why.share(c) or 0 for c in why.counts) == 1.5
    # say: optional; an empty text is not an answer; texts sorted by content
    assert (say.answered, say.skipped, say.texts, say.counts) == (2, 2, ("太贵", "很好"), {})


def _groups(spec: dict[tuple[str, str], list[str]]) -> list[ResponseRow]:
    """Responses of (college, branch) with these overall ratings."""
    return [_row({"overall": r, "where": "一食堂"}, college, branch)
            for (college, branch), ratings in spec.items() for r in ratings]


SPEC = {("ACC", "ACC-S1"): ["4"] * 6, ("ECO", "ECO-S1"): ["3"] * 5,
        ("INF", "INF-S1"): ["1", "1"], ("INF", "INF-S2"): ["5", "5", "5"]}


def test_a_small_branch_is_merged_into_other_when_anonymous_only() -> None:
    anonymous = figures(_survey(True), _groups(SPEC), audience=20, min_group=5)
    assert anonymous.colleges == {"ACC": 6, "ECO": 5, "INF": 5}
    # INF-S1 (2) and INF-S2 (3) are each under 5: together they are 其他 (5)
    assert anonymous.branches == {"ACC-S1": 6, "ECO-S1": 5, OTHER: 5}
    other = anonymous.questions[0].by_branch[OTHER]
    assert (other.respondents, other.answered) == (5, 5)
    assert other.counts == {"1": 2, "2": 0, "3": 0, "4": 0, "5": 3}
    assert other.mean == (1 + 1 + 5 + 5 + 5) / 5 == 3.4 and other.share("5") == 0.6
    assert {(r.college, r.branch) for r in anonymous.raw} == {
        ("ACC", "ACC-S1"), ("ECO", "ECO-S1"), ("INF", OTHER)}
    named = figures(_survey(False), _groups(SPEC), audience=20, min_group=5)
    assert named.branches == {"ACC-S1": 6, "ECO-S1": 5, "INF-S1": 2, "INF-S2": 3}
    assert named.questions[0].by_branch["INF-S1"].mean == 1.0


def test_other_too_small_merges_on_until_nobody_can_be_told_apart() -> None:
    # ECO's 2 alone would be total - ACC = 13 - 11 in the colleges, and ACC-T1 + ECO-S1
    # = 7 is what the branches can keep apart from ACC-S1's 6.
    spec = {("ACC", "ACC-S1"): ["4"] * 6, ("ACC", "ACC-T1"): ["3"] * 5,
            ("ECO", "ECO-S1"): ["1", "1"]}
    f = figures(_survey(True), _groups(spec), audience=30, min_group=5)
    assert f.colleges == {OTHER: 13}
    assert f.branches == {"ACC-S1": 6, OTHER: 7}
    assert f.questions[0].by_branch[OTHER].mean == (5 * 3 + 2 * 1) / 7
    # A college's rest below the minimum: ACC 7 = ACC-S1 5 + 2 with no branch. Showing
    # ACC and ACC-S1 would give those 2 away, so ACC-S1 joins OTHER.
    spec = {("ACC", "ACC-S1"): ["4"] * 5, ("ACC", None): ["2"] * 2,
            ("ECO", "ECO-S1"): ["3"] * 6}  # type: ignore[dict-item]
    f = figures(_survey(True), _groups(spec), audience=30, min_group=5)
    assert f.colleges == {"ACC": 7, "ECO": 6}
    assert f.branches == {"ECO-S1": 6, OTHER: 7}
    # Named: as it is, with the respondents of no branch as NONE.
    f = figures(_survey(False), _groups(spec), audience=30, min_group=5)
    assert f.branches == {"ACC-S1": 5, "ECO-S1": 6, NONE: 2}


@pytest.mark.parametrize("seed", range(200))
def test_every_cell_that_is_shown_has_at_least_the_minimum(seed: int) -> None:
    rnd = random.Random(seed)
    pairs: Counter[tuple[str, str]] = Counter()
    for _ in range(rnd.randint(1, 60)):
        college = rnd.choice(["A", "B", "C", NONE])
        branch = NONE if college == NONE or rnd.random() < 0.2 else \
            f"{college}-{rnd.randint(1, 3)}"
        pairs[(college, branch)] += 1
    labels = merge_groups(pairs, 5)
    cells: Counter[tuple[str, str]] = Counter()
    for pair, n in pairs.items():
        cells[labels[pair]] += n
    assert all(n >= 5 for n in cells.values()) or list(cells) == [(OTHER, OTHER)]
    # a group shown in a breakdown is a sum of cells: what it has in the other breakdown
    for d in (0, 1):
        shown = {label[d] for label in cells} - {OTHER}
        for key in shown:
            assert sum(n for p, n in pairs.items() if p[d] == key) == \
                sum(n for c, n in cells.items() if c[d] == key)


def test_raw_rows_carry_no_person_and_are_sorted_by_content_when_anonymous() -> None:
    rows = [_row({"overall": r, "where": "一食堂"}, number=f"2023{i:06d}", name=f"人{i}")
            for i, r in enumerate(["5", "1", "3", "1", "4"])]
    f = figures(_survey(True), rows, audience=5)
    assert [r.values[0] for r in f.raw] == [("1",), ("1",), ("3",), ("4",), ("5",)]
    assert {(r.number, r.name) for r in f.raw} == {(None, None)}
    f = figures(_survey(False), rows, audience=5)
    assert [r.number for r in f.raw] == [f"2023{i:06d}" for i in range(5)]
