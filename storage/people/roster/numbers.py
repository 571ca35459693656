"""Read a list of person numbers (``roster deactivate FILE``): a text file with one number
a line, a CSV file, or an .xlsx workbook: its people sheet (人员, as a roster names it),
else the first visible sheet with a number header, else the first visible sheet (an
export's 说明 sheet is not the list).

In a CSV or a workbook the column headed by any name of a roster's number column (number,
学号, 工号, 学号/工号, ...: core/people/roster_aliases.py) is read, else the first column.
A first line that is such a header, or is not a number, is a header. Blank lines and lines
starting with # are skipped. Full-width digits and letters (１２３) are folded as in a
roster file, and cells a workbook typed as numbers follow the roster's rules
(core/people/roster_checks.py ``numeric_ids``: an error when the column also has numbers
written with a leading 0 or when one has more than 15 digits, else one warning). Problems
are ``NumberListError`` with a locale key, or ``NumberList.problems``; a workbook that
fails anywhere in the library (broken sheet XML) is one sentence.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.people.roster import RosterProblem, RosterRow
from core.people.roster_aliases import column_key, fold_width, sheet_key
from core.people.roster_checks import numeric_ids

_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
_MORE_HEADERS = ("学号或工号",)  # beside the roster's own names of the column
_ENCODINGS = ("utf-8-sig", "gb18030")


class NumberListError(Exception):
    """The list cannot be used; ``key`` and ``params`` say why (locale ``roster_cli.*``)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass
class NumberList:
    numbers: list[str] = field(default_factory=list)
    #: cells typed as numbers in a workbook: a leading 0 there is already lost
    numeric_cells: int = 0
    #: numbers typed as numbers that may be wrong (the list must not be used)
    problems: list[RosterProblem] = field(default_factory=list)
    #: numbers typed as numbers, used as they are (one warning)
    warnings: list[RosterProblem] = field(default_factory=list)


def read_numbers(path: str | Path) -> NumberList:
    path = Path(path)
    if path.is_dir():
        raise NumberListError("roster_cli.list_is_folder", file=str(path))
    if not path.is_file():
        raise NumberListError("roster_cli.list_missing", file=str(path))
    if path.suffix.lower() == ".xlsx":
        return _collect(_xlsx_rows(path), path)
    text = _text(path)
    if path.suffix.lower() == ".csv":
        return _collect(enumerate(csv.reader(io.StringIO(text, newline="")), start=1), path)
    return _collect(((i, [line]) for i, line in enumerate(text.splitlines(), start=1)), path)


def _text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NumberListError("roster_cli.list_unreadable", file=str(path))


def _xlsx_rows(path: Path) -> list[tuple[int, list[Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise NumberListError("roster_cli.list_unreadable", file=str(path)) from exc
    except Exception as exc:  # noqa: BLE001 - a damaged file fails anywhere in the library
        raise NumberListError("roster_cli.list_damaged", file=str(path)) from exc
    try:
        return [(i, list(row)) for i, row in
                enumerate(_list_sheet(book.worksheets).iter_rows(values_only=True), start=1)]
    except Exception as exc:  # noqa: BLE001 - broken sheet XML fails anywhere in the parser
        raise NumberListError("roster_cli.list_damaged", file=str(path)) from exc
    finally:
        book.close()


def _list_sheet(sheets: list[Any]) -> Any:
    """The people sheet, else the first visible sheet with a number header, else the
    first visible sheet (else the first)."""
    visible = [ws for ws in sheets if ws.sheet_state == "visible"] or sheets[:1]
    people = [ws for ws in sheets if sheet_key(ws.title) == "people"]
    headed = (ws for ws in visible if any(_is_header(_cell(c)) for c in _first_row(ws)))
    return people[0] if people else next(headed, visible[0])


def _first_row(ws: Any) -> tuple[Any, ...]:
    for row in ws.iter_rows(values_only=True):
        if any(_cell(c) for c in row):
            return tuple(row)
    return ()


def _is_header(text: str) -> bool:
    """Whether ``text`` names the number column (as the roster reader reads it)."""
    return column_key("people", text) == "number" or text in _MORE_HEADERS


def _collect(rows: Any, path: Path) -> NumberList:
    out = NumberList()
    typed: list[RosterRow] = []
    column: int | None = None
    header = ""  # the column as the file heads it, for the problems
    for line, cells in rows:
        if column is None:
            if not any(_cell(c) for c in cells):
                continue
            heads = [_cell(c) for c in cells]
            named = next((i for i, h in enumerate(heads) if _is_header(h)), None)
            column = named or 0
            if named is not None or not _NUMBER.match(heads[column]):
                header = heads[column]
                continue  # the header line
        value = cells[column] if column < len(cells) else None
        text = _cell(value)
        if not text or text.startswith("#"):
            continue
        if not _NUMBER.match(text):
            raise NumberListError("roster_cli.list_bad", file=path.name, line=line, value=text)
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        out.numeric_cells += numeric
        typed.append(RosterRow(path.name, line, {"number": text},
                               frozenset({"number"}) if numeric else frozenset()))
        out.numbers.append(text)
    if not out.numbers:
        raise NumberListError("roster_cli.list_empty", file=str(path))
    if out.numeric_cells:
        errors, warnings = numeric_ids({"people": typed})
        out.problems = [replace(p, column=header) for p in errors]
        out.warnings = [replace(p, column=header) for p in warnings]
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return fold_width(str(value).strip())
