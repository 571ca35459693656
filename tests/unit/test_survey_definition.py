"""Survey files (core/surveys/definition.py): the examples parse, and every check reports
its problem (a locale key both catalogues have) on the line an author would look at.

A case marks the line it expects with ``# <-``; the problems must be exactly the expected
ones, so a check that also reports something spurious fails too.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.surveys.survey_file import load_survey
from core.surveys.definition import ListFileError, Problem, parse_survey, summary_params
from core.surveys.model import QuestionKind
from locales import Catalog

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Catalog.load()

TOP = """\
code = "canteen-2026"
title = "食堂满意度"
anonymous = true
opens = 2026-12-01T09:00:00+08:00
closes = 2026-12-15T18:00:00+08:00
"""
AUDIENCE = """\
[audience]
colleges = ["ACC"]
"""
RATING = """\
[[questions]]
kind = "rating"
text = "满意吗？"
"""


def found(text: str, **kw: object) -> list[tuple[int | None, str]]:
    survey, problems = parse_survey(text, **kw)  # type: ignore[arg-type]
    assert (survey is None) == bool(problems)
    for p in problems:  # every key exists in both languages and renders
        for loc in ("zh_CN", "en"):
            assert p.key in CATALOG.texts[loc], p.key
            assert "{" not in CATALOG.render_plain(loc, p.key, p.params), p
    return [(p.line, p.key.removeprefix("survey_file.")) for p in problems]


def marked(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if "# <-" in line)


def expect(text: str, *keys: str, **kw: object) -> None:
    line = marked(text) if "# <-" in text else None
    assert found(text, **kw) == [(line, k) for k in keys]


def test_both_examples_parse() -> None:
    sat, problems = load_survey(ROOT / "examples/surveys/satisfaction.toml")
    assert problems == [] and sat is not None
    assert sat.anonymous and sat.kind == "survey"
    # every kind but an evaluation (examples/surveys/evaluation.toml, its own test file)
    assert {q.kind for q in sat.questions} == set(QuestionKind) - {QuestionKind.EVALUATION}
    assert any(q.show_if for q in sat.questions) and sat.audience.excluded is not None
    assert sat.reminders == (timedelta(days=2), timedelta(days=7), timedelta(days=13))
    con, problems = load_survey(ROOT / "examples/surveys/consultation.toml")
    assert problems == [] and con is not None
    assert con.kind == "consultation" and not con.anonymous
    assert con.questions[0].kind is QuestionKind.TEXT
    assert con.audience.numbers == ("9101000001", "9101000002")


def test_defaults_and_values() -> None:
    survey, _ = parse_survey(TOP + AUDIENCE + RATING + RATING.replace("rating", "text")
                             + '[[questions]]\nid = "pick"\nkind = "multiple"\ntext = "?"\n'
                             'options = ["a", "b", "c"]\nshow_if = { question = "q1", is = [1, 2] }\n')
    assert survey is not None
    q1, q2, pick = survey.questions
    assert (q1.id, q2.id, pick.id) == ("q1", "q2", "pick")
    assert q1.required and q2.max_chars == 1000 and pick.max_choices is None
    assert pick.show_if is not None and pick.show_if.values == ("1", "2")
    assert survey.kind == "survey" and survey.intro == "" and survey.results_for == ("admin",)
    assert survey.reminders == () and survey.opens_at.utcoffset() == timedelta(hours=8)


def test_crlf_and_bom_parse_and_keep_their_lines() -> None:
    good = "\ufeff" + (TOP + AUDIENCE + RATING).replace("\n", "\r\n")
    survey, problems = parse_survey(good)
    assert problems == [] and survey is not None and survey.title == "食堂满意度"
    bad = "\ufeff" + (TOP + AUDIENCE + RATING + 'requird = false  # <-\n').replace("\n", "\r\n")
    assert found(bad) == [(marked(bad), "unknown_key_hint")]


def test_a_syntax_error_has_its_line() -> None:
    expect(TOP + 'intro = "unclosed  # <-\n' + AUDIENCE + RATING, "syntax")
    assert found('code = "x"\ntitle = ') == [(2, "syntax")]  # "at end of document"


@pytest.mark.parametrize(("text", "keys"), [
    (TOP + "colour = 1  # <-\n" + AUDIENCE + RATING, ["unknown_key"]),
    (TOP + AUDIENCE + RATING + "requird = false  # <-\n", ["unknown_key_hint"]),
    (TOP + AUDIENCE + "except = 1  # <-\n" + RATING, ["wrong_type"]),
    (TOP.replace('title = "食堂满意度"', 'title = "  "  # <-') + AUDIENCE + RATING, ["empty"]),
    (TOP.replace("anonymous = true", 'anonymous = "yes"  # <-') + AUDIENCE + RATING,
     ["wrong_type"]),
    (TOP.replace('"canteen-2026"', '"Canteen_2026"  # <-') + AUDIENCE + RATING, ["bad_code"]),
    (TOP.replace('"canteen-2026"', '"ab"  # <-') + AUDIENCE + RATING, ["bad_code"]),
    (TOP.replace('"canteen-2026"', '"-canteen"  # <-') + AUDIENCE + RATING, ["bad_code"]),
    (TOP.replace('"食堂满意度"', '"' + "长" * 101 + '"  # <-') + AUDIENCE + RATING, ["too_long"]),
    (TOP + 'kind = "poll"  # <-\n' + AUDIENCE + RATING, ["bad_survey_kind"]),
    (TOP + 'results_for = ["admin", "boss"]  # <-\n' + AUDIENCE + RATING, ["unknown_role"]),
    (TOP + 'intro = """\n很长\n的开头语\n"""\ncolour = 2  # <-\n' + AUDIENCE + RATING,
     ["unknown_key"]),
])
def test_top_level_checks(text: str, keys: list[str]) -> None:
    expect(text, *keys)


def test_missing_keys_are_reported_for_the_whole_file() -> None:
    assert found(AUDIENCE + RATING) == [(None, "missing")] * 5
    assert found(TOP + RATING) == [(None, "missing")]
    assert found(TOP + AUDIENCE) == [(None, "missing")]
    assert found(TOP + "questions = []  # <-\n" + AUDIENCE) == [(6, "empty")]


@pytest.mark.parametrize(("change", "keys"), [
    ("opens = 2026-12-01T09:00:00  # <-", ["naive_time"]),
    ("opens = 2026-12-01  # <-", ["wrong_type"]),
    ('opens = "2026-12-01T09:00:00+08:00"  # <-', ["wrong_type"]),
    ("opens = 2026-12-15T18:00:00+08:00", []),  # == closes: reported on closes
])
def test_times(change: str, keys: list[str]) -> None:
    text = TOP.replace("opens = 2026-12-01T09:00:00+08:00", change) + AUDIENCE + RATING
    if keys:
        expect(text, *keys)
    else:
        assert found(text) == [(5, "closes_before_opens")]


@pytest.mark.parametrize(("reminders", "keys"), [
    ('["0d"]', ["bad_reminder"]), ('["2w"]', ["bad_reminder"]), ('[2]', ["wrong_type"]),
    ('["15d"]', ["reminder_too_late"]), ('["2d", "2d"]', ["repeated_value"]),
    ('["1d", "24h"]', ["repeated_value"]), ('["1d", "2d", "3d", "4d"]', ["too_many_reminders"]),
])
def test_reminders(reminders: str, keys: list[str]) -> None:
    expect(TOP + f"reminders = {reminders}  # <-\n" + AUDIENCE + RATING, *keys)


def test_reminders_are_sorted_and_the_limit_is_a_parameter() -> None:
    text = TOP + 'reminders = ["5d", "12h", "2d", "3d"]\n' + AUDIENCE + RATING
    survey, _ = parse_survey(text, max_reminders=4)
    assert survey is not None and survey.reminders == (
        timedelta(hours=12), timedelta(days=2), timedelta(days=3), timedelta(days=5))
    assert found(text) == [(6, "too_many_reminders")]


def test_a_reminder_element_on_its_own_line_is_reported_there() -> None:
    expect(TOP + 'reminders = [\n  "1d",\n  "99d",  # <-\n]\n' + AUDIENCE + RATING,
           "reminder_too_late")


def choice(kind: str = "single", extra: str = "",
           options: str = '["好", "一般", "差"]') -> str:
    return f'[[questions]]\nkind = "{kind}"\ntext = "选哪个？"\noptions = {options}\n{extra}'


@pytest.mark.parametrize(("questions", "keys"), [
    (RATING.replace('text = "满意吗？"', 'text = "' + "长" * 501 + '"  # <-'), ["too_long"]),
    (RATING.replace('"rating"', '"scale"  # <-'), ["bad_question_kind"]),
    ("[[questions]]  # <-\ntext = \"?\"\n", ["missing"]),
    ('[[questions]]  # <-\nkind = "rating"\n', ["missing"]),
    (RATING + 'id = "Q 1"  # <-\n', ["bad_id"]),
    (RATING + RATING + 'id = "q1"  # <-\n', ["repeated_id"]),
    (RATING + 'id = "a"\n' + RATING + 'id = "a"  # <-\n', ["repeated_id"]),
    (RATING + 'options = ["a", "b"]  # <-\n', ["not_for_kind"]),
    (RATING + "max_chars = 10  # <-\n", ["not_for_kind"]),
    (choice(extra="max = 1  # <-\n"), ["not_for_kind"]),
    (choice(options='["只有一项"]  # <-'), ["options_count"]),
    (choice(options=str([str(i) for i in range(11)]) + "  # <-"), ["options_count"]),
    (choice(options='"好"  # <-'), ["options_count"]),
    (choice(options='["好", 2]  # <-'), ["wrong_type"]),
    ('[[questions]]  # <-\nkind = "single"\ntext = "?"\n', ["missing"]),
    (choice(options='[\n  "好",\n  " ",  # <-\n  "差",\n]'), ["empty_value"]),
    (choice(options='[\n  "好",\n  "好",  # <-\n]'), ["repeated_value"]),
    (choice(options='[\n  "好",\n  "' + "长" * 41 + '",  # <-\n]'), ["too_long"]),
    (choice("multiple", "max = 0  # <-\n"), ["bad_max"]),
    (choice("multiple", "max = 4  # <-\n"), ["bad_max"]),
    (choice("multiple", 'max = "2"  # <-\n'), ["wrong_type"]),
    (choice("multiple", "max = true  # <-\n"), ["wrong_type"]),
    ('[[questions]]\nkind = "text"\ntext = "?"\nmax_chars = 0  # <-\n', ["bad_max_chars"]),
    ('[[questions]]\nkind = "text"\ntext = "?"\nmax_chars = 4001  # <-\n', ["bad_max_chars"]),
    (RATING + 'required = "no"  # <-\n', ["wrong_type"]),
])
def test_question_checks(questions: str, keys: list[str]) -> None:
    expect(TOP + AUDIENCE + questions, *keys)


def test_too_many_questions_is_reported_at_the_first_one_too_many() -> None:
    text = TOP + AUDIENCE + RATING * 50
    assert parse_survey(text)[0] is not None
    text += "[[questions]]  # <-\nkind = \"rating\"\ntext = \"多了\"\n"
    expect(text, "too_many_questions")


@pytest.mark.parametrize(("rule", "keys"), [
    ('{ question = "q9", is = ["1"] }', ["show_if_not_earlier"]),    # no such question
    ('{ question = "q2", is = ["1"] }', ["show_if_not_earlier"]),    # itself
    ('{ question = "q3", is = ["1"] }', ["show_if_not_earlier"]),    # a later one
    ('{ question = "q1", is = ["6"] }', ["show_if_value"]),
    ('{ question = "q1", is = [0] }', ["show_if_value"]),
    ('{ question = "q1", is = [] }', ["empty"]),
    ('{ question = "q1" }', ["missing"]),
    ('{ question = "q1", is = ["1"], when = 1 }', ["unknown_key"]),
    ('{ question = "q1", iss = ["1"] }', ["unknown_key_hint", "missing"]),
    ('"q1"', ["wrong_type"]),
])
def test_skip_rules(rule: str, keys: list[str]) -> None:
    expect(TOP + AUDIENCE + RATING + RATING + f"show_if = {rule}  # <-\n" + RATING, *keys)


def test_skip_rules_on_choices_and_text() -> None:
    base = TOP + AUDIENCE + choice() + '[[questions]]\nkind = "text"\ntext = "?"\n'
    assert parse_survey(base + RATING + 'show_if = { question = "q1", is = "差" }\n')[0]
    expect(base + RATING + 'show_if = { question = "q1", is = ["很差"] }  # <-\n',
           "show_if_value")
    expect(base + RATING + 'show_if = { question = "q2", is = ["x"] }  # <-\n', "show_if_text")
    expect(base + RATING + '[questions.show_if]\nquestion = "q2"  # <-\nis = "x"\n',
           "show_if_text")


def test_a_skip_rule_on_a_broken_question_is_not_reported_twice() -> None:
    expect(TOP + AUDIENCE + RATING.replace('"rating"', '"scale"  # <-') + RATING
           + 'show_if = { question = "q1", is = ["1"] }\n', "bad_question_kind")


@pytest.mark.parametrize(("audience", "keys"), [
    ("[audience]  # <-\n", ["audience_empty"]),
    ('[audience]\ncolleges = ["ACC"]\n[audience.except]  # <-\n', ["except_empty"]),
    ('[audience]\ncolleges = []  # <-\n', ["empty"]),
    ('[audience]\ncolleges = ["ACC", ""]  # <-\n', ["empty_value"]),
    ('[audience]\ngrades = [2023]  # <-\n', ["wrong_type"]),
    ('[audience]\nkinds = ["teacher"]  # <-\n', ["unknown_person_kind"]),
    ('[audience]\nroles = ["student", "boss"]  # <-\n', ["unknown_role"]),
    ('[audience]\nbuildings = ["' + "楼" * 101 + '"]  # <-\n', ["too_long"]),
    ('[audience]\ncolleges = ["ACC"]\nbuildng = ["1号楼"]  # <-\n', ["unknown_key_hint"]),
    ('audience = ["ACC"]  # <-\n', ["wrong_type"]),
])
def test_audience_checks(audience: str, keys: list[str]) -> None:
    expect(TOP + audience + RATING, *keys)


def test_an_except_has_no_except_of_its_own() -> None:
    text = TOP + '[audience]\ncolleges = ["ACC"]\n[audience.except]\nexcept = 1\n' + RATING
    assert found(text) == [(8, "except_empty"), (9, "unknown_key")]


def test_audience_fields_single_values_and_except() -> None:
    survey, _ = parse_survey(TOP + '[audience]\nkinds = "student"\ngrades = [" 2023 "]\n'
                             '[audience.except]\nbranches = ["ACC-S1"]\n' + RATING)
    assert survey is not None
    assert survey.audience.kinds == ("student",) and survey.audience.grades == ("2023",)
    assert survey.audience.excluded is not None
    assert survey.audience.excluded.branches == ("ACC-S1",)


# --- list files ----------------------------------------------------------------------------

LISTED = TOP + '[audience]\nkinds = ["student"]\nlist = "names.txt"  # <-\n' + RATING


def reader(files: dict[str, str | Exception]) -> object:
    def read(name: str) -> str:
        got = files[name]
        if isinstance(got, Exception):
            raise got
        return got
    return read


def test_a_list_file_adds_its_numbers_once_each_in_order() -> None:
    text = "\ufeff# 新生名单\n2026010101\n\n2026010102  # 张三\n2026010101\nAB-12_3\n"
    survey, problems = parse_survey(LISTED, list_files=reader({"names.txt": text}))
    assert problems == [] and survey is not None
    assert survey.audience.numbers == ("2026010101", "2026010102", "AB-12_3")


def test_a_list_alone_is_an_audience_and_an_except_may_list_people() -> None:
    text = TOP + '[audience]\nlist = "a.txt"\n[audience.except]\nlist = "b.txt"\n' + RATING
    survey, _ = parse_survey(text, list_files=reader({"a.txt": "1\n2\n", "b.txt": "2\n"}))
    assert survey is not None and survey.audience.numbers == ("1", "2")
    assert survey.audience.excluded is not None and survey.audience.excluded.numbers == ("2",)


@pytest.mark.parametrize(("files", "key"), [
    ({"names.txt": ListFileError("survey_file.list_missing")}, "list_missing"),
    ({"names.txt": ListFileError("survey_file.list_outside")}, "list_outside"),
    ({"names.txt": PermissionError("denied")}, "list_unreadable"),
    ({"names.txt": UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad")}, "list_unreadable"),
    ({"names.txt": "# 只有注释\n\n"}, "list_empty"),
])
def test_a_list_file_that_cannot_be_used(files: dict[str, str | Exception], key: str) -> None:
    expect(LISTED, key, list_files=reader(files))


def test_without_a_reader_a_list_is_a_problem() -> None:
    expect(LISTED, "list_not_read")


def test_a_malformed_number_is_reported_on_the_list_files_own_line() -> None:
    text = "2026010101\n2026 010102\n# ok\n2.02601E+09\n" + "x" * 41 + "\n"
    survey, problems = parse_survey(LISTED + "colour = 1\n",
                                    list_files=reader({"names.txt": text}))
    assert survey is None
    assert [(p.file, p.line, p.key) for p in problems] == [
        (None, 12, "survey_file.unknown_key"),  # the survey's own problems come first
        ("names.txt", 2, "survey_file.list_bad_number"),
        ("names.txt", 4, "survey_file.list_scientific"),
        ("names.txt", 5, "survey_file.list_bad_number")]
    assert problems[1].params == {"value": "2026 010102"}


# --- the summary ---------------------------------------------------------------------------

def test_the_summary_says_the_audience_in_words_in_both_languages() -> None:
    text = (TOP.replace("anonymous = true", "anonymous = false")
            + '[audience]\ncolleges = ["ACC", "INF"]\ngrades = ["2023"]\nlist = "x.txt"\n'
              '[audience.except]\nbranches = ["ACC-T1"]\n' + RATING)
    survey, _ = parse_survey(text, list_files=reader({"x.txt": "1\n"}))
    assert survey is not None
    params = summary_params(survey)
    assert CATALOG.render_plain("zh_CN", "survey_file.valid", params) == (
        "有效：「食堂满意度」（问卷），1 道题，实名；对象：学院 ACC、INF，且年级 2023，"
        "但不含（支部 ACC-T1）；另加名单中的 1 人")
    assert CATALOG.render_plain("en", "survey_file.valid", params) == (
        "Valid: “食堂满意度” (survey), 1 question, named; audience: colleges ACC, INF; "
        "and grades 2023, except (branches ACC-T1); plus 1 person on the list")


def test_problems_carry_parameters_not_sentences() -> None:
    _, problems = parse_survey(TOP.replace('"食堂满意度"', '"' + "长" * 101 + '"')
                               + AUDIENCE + RATING)
    assert problems == [Problem(2, "survey_file.too_long", {
        "key": "title", "length": {"t": "unit.chars", "p": {"count": 101}},
        "limit": {"t": "unit.chars", "p": {"count": 100}}})]
    assert CATALOG.render_plain("zh_CN", problems[0].key, problems[0].params) == \
        "「title」过长（101 字），最多 100 字"
