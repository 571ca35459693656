"""``python -m bot survey results CODE`` without ``--out``: the 民主测评 block of each
evaluation question (core/surveys/evaluation_figures.py), printed after the per-question
blocks of ``progress.py`` ``print_results``: one line per subject with its name, number
or code, raters, the count of each grade and the two shares, aligned by display width; a
hidden subject shows 人数不足，不单独显示 (docs/decisions/0024)."""
from __future__ import annotations

from collections.abc import Sequence

from bot.surveys.workbook import display_width
from bot.surveys.workbook_evaluation import subject_name
from core.surveys.evaluation_figures import EvaluationFigures, SubjectFigures
from core.surveys.model import Survey
from locales import Catalog


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(width - display_width(text), 0)
    return space + text if right else text + space


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _cells(e: EvaluationFigures, sub: SubjectFigures, too_few: str) -> list[str]:
    name, code = subject_name(sub, sub.key)
    if not sub.shown:
        return [name, code, too_few]
    return [name, code, str(sub.raters), *(str(sub.counts[g]) for g in e.question.grades),
            _share(sub.share(e.best)), _share(sub.share(e.best_two))]


def evaluation_lines(catalog: Catalog, locale: str, survey: Survey,
                     evaluations: Sequence[EvaluationFigures]) -> list[str]:
    """The lines to print for every evaluation question."""
    def t(key: str, **params: object) -> str:
        return catalog.render_plain(locale, key, params)

    out: list[str] = []
    for e in evaluations:
        q = e.question
        n = next(i for i, other in enumerate(survey.questions, 1) if other.id == q.id)
        out.append(t("survey_eval.heading", question=t("survey_results.sheet_question",
                                                         count=n), text=q.text))
        out.append("  " + (t("survey_eval.note_anonymous", count=e.min_group)
                           if e.anonymous else t("survey_eval.note_named")))
        if not e.subjects:
            out.append("    " + t("survey_eval.none"))
            continue
        head = [t("survey_eval.subject"), t("survey_eval.code"), t("survey_eval.raters"),
                *q.grades, t("survey_eval.best_share", grade=e.best[0]),
                t("survey_eval.best_two_share", a=e.best_two[0], b=e.best_two[-1])]
        too_few = t("survey_eval.too_few")
        rows = [head, *(_cells(e, sub, too_few) for sub in e.subjects)]
        widths = [max(display_width(r[i]) for r in rows if i < 2 or len(r) == len(head))
                  for i in range(len(head))]
        for r in rows:
            cells = [_pad(c, widths[i], right=i >= 2) for i, c in enumerate(r[:2])]
            if len(r) < len(head):  # hidden: the note instead of the figures
                cells.append(r[2])
            else:
                cells += [_pad(c, widths[i], right=True) for i, c in enumerate(r) if i >= 2]
            out.append(("    " + "  ".join(cells)).rstrip())
    return out


def print_evaluations(catalog: Catalog, locale: str, survey: Survey,
                      evaluations: Sequence[EvaluationFigures]) -> None:
    for line in evaluation_lines(catalog, locale, survey, evaluations):
        print(line)
