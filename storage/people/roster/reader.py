"""Read a roster file (XLSX workbook or a folder of CSV files) into text rows for core.people.roster.

Every cell comes out as stripped text, because numbers such as student numbers are
identifiers: Excel stores 2023010101 as the float 2023010101.0, and it must come back as
"2023010101". Unknown sheets (a README sheet, say) are ignored.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from core.people.roster import OPTIONAL_SHEET_COLUMNS, SHEET_COLUMNS, RosterRow

#: Sheet names an admin may use, mapped to the sheet keys of core.people.roster.
SHEET_ALIASES: dict[str, str] = {
    "units": "units", "单位": "units",
    "people": "people", "人员": "people",
    "roles": "roles", "角色": "roles",
    "zones": "zones", "责任区": "zones",
    "calendar": "calendar", "校历调整": "calendar",  # optional
    "reception": "reception", "接待安排": "reception",  # optional
    "reception_dates": "reception_dates", "接待日调整": "reception_dates",  # optional
}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig also reads UTF-8 without a BOM

Sheets = dict[str, list[RosterRow]]


class RosterFileError(Exception):
    """The roster file cannot be read at all; the message names the file."""


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


def read_roster(path: str | Path) -> Sheets:
    """Read an .xlsx workbook, or a folder holding units.csv, people.csv, roles.csv, zones.csv
    (and optionally calendar.csv).

    Returns rows keyed by sheet ("units", "people", "roles", "zones"); a sheet that is
    absent is simply not a key (core.people.roster reports it). Raises RosterFileError.
    """
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path)
    if not path.exists():
        raise RosterFileError(f"roster file not found: {path}")
    if path.suffix.lower() == ".csv":
        raise RosterFileError(f"{path}: give the folder that holds units.csv, people.csv, "
                              "roles.csv and zones.csv, not a single CSV file")
    return read_xlsx(path)


def read_xlsx(path: Path) -> Sheets:
    import openpyxl  # imported here so the CSV path works without it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise RosterFileError(f"{path} is not a readable Excel .xlsx workbook ({exc}); "
                              "save it from Excel as .xlsx") from exc
    try:
        sheets: Sheets = {}
        for ws in book.worksheets:
            key = SHEET_ALIASES.get(ws.title.strip().lower())
            if key is None:
                continue
            if key in sheets:
                raise RosterFileError(f"{path}: two sheets hold '{key}' (use either the "
                                      "English or the Chinese name, not both)")
            # Files written by some tools carry wrong dimensions; without this reset
            # read-only mode could silently drop columns or rows.
            ws.reset_dimensions()
            sheets[key] = _numbered_rows(path.name, ws.title,
                                         enumerate(ws.iter_rows(values_only=True), start=1))
        return sheets
    finally:
        book.close()  # read-only workbooks keep the file open until closed


def read_csv_folder(folder: Path) -> Sheets:
    sheets: Sheets = {}
    for key in (*SHEET_COLUMNS, *OPTIONAL_SHEET_COLUMNS):
        file = folder / f"{key}.csv"
        if file.exists():
            sheets[key] = _csv_rows(file)
    if not sheets:
        names = ", ".join(f"{k}.csv" for k in SHEET_COLUMNS)
        raise RosterFileError(f"{folder} holds none of the roster files ({names})")
    return sheets


def _csv_rows(file: Path) -> list[RosterRow]:
    data = file.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(f"{file} is neither UTF-8 nor GB18030 text; "
                              "save it from Excel as 'CSV UTF-8' or plain CSV")
    reader = csv.reader(io.StringIO(text, newline=""))

    def lines():  # (first physical line, cells): a quoted cell may span lines
        end = 0
        for cells in reader:
            yield end + 1, cells
            end = reader.line_num

    return _numbered_rows(file.name, file.name, lines())


def _numbered_rows(file: str, sheet: str,
                   numbered: Iterable[tuple[int, Sequence[Any]]]) -> list[RosterRow]:
    """Turn (line, cells) pairs into RosterRows keyed by the header (line 1)."""
    header: list[str] | None = None
    out: list[RosterRow] = []
    for line, cells in numbered:
        texts = [cell_text(c) for c in cells]
        if header is None:
            header = [t.lower() for t in texts]
            while header and not header[-1]:
                header.pop()
            dupes = sorted({h for h in header if h and header.count(h) > 1})
            if dupes:
                raise RosterFileError(f"{file}, sheet '{sheet}': column '{dupes[0]}' appears twice")
            continue
        if not any(texts):
            continue  # blank rows (often just formatting) are not data
        texts += [""] * (len(header) - len(texts))
        values = {h: t for h, t in zip(header, texts) if h}
        out.append(RosterRow(sheet, line, values))
    return out
