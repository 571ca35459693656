"""The keys of an evaluation question (民主测评, ``kind = "evaluation"``) in a survey file:
where its subjects come from (``subjects``), which zone scopes count (``scopes``), and its
grades (``grades``). Read by ``definition_questions.py``; docs/surveys.md has the format,
docs/decisions/0024 the reasons.
"""
from __future__ import annotations

from core.model import ZoneScope
from core.replies import t
from core.surveys.definition_fields import Fields, Table
from core.surveys.model import GRADES, SUBJECT_SOURCES, ZONE_MEMBERS, ZONE_SCOPES, \
    QuestionKind
from core.surveys.toml_lines import Path

EVALUATION_KEYS = ("subjects", "scopes", "grades")
MIN_GRADES, MAX_GRADES = 2, 10
MAX_GRADE = 40          # a grade is a button's label
_SCOPES = tuple(s.value for s in ZoneScope)


def read_evaluation(f: Fields, table: Table, path: Path, kind: QuestionKind | None,
                    ) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """(subjects, scopes, grades) of an evaluation question; for another kind, each of
    these keys given is a problem and the result is (None, (), ())."""
    if kind is not QuestionKind.EVALUATION:
        if kind is not None:
            for name in EVALUATION_KEYS:
                if name in table:
                    f.bad(path + (name,), "survey_file.not_for_kind", key=name,
                          kind=kind.value)
        return None, (), ()
    subjects = f.text(table, path, "subjects", limit=40)
    if subjects is not None and subjects not in SUBJECT_SOURCES:
        f.bad(path + ("subjects",), "survey_file.bad_subjects", value=subjects,
              known=", ".join(SUBJECT_SOURCES))
        subjects = None
    return subjects, _scopes(f, table, path, subjects), _grades(f, table, path)


def _scopes(f: Fields, table: Table, path: Path, subjects: str | None) -> tuple[str, ...]:
    if "scopes" not in table:
        return ZONE_SCOPES if subjects == ZONE_MEMBERS else ()
    if subjects is not None and subjects != ZONE_MEMBERS:
        f.bad(path + ("scopes",), "survey_file.scopes_only_members")
        return ()
    given = f.texts(table, path, "scopes")
    if given is None:  # the wrong type, reported
        return ()
    return f.known(given, _SCOPES, "survey_file.bad_scope")


def _grades(f: Fields, table: Table, path: Path) -> tuple[str, ...]:
    if "grades" not in table:
        return GRADES
    given = f.texts(table, path, "grades")
    if given is None:
        return ()
    if not isinstance(table["grades"], list) or \
            not MIN_GRADES <= len(table["grades"]) <= MAX_GRADES:
        f.bad(path + ("grades",), "survey_file.grades_count")
        return ()
    for text, at in given:
        if len(text) > MAX_GRADE:
            f.bad(at, "survey_file.too_long", key="grades",
                  length=t("unit.chars", count=len(text)),
                  limit=t("unit.chars", count=MAX_GRADE))
    return tuple(text for text, _ in given)
