"""The workbook's 民主测评 sheet of an evaluation question (``workbook.py`` ``build``): one
row per subject (its name, its person number or unit code), the count of each grade, how
many rated it, and the shares of the best grade and of the best two (``0.0%``). In an
anonymous survey a subject with fewer raters than the minimum shows only 人数不足，不单独显示
(docs/decisions/0024). The header row is frozen; headers come from ``[survey_eval]``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.surveys.workbook import PERCENT, _fit, _row, _Sheets, _title
from core.surveys.evaluation_figures import EvaluationFigures, SubjectFigures

HEADER_ROW = 4


def subject_name(found: SubjectFigures | None, key: str) -> tuple[str, str]:
    """(name, number or code) of a subject; the key's code when the roster lost it."""
    code = key.split(":", 1)[-1]
    return (found.name or code if found is not None else code), code


def _line(e: EvaluationFigures, sub: SubjectFigures, too_few: str) -> list[Any]:
    name, code = subject_name(sub, sub.key)
    if not sub.shown:
        return [name, code, too_few]
    return [name, code, sub.raters, *(sub.counts[g] for g in e.question.grades),
            sub.share(e.best), sub.share(e.best_two)]


def evaluation_sheet(s: _Sheets, n: int, e: EvaluationFigures) -> None:
    """The sheet of evaluation question number ``n``."""
    t, q = s.t, e.question
    label = t("survey_results.sheet_question", count=n)
    ws = s.sheet(f"{label} {t('survey_eval.sheet')}")
    note = t("survey_eval.note_anonymous", count=e.min_group) if e.anonymous \
        else t("survey_eval.note_named")
    _title(ws, t("survey_eval.heading", question=label, text=q.text), note)
    best, two = e.best, e.best_two
    head = [t("survey_eval.subject"), t("survey_eval.code"), t("survey_eval.raters"),
            *(t("survey_eval.grade_count", grade=g) for g in q.grades),
            t("survey_eval.best_share", grade=best[0]),
            t("survey_eval.best_two_share", a=two[0], b=two[-1])]
    fmts: list[str | None] = [None] * (3 + len(q.grades)) + [PERCENT, PERCENT]
    _row(ws, HEADER_ROW, head, header=True)
    too_few = t("survey_eval.too_few")
    for i, sub in enumerate(e.subjects, HEADER_ROW + 1):
        _row(ws, i, _line(e, sub, too_few), fmts)
    if not e.subjects:
        _row(ws, HEADER_ROW + 1, [t("survey_eval.none")])
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    _fit(ws, HEADER_ROW)


def raw_grades(s: _Sheets, values: tuple[str, ...], names: Mapping[str, SubjectFigures],
               ) -> str:
    """A named response's grades (``subject key=grade`` each) for the raw answers sheet:
    张三（2023010101）：优秀；李四（2023010102）：合格."""
    out = []
    for value in values:
        key, _, grade = value.partition("=")
        name, code = subject_name(names.get(key), key)
        out.append(s.t("survey_eval.raw_grade", name=name, code=code, grade=grade))
    return s.t("survey_results.separator").join(out)
