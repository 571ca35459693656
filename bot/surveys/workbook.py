"""``survey results CODE --out FILE.xlsx``: a survey's figures (core/surveys/figures.py)
as a workbook a 组织部 officer files as it is (openpyxl): a summary sheet, one sheet per
question (counts and shares per choice, a rating's mean, per college and per branch; an
evaluation's 民主测评 sheet per subject, ``workbook_evaluation.py``), and the raw answers
(an anonymous survey's with no person and no evaluation, sorted by content). Headers come
from the locale (``[survey_results]``); header rows are frozen, shares are ``0.0%``, means
``0.00``, columns as wide as their text (a CJK character counts 2).

The file is written beside the target under a temporary name, then renamed over it: a
failure leaves no half-written file. ``check_out`` refuses a target that cannot be
written before any work is done (``OutError``, a locale key)."""
from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.surveys.evaluation_figures import EvaluationFigures
from core.surveys.figures import NONE, OTHER, GroupFigures, QuestionFigures, SurveyFigures
from core.surveys.model import QuestionKind, state_name
from locales import Catalog

PERCENT, MEAN = "0.0%", "0.00"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_KIND_KEYS = {QuestionKind.RATING: "survey_results.kind_rating",
              QuestionKind.SINGLE: "survey_results.kind_single",
              QuestionKind.MULTIPLE: "survey_results.kind_multiple",
              QuestionKind.TEXT: "survey_results.kind_text",
              QuestionKind.EVALUATION: "survey_eval.kind"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_MAX_WIDTH, _MIN_WIDTH = 60, 6


class OutError(Exception):
    """The results file cannot be written: a ``survey_results.out_*`` key and its params."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def display_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width display: CJK and full-width characters 2."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def sheet_name(wanted: str, taken: Iterable[str]) -> str:
    """A legal, unique sheet name: no ``[]:*?/\\``, no leading or trailing quote, at
    most 31 characters; ``~2``, ``~3`` ... added when taken (case-insensitively)."""
    base = _BAD_SHEET_CHARS.sub("_", wanted).strip("'")[:31] or "Sheet"
    used = {t.lower() for t in taken}
    name, n = base, 1
    while name.lower() in used:
        n += 1
        tail = f"~{n}"
        name = base[:31 - len(tail)] + tail
    return name


def check_out(path: Path) -> None:
    """Raise ``OutError`` unless ``path`` is an .xlsx file that can be written."""
    where = {"path": str(path), "folder": str(path.parent)}
    if path.suffix.lower() != ".xlsx":
        raise OutError("survey_results.out_not_xlsx", **where)
    if path.is_dir():
        raise OutError("survey_results.out_is_folder", **where)
    if not path.parent.is_dir():
        raise OutError("survey_results.out_no_folder", **where)
    if not os.access(path.parent, os.W_OK | os.X_OK) or (
            path.exists() and not os.access(path, os.W_OK)):
        raise OutError("survey_results.out_not_writable", **where)


def _mode(path: Path) -> int:
    """The permissions the file would get if written in place: the old file's, or the
    default for a new file under the process's umask."""
    if path.exists():
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def save(wb: Workbook, path: Path) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    check_out(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, _mode(path))  # mkstemp's file is the owner's only
        os.replace(tmp, path)
    except OSError as exc:
        raise OutError("survey_results.out_failed", path=str(path),
                       reason=exc.strerror or type(exc).__name__) from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class _Sheets:
    """The workbook being built, in one language."""

    def __init__(self, catalog: Catalog, locale: str, units: dict[str, str]) -> None:
        self.catalog, self.locale, self.units = catalog, locale, units
        self.wb = Workbook()
        self.first = True

    def t(self, key: str, **params: Any) -> str:
        return self.catalog.render_plain(self.locale, key, params)

    def sheet(self, title: str) -> Worksheet:
        if self.first:
            ws = self.wb.active
            assert ws is not None
            ws.title, self.first = sheet_name(title, ()), False
            return ws
        return self.wb.create_sheet(sheet_name(title, self.wb.sheetnames))

    def group(self, key: str) -> str:
        if key == OTHER:
            return self.t("survey_results.other")
        if key == NONE:
            return self.t("survey_results.none")
        name = self.units.get(key)
        return self.t("survey_results.unit", name=name, code=key) if name else key


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> None:
    """One cell; a text is always a text (a leading ``=`` is no formula) and loses the
    control characters a workbook cannot hold."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    if fmt is not None and value is not None:
        cell.number_format = fmt


def _row(ws: Worksheet, row: int, values: Sequence[Any], fmts: Sequence[str | None] = (),
         header: bool = False) -> None:
    for col, value in enumerate(values, 1):
        _put(ws, row, col, value, fmts[col - 1] if col <= len(fmts) else None)
        if header:
            cell = ws.cell(row=row, column=col)
            cell.font, cell.fill = Font(bold=True), _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _shown(value: Any, fmt: str | None) -> str:
    if isinstance(value, float):
        return f"{value:.1%}" if fmt == PERCENT else f"{value:.2f}"
    return "" if value is None else str(value)


def _fit(ws: Worksheet, header_row: int) -> None:
    """Each column as wide as its widest cell from the header row down (CJK counts 2)."""
    for col in ws.iter_cols(min_row=header_row):
        widest = max((display_width(_shown(c.value, c.number_format)) for c in col),
                     default=0)
        ws.column_dimensions[get_column_letter(col[0].column)].width = \
            min(max(widest + 2, _MIN_WIDTH), _MAX_WIDTH)


def _title(ws: Worksheet, text: str, note: str) -> None:
    _put(ws, 1, 1, text)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    _put(ws, 2, 1, note)


def _summary(s: _Sheets, f: SurveyFigures, status: str) -> None:
    sv, ws = f.survey, s.sheet(s.t("survey_results.sheet_summary"))
    t = s.t
    _row(ws, 1, [t("survey_results.item"), t("survey_results.value")], header=True)
    rows: list[tuple[str, Any, str | None]] = [
        ("survey_results.title", sv.title, None), ("survey_results.code", sv.code, None),
        ("survey_results.kind", t("survey_file.kind_consultation" if sv.kind == "consultation"
                                  else "survey_file.kind_survey"), None),
        ("survey_results.anonymity", t("survey_file.anonymous" if sv.anonymous
                                       else "survey_file.named"), None),
        ("survey_results.opens", sv.opens_at.strftime("%Y-%m-%d %H:%M %z"), None),
        ("survey_results.closes", sv.closes_at.strftime("%Y-%m-%d %H:%M %z"), None),
        ("survey_results.status", t(state_name(status)["t"]), None),
        ("survey_results.audience", f.audience, None),
        ("survey_results.responses", f.responses, None),
        ("survey_results.response_rate", f.response_rate, PERCENT),
        ("survey_results.groups", t("survey_results.merge_note", count=f.min_group)
         if f.merged else t("survey_results.named_note"), None)]
    for n, (key, value, fmt) in enumerate(rows, 2):
        _row(ws, n, [t(key), value], [None, fmt])
        ws.cell(row=n, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    top = len(rows) + 3
    _row(ws, top, [t("survey_results.question_no"), t("survey_results.question"),
                   t("survey_results.question_kind"), t("survey_results.answered"),
                   t("survey_results.skipped"), t("survey_results.mean")], header=True)
    for n, q in enumerate(f.questions, 1):
        _row(ws, top + n, [t("survey_results.sheet_question", count=n), q.question.text,
                           t(_KIND_KEYS[q.question.kind]), q.answered, q.skipped, q.mean],
             [None] * 5 + [MEAN])
    ws.freeze_panes = "A2"
    _fit(ws, 1)
    ws.column_dimensions["B"].width = _MAX_WIDTH


def _group_row(q: QuestionFigures, label: list[str | None], g: GroupFigures,
               ) -> list[Any]:
    cells: list[Any] = [*label, g.answered]
    if q.question.kind is QuestionKind.RATING:
        cells.append(g.mean)
    for choice in q.question.choices():
        cells += [g.counts[choice], g.share(choice)]
    return cells


def _question(s: _Sheets, n: int, q: QuestionFigures) -> None:
    t, kind = s.t, q.question.kind
    ws = s.sheet(f"{t('survey_results.sheet_question', count=n)} {q.question.id}")
    note = t(_KIND_KEYS[kind]) + " · " + t("survey_results.multiple_note"
                                           if kind is QuestionKind.MULTIPLE
                                           else "survey_results.base_note")
    _title(ws, f"{t('survey_results.sheet_question', count=n)} {q.question.text}", note)
    if kind is QuestionKind.TEXT:
        _row(ws, 4, [t("survey_results.number"), t("survey_results.answer")], header=True)
        for i, text in enumerate(q.texts, 1):
            _row(ws, 4 + i, [i, text])
        ws.freeze_panes = "A5"
        _fit(ws, 4)
        return
    head = [t("survey_results.group_type"), t("survey_results.group"),
            t("survey_results.answered")]
    fmts: list[str | None] = [None, None, None]
    if kind is QuestionKind.RATING:
        head.append(t("survey_results.mean"))
        fmts.append(MEAN)
    for choice in q.question.choices():
        head += [t("survey_results.choice_count", choice=choice),
                 t("survey_results.choice_share", choice=choice)]
        fmts += [None, PERCENT]
    _row(ws, 4, head, header=True)
    total = GroupFigures(q.answered + q.skipped, q.answered, q.counts, q.mean)
    lines = [_group_row(q, [t("survey_results.all"), None], total)]
    for by, key in ((q.by_college, "survey_results.college"),
                    (q.by_branch, "survey_results.branch")):
        lines += [_group_row(q, [t(key), s.group(k)], g) for k, g in by.items()]
    for i, line in enumerate(lines, 5):
        _row(ws, i, line, fmts)
    ws.freeze_panes = "C5"
    _fit(ws, 4)


def _raw(s: _Sheets, f: SurveyFigures, subjects: dict[str, Any]) -> None:
    from bot.surveys.workbook_evaluation import raw_grades  # it builds on this module
    t, named = s.t, not f.survey.anonymous
    ws = s.sheet(t("survey_results.sheet_raw"))
    head = ([t("survey_results.person_number"), t("survey_results.person_name")] if named
            else []) + [t("survey_results.college"), t("survey_results.branch")]
    shown = [named or q.kind is not QuestionKind.EVALUATION for q in f.survey.questions]
    head += [f"{t('survey_results.sheet_question', count=n)} {q.text}"
             for n, q in enumerate(f.survey.questions, 1) if shown[n - 1]]
    _row(ws, 1, head, header=True)
    for i, r in enumerate(f.raw, 2):
        cells: list[Any] = [r.number, r.name] if named else []
        cells += [s.group(r.college), s.group(r.branch)] + [
            None if not values else int(values[0]) if q.kind is QuestionKind.RATING
            else raw_grades(s, values, subjects) if q.kind is QuestionKind.EVALUATION
            else t("survey_results.separator").join(values)
            for q, values, show in zip(f.survey.questions, r.values, shown, strict=True) if show]
        _row(ws, i, cells)
    ws.freeze_panes = "A2"
    _fit(ws, 1)


def build(f: SurveyFigures, *, status: str, units: dict[str, str], catalog: Catalog,
          locale: str, evaluations: tuple[EvaluationFigures, ...] = ()) -> Workbook:
    """The workbook of ``f``; ``units`` names the unit codes of the breakdowns; an
    evaluation's sheet is its 民主测评 per subject (``evaluations``; none: no sheet)."""
    from bot.surveys.workbook_evaluation import evaluation_sheet  # it builds on this module
    s = _Sheets(catalog, locale, units)
    _summary(s, f, status)
    per = {e.question.id: e for e in evaluations}
    for n, q in enumerate(f.questions, 1):
        if q.question.id in per:
            evaluation_sheet(s, n, per[q.question.id])
        elif q.question.kind is not QuestionKind.EVALUATION:
            _question(s, n, q)
    _raw(s, f, {sub.key: sub for e in evaluations for sub in e.subjects})
    return s.wb
