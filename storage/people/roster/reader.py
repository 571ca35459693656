"""Read a roster file (XLSX workbook or a folder of CSV files) into text rows for core.people.roster.

Every cell comes out as stripped text, because numbers such as student numbers are
identifiers: Excel stores 2023010101 as the float 2023010101.0, and it must come back as
"2023010101" (the row remembers that the cell was a number: core.people.roster_checks).
Sheet names, headers and coded values may be English or Chinese
(core.people.roster_aliases): each cell is cleaned as its column says. Other CSV files of a
folder are ignored. A file that cannot be read at all raises RosterFileError with a locale
key saying what the officer should do; the workbook's own checks (its sheets' names,
hidden sheets, merged cells, formulas without a value) are storage/people/roster/xlsx.py.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from core.people.roster import OPTIONAL_SHEET_COLUMNS, SHEET_COLUMNS, RosterRow, RosterSheets
from core.people.roster_aliases import cell_cleaner, column_key, sheet_key

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig also reads UTF-8 without a BOM
_NO_TYPES: frozenset[str] = frozenset()

Sheets = RosterSheets


class RosterFileError(Exception):
    """The roster file cannot be read at all: ``key`` (a locale key of ``[roster_file]``)
    and ``params`` (the file's path, ...) say why and what to do."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key, params)
        self.key, self.params = key, params

    def __str__(self) -> str:  # for logs and test failures, not for officers
        return f"{self.key} {self.params}"


def cell_text(value: Any) -> str:
    """One cell as text: integral floats lose their ".0", blanks become ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:  # beyond 1e16 a float is not exact
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def read_roster(path: str | Path) -> RosterSheets:
    """Read an .xlsx workbook, or a folder holding units.csv, people.csv, roles.csv, zones.csv
    (and optionally calendar.csv, ...; Chinese file names such as 人员.csv work too).

    Returns rows keyed by sheet ("units", "people", "roles", "zones"); a sheet that is
    absent is simply not a key (core.people.roster reports it). Raises RosterFileError.
    """
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path)
    if not path.exists():
        raise RosterFileError("roster_file.not_found", path=str(path))
    if path.suffix.lower() == ".csv":
        raise RosterFileError("roster_file.single_csv", path=str(path))
    from storage.people.roster.xlsx import read_xlsx  # openpyxl only for workbooks

    return read_xlsx(path)


def read_csv_folder(folder: Path) -> RosterSheets:
    sheets = RosterSheets()
    for file in sorted(folder.glob("*.csv")):
        key = sheet_key(file.stem)
        if key is None:
            continue
        if key in sheets:
            raise RosterFileError("roster_file.two_sheets", path=str(folder), value=key,
                                  names=", ".join(f.name for f in sorted(folder.glob("*.csv"))
                                                  if sheet_key(f.stem) == key))
        sheets[key] = _csv_rows(file, key, sheets)
    if not sheets:
        names = ", ".join(f"{k}.csv" for k in (*SHEET_COLUMNS, *OPTIONAL_SHEET_COLUMNS))
        raise RosterFileError("roster_file.no_csv", path=str(folder), names=names)
    return sheets


def _csv_rows(file: Path, key: str, found: RosterSheets) -> list[RosterRow]:
    data = file.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError("roster_file.csv_encoding", path=str(file))
    reader = csv.reader(io.StringIO(text, newline=""))

    def lines() -> Iterable[tuple[int, Sequence[Any]]]:  # a quoted cell may span lines
        end = 0
        for cells in reader:
            yield end + 1, cells
            end = reader.line_num

    return numbered_rows(str(file), file.name, key, lines(), found)[0]


def numbered_rows(path: str, sheet: str, key: str,
                  numbered: Iterable[tuple[int, Sequence[Any]]],
                  found: RosterSheets) -> tuple[list[RosterRow], list[str]]:
    """Turn (line, cells) pairs of the sheet ``key`` into RosterRows keyed by the header
    (line 1), each cell cleaned for its column, and the header's column codes by position
    ("" for a blank header cell); headers as written go to ``found``."""
    header: list[str] | None = None
    cleaners: list[tuple[str, Callable[[str], str]]] = []
    out: list[RosterRow] = []
    for line, cells in numbered:
        texts: list[str] = []
        typed: list[int] | None = None  # positions of number cells: rare, so a list on demand
        for i, c in enumerate(cells):
            if type(c) is str:  # the usual cell: no call
                texts.append(c.strip())
                continue
            if type(c) in (int, float):
                typed = [*typed, i] if typed else [i]
            texts.append(cell_text(c))
        if header is None:
            header = _header(path, sheet, key, texts, found)
            cleaners = [(h, clean) for h in header if h and (clean := cell_cleaner(key, h))]
            continue
        if not any(texts):
            continue  # blank rows (often just formatting) are not data
        texts += [""] * (len(header) - len(texts))
        values = {h: t for h, t in zip(header, texts) if h}
        for column, clean in cleaners:
            if values[column]:
                values[column] = clean(values[column])
        numeric = _NO_TYPES if typed is None else \
            frozenset(header[i] for i in typed if i < len(header) and header[i])
        out.append(RosterRow(sheet, line, values, numeric))
    return out, header or []


def _header(path: str, sheet: str, key: str, texts: list[str],
            found: RosterSheets) -> list[str]:
    header = [column_key(key, t) if t else "" for t in texts]
    while header and not header[-1]:
        header.pop()
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise RosterFileError("roster_file.duplicate_column", path=path, sheet=sheet,
                              value=dupes[0])
    written = {h: t for h, t in zip(header, texts) if h and t != h}
    if written:
        found.headers[sheet] = written
    return header
