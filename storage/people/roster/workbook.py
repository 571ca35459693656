"""Write a roster workbook in the import format: the template (examples/make_roster.py) and
``python -m bot roster export`` (bot/roster_export.py) both come from here.

Every column of a roster sheet is text (the column's style and each written cell), so a
number the officer types later keeps its leading zeros and its digits; enumerated columns
offer their codes in a drop-down that also lets the Chinese words through (a list
validation that shows no error, with the words as its prompt). The 说明 sheet comes first
(storage/people/roster/template_notes.py), with each column's Chinese header.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.calendar.days import STATUS_WORDS
from core.concerns.categories import ANY_CATEGORY, CATEGORY_CODES
from core.model import PersonKind, Role, UnitClass, UnitKind, ZoneScope
from core.people.roster_aliases import COLUMN_NAMES, SHEET_NAMES, VALUE_WORDS, chinese_column
from core.reception.words import ACTIONS, FREQUENCIES, POLICIES
from storage.people.roster.template_notes import NOTES

TEXT = "@"
#: rows a drop-down covers at least (an export covers its own rows and as many again)
VALIDATED_ROWS = 5000
_ROLES = tuple(r.value for r in Role if r not in (Role.STUDENT, Role.STAFF))


def _words(table: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(w for w in table if not w.isascii())


#: (sheet, column) -> (the codes offered, the Chinese words also accepted)
CHOICES: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("units", "kind"): (tuple(UnitKind), ()),
    ("units", "unit_class"): (tuple(UnitClass), ()),
    ("people", "kind"): (tuple(PersonKind), ()),
    ("roles", "role"): (_ROLES, ()),
    ("zones", "category"): ((ANY_CATEGORY, *CATEGORY_CODES), ()),
    ("zones", "scope"): (tuple(ZoneScope), ()),
    ("calendar", "status"): (("closed", "open"), _words(STATUS_WORDS)),
    ("reception", "repeat"): (("weekly", "monthly"), _words(FREQUENCIES)),
    ("reception", "holiday_policy"): (("skip", "previous", "next"), _words(POLICIES)),
    ("reception_dates", "action"): (("cancel", "move", "extra"), _words(ACTIONS)),
}

Tables = Mapping[str, tuple[Sequence[str], Sequence[Sequence[str]]]]


def write_roster_workbook(path: Path, tables: Tables, *, created: datetime | None = None,
                          creator: str = "Xinqiao") -> None:
    """``tables``: sheet key -> (columns, rows of text), written in that order after the
    说明 sheet. ``created`` fixes the file's timestamps (a reproducible template)."""
    book = Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["工作表 sheet", "列 column", "中文列名 Chinese header", "说明", "Description"])
    for sheet, column, zh, en in NOTES:
        name = sheet if sheet not in SHEET_NAMES else f"{sheet} / {SHEET_NAMES[sheet][0]}"
        notes.append([name, column, _chinese_names(sheet, column), zh, en])
    for letter, width in zip("ABCDE", (24, 22, 22, 70, 60)):
        notes.column_dimensions[letter].width = width
    notes["A1"].font = Font(bold=True)
    for sheet, (columns, rows) in tables.items():
        _sheet(book.create_sheet(sheet), sheet, columns, rows)
    book.properties.creator = creator
    if created is not None:
        book.properties.created = book.properties.modified = created
    book.save(path)


def _chinese_names(sheet: str, column: str) -> str:
    """``start / end`` -> ``开始时间 / 结束时间``."""
    names = [chinese_column(sheet, c.strip()) for c in column.split("/")] if column else []
    return " / ".join(n for n in names if n)


def _sheet(ws: Worksheet, sheet: str, columns: Sequence[str],
           rows: Sequence[Sequence[str]]) -> None:
    ws.append(list(columns))
    for row in rows:
        ws.append(list(row))
    last = max(VALIDATED_ROWS, 2 * len(rows)) + 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.cell(1, index).font = Font(bold=True)
        dim = ws.column_dimensions[letter]
        dim.width = 16
        dim.number_format = TEXT  # cells typed later in the column are text
        for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = TEXT
        choice = CHOICES.get((sheet, column))
        if choice is not None:
            _drop_down(ws, sheet, column, choice, f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"


def _drop_down(ws: Worksheet, sheet: str, column: str,
               choice: tuple[tuple[str, ...], tuple[str, ...]], cells: str) -> None:
    codes, words = choice
    words = words or tuple(w for names in VALUE_WORDS.get((sheet, column), {}).values()
                           for w in names[:1])
    prompt = "也可填 / also: " + "、".join(words) if words else ""
    dv = DataValidation(type="list", formula1='"' + ",".join(codes) + '"', allow_blank=True,
                        showErrorMessage=False, showInputMessage=bool(prompt),
                        promptTitle=COLUMN_NAMES.get(sheet, {}).get(column, (column,))[0][:32],
                        prompt=prompt[:255] or None)
    dv.add(cells)
    ws.add_data_validation(dv)
