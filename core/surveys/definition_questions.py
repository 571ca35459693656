"""The ``[[questions]]`` of a survey file: each question's kind, text, options, limits and
skip rule (``show_if``), checked into ``core.surveys.model.Question``.

The format is described in ``docs/surveys.md``.
"""
from __future__ import annotations

import re

from core.replies import t
from core.surveys.definition_evaluation import EVALUATION_KEYS, read_evaluation
from core.surveys.definition_fields import Fields, Table
from core.surveys.model import Question, QuestionKind, ShowIf
from core.surveys.toml_lines import Path

MAX_QUESTIONS = 50
MAX_TEXT = 500          # a question's text
MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_OPTION = 40         # an option is a button's label
MAX_ANSWER = 4000       # a free-text answer's limit can be at most this (one chat message)
DEFAULT_ANSWER = Question.max_chars
QUESTION_KEYS = ("id", "kind", "text", "required", "options", "max", "max_chars", "show_if",
                 *EVALUATION_KEYS)
SHOW_IF_KEYS = ("question", "is")
_ID = re.compile(r"[a-z0-9_]{1,20}")
_KINDS = tuple(k.value for k in QuestionKind)


def read_questions(f: Fields, value: object) -> tuple[Question, ...]:
    """The questions of ``questions = [...]`` / ``[[questions]]``, in order; the bad ones
    are reported and left out (a later skip rule pointing at one is not reported again)."""
    path: Path = ("questions",)
    if not isinstance(value, list) or not all(isinstance(q, dict) for q in value):
        f.bad(path, "survey_file.wrong_type", key="questions",
              expected=t("survey_file.type_questions"))
        return ()
    if not value:
        f.bad(path, "survey_file.empty", key="questions")
        return ()
    if len(value) > MAX_QUESTIONS:
        f.bad(path + (MAX_QUESTIONS,), "survey_file.too_many_questions", count=MAX_QUESTIONS)
    done: list[Question] = []
    ids: set[str] = set()  # every id given, good question or not
    for n, raw in enumerate(value[:MAX_QUESTIONS]):
        q = _question(f, raw, path + (n,), n, ids, done)
        if q is not None:
            done.append(q)
    return tuple(done)


def _question(f: Fields, raw: object, path: Path, n: int, ids: set[str],
              earlier: list[Question]) -> Question | None:
    table = f.table(raw, path, QUESTION_KEYS)
    if table is None:
        return None
    before, earlier_ids = len(f.problems), set(ids)
    qid = _id(f, table, path, n, ids)
    kind = _kind(f, table, path)
    text = f.text(table, path, "text", limit=MAX_TEXT)
    required = f.flag(table, path, "required", True)
    options, max_choices, max_chars = _answers(f, table, path, kind)
    subjects, scopes, grades = read_evaluation(f, table, path, kind)
    show_if = _show_if(f, table, path, earlier, earlier_ids)
    if len(f.problems) > before or kind is None or text is None or required is None:
        return None
    return Question(qid, kind, text, required=required, options=options,
                    max_choices=max_choices, max_chars=max_chars, show_if=show_if,
                    subjects=subjects, scopes=scopes, grades=grades)


def _id(f: Fields, table: Table, path: Path, n: int, ids: set[str]) -> str:
    qid = f"q{n + 1}"
    if "id" in table:
        raw = table["id"]
        if not isinstance(raw, str):
            f.bad(path + ("id",), "survey_file.wrong_type", key="id",
                  expected=t("survey_file.type_text"))
            return qid
        if not _ID.fullmatch(raw):
            f.bad(path + ("id",), "survey_file.bad_id", id=raw)
            return raw
        qid = raw
    if qid in ids:
        f.bad(path + ("id",), "survey_file.repeated_id", id=qid)
    ids.add(qid)
    return qid


def _kind(f: Fields, table: Table, path: Path) -> QuestionKind | None:
    if f.missing(table, path, "kind"):
        return None
    raw = table["kind"]
    if not isinstance(raw, str) or raw not in _KINDS:
        f.bad(path + ("kind",), "survey_file.bad_question_kind", value=str(raw),
              known=", ".join(_KINDS))
        return None
    return QuestionKind(raw)


def _answers(f: Fields, table: Table, path: Path, kind: QuestionKind | None
             ) -> tuple[tuple[str, ...], int | None, int]:
    """options, max (multiple choice) and max_chars (free text), each only where it fits."""
    fits = {"options": kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE),
            "max": kind is QuestionKind.MULTIPLE, "max_chars": kind is QuestionKind.TEXT}
    if kind is not None:
        for name, ok in fits.items():
            if name in table and not ok:
                f.bad(path + (name,), "survey_file.not_for_kind", key=name, kind=kind.value)
    options: tuple[str, ...] = ()
    if fits["options"] and not f.missing(table, path, "options"):
        options = _options(f, table, path)
    max_choices = f.whole(table, path, "max") if fits["max"] else None
    if max_choices is not None and options and not 1 <= max_choices <= len(options):
        f.bad(path + ("max",), "survey_file.bad_max", count=len(options))
    max_chars = f.whole(table, path, "max_chars") if fits["max_chars"] else None
    if max_chars is None:
        max_chars = DEFAULT_ANSWER
    elif not 1 <= max_chars <= MAX_ANSWER:
        f.bad(path + ("max_chars",), "survey_file.bad_max_chars", count=MAX_ANSWER)
    return options, max_choices, max_chars


def _options(f: Fields, table: Table, path: Path) -> tuple[str, ...]:
    given = f.texts(table, path, "options")
    if given is None:
        return ()
    if not isinstance(table["options"], list) or \
            not MIN_OPTIONS <= len(table["options"]) <= MAX_OPTIONS:
        f.bad(path + ("options",), "survey_file.options_count")
        return ()
    for text, at in given:
        if len(text) > MAX_OPTION:
            f.bad(at, "survey_file.too_long", key="options",
                  length=t("unit.chars", count=len(text)),
                  limit=t("unit.chars", count=MAX_OPTION))
    return tuple(text for text, _ in given)


def _show_if(f: Fields, table: Table, path: Path, earlier: list[Question],
             earlier_ids: set[str]) -> ShowIf | None:
    if "show_if" not in table:
        return None
    where = path + ("show_if",)
    rule = f.table(table["show_if"], where, SHOW_IF_KEYS)
    if rule is None:
        return None
    target = f.text(rule, where, "question", limit=20)
    given = f.texts(rule, where, "is", numbers=True)
    if given is None and not f.missing(rule, where, "is"):
        return None
    if target is None or given is None:
        return None
    before = next((q for q in earlier if q.id == target), None)
    if before is None:
        if target not in earlier_ids:  # else: an earlier question with its own problems
            f.bad(where + ("question",), "survey_file.show_if_not_earlier", question=target)
        return None
    if before.kind is QuestionKind.TEXT:
        f.bad(where + ("question",), "survey_file.show_if_text", question=target)
        return None
    if before.kind is QuestionKind.EVALUATION:
        f.bad(where + ("question",), "survey_file.show_if_evaluation", question=target)
        return None
    for value, at in given:
        if value not in before.choices():
            f.bad(at, "survey_file.show_if_value", question=target, value=value)
    return ShowIf(target, tuple(v for v, _ in given))
