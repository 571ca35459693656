"""Evaluation questions (民主测评) in a survey file: the example parses with its defaults,
the stored form keeps them, and every check reports its problem on the line an author
would look at (``# <-``, as tests/unit/test_survey_definition.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.surveys.survey_file import load_survey
from core.surveys.data import survey_data, survey_of
from core.surveys.definition import parse_survey
from core.surveys.model import COLLEGE_BRANCHES, GRADES, ZONE_MEMBERS, QuestionKind
from tests.unit.test_survey_definition import AUDIENCE, RATING, TOP, expect, found

ROOT = Path(__file__).resolve().parents[2]


def evaluation(extra: str = "", subjects: str = '"zone_members"') -> str:
    return (f'[[questions]]\nkind = "evaluation"\ntext = "请评价："\nsubjects = {subjects}\n'
            + extra)


def test_the_example_parses_with_both_sources_and_a_skip_rule() -> None:
    survey, problems = load_survey(ROOT / "examples/surveys/evaluation.toml")
    assert problems == [] and survey is not None and survey.anonymous
    members, know, branches, advice = survey.questions
    assert (members.kind, branches.kind) == (QuestionKind.EVALUATION, QuestionKind.EVALUATION)
    assert members.subjects == ZONE_MEMBERS and members.scopes == ("dorm_building", "class")
    assert branches.subjects == COLLEGE_BRANCHES and branches.scopes == ()
    assert members.grades == branches.grades == ("优秀", "合格", "基本合格", "不合格")
    assert members.required and not branches.required
    assert branches.show_if is not None and branches.show_if.question == know.id
    assert advice.kind is QuestionKind.TEXT
    assert survey_of(survey_data(survey)) == survey  # the stored form keeps every key


def test_defaults_grades_are_the_choices_and_a_survey_without_one_is_stored_as_before(
        ) -> None:
    survey, problems = parse_survey(TOP + AUDIENCE + evaluation()
                                    + evaluation(subjects='"college_branches"'))
    assert problems == [] and survey is not None
    q1, q2 = survey.questions
    assert q1.grades == GRADES and q1.choices() == GRADES and q1.required
    assert q1.scopes == ("dorm_building", "class") and q2.scopes == ()
    assert survey_of(survey_data(survey)) == survey
    plain, _ = parse_survey(TOP + AUDIENCE + RATING)
    assert plain is not None
    stored = survey_data(plain)["questions"]
    assert isinstance(stored, list) and set(stored[0]) == {  # type: ignore[arg-type]
        "id", "kind", "text", "required", "options", "max", "max_chars", "show_if"}


def test_scopes_and_grades_may_be_given() -> None:
    survey, problems = parse_survey(TOP + AUDIENCE + evaluation(
        'scopes = ["class", "branch", "college"]\ngrades = ["好", "较好", "一般"]\n'
        "required = false\n"))
    assert problems == [] and survey is not None
    q = survey.questions[0]
    assert q.scopes == ("class", "branch", "college") and q.grades == ("好", "较好", "一般")
    assert not q.required


@pytest.mark.parametrize(("questions", "keys"), [
    ('[[questions]]  # <-\nkind = "evaluation"\ntext = "请评价："\n', ["missing"]),
    (evaluation(subjects='"teachers"  # <-'), ["bad_subjects"]),
    (evaluation(subjects='["zone_members"]  # <-'), ["wrong_type"]),
    (evaluation('scopes = ["dorm"]  # <-\n'), ["bad_scope"]),
    (evaluation('scopes = []  # <-\n'), ["empty"]),
    (evaluation('scopes = ["class"]  # <-\n', subjects='"college_branches"'),
     ["scopes_only_members"]),
    (evaluation('grades = ["优秀"]  # <-\n'), ["grades_count"]),
    (evaluation('grades = "优秀"  # <-\n'), ["grades_count"]),
    (evaluation("grades = [" + ", ".join(f'"{i}"' for i in range(11)) + "]  # <-\n"),
     ["grades_count"]),
    (evaluation('grades = [\n  "优秀",\n  "优秀",  # <-\n]\n'), ["repeated_value"]),
    (evaluation('grades = [\n  "优秀",\n  "' + "长" * 41 + '",  # <-\n]\n'), ["too_long"]),
    (evaluation('grades = ["优秀", 1]  # <-\n'), ["wrong_type"]),
    (evaluation('options = ["a", "b"]  # <-\n'), ["not_for_kind"]),
    (evaluation("max_chars = 10  # <-\n"), ["not_for_kind"]),
    (RATING + 'subjects = "zone_members"  # <-\n', ["not_for_kind"]),
    (RATING + 'grades = ["好", "差"]  # <-\n', ["not_for_kind"]),
    (RATING + 'scopes = ["class"]  # <-\n', ["not_for_kind"]),
    (evaluation("subject = 1  # <-\n"), ["unknown_key_hint"]),
])
def test_evaluation_checks(questions: str, keys: list[str]) -> None:
    expect(TOP + AUDIENCE + questions, *keys)


def test_an_evaluation_may_have_a_skip_rule_but_none_may_depend_on_it() -> None:
    shown = RATING + evaluation('show_if = { question = "q1", is = ["1", "2"] }\n')
    survey, problems = parse_survey(TOP + AUDIENCE + shown)
    assert problems == [] and survey is not None
    assert survey.questions[1].show_if is not None
    expect(TOP + AUDIENCE + evaluation() + RATING
           + 'show_if = { question = "q1", is = ["优秀"] }  # <-\n', "show_if_evaluation")


def test_problems_are_on_the_lines_of_a_table_form_too() -> None:
    text = (TOP + AUDIENCE + '[[questions]]\nid = "members"\nkind = "evaluation"\n'
            'text = "请评价："\nsubjects = "zone_members"\n'
            'scopes = [\n  "dorm_building",\n  "floor",  # <-\n]\n')
    assert found(text) == [(text.splitlines().index('  "floor",  # <-') + 1, "bad_scope")]
