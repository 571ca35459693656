"""Read a list of person numbers (``roster deactivate FILE``): a text file with one number
a line, a CSV file, or an .xlsx workbook (its first sheet).

In a CSV or a workbook the column headed number / 学号 / 工号 / 学号/工号 is read, else the
first column. A first line that is not a number is a header. Blank lines and lines
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
from core.people.roster_aliases import fold_width
from core.people.roster_checks import numeric_ids

_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
_HEADERS = ("number", "学号", "工号", "学号/工号", "学号或工号", "编号")
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
                enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
    except Exception as exc:  # noqa: BLE001 - broken sheet XML fails anywhere in the parser
        raise NumberListError("roster_cli.list_damaged", file=str(path)) from exc
    finally:
        book.close()


def _collect(rows: Any, path: Path) -> NumberList:
    out = NumberList()
    typed: list[RosterRow] = []
    column: int | None = None
    header = ""  # the column as the file heads it, for the problems
    for line, cells in rows:
        if column is None:
            if not any(_cell(c) for c in cells):
                continue
            heads = [_cell(c).lower() for c in cells]
            column = next((i for i, h in enumerate(heads) if h in _HEADERS), 0)
            if not _NUMBER.match(heads[column]):
                header = _cell(cells[column])
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
