"""Read an .xlsx roster workbook (openpyxl, read-only) and check what Excel hides from view.

A file that is no workbook at all gets one sentence each (storage/people/roster/reader.py
``RosterFileError``): an encrypted workbook (Excel saves one as an OLE2 compound file, not
as a zip), an old .xls, a damaged zip or a sheet whose XML is broken. A workbook with
none of the roster's sheets (a misnamed Sheet1, say) is refused, naming the sheets it has
and the names expected; a sheet neither the roster's nor the 说明 notes is a warning.
Inside a good workbook, a hidden roster sheet and merged cells are warnings (a merged
range is read as Excel shows it: every cell of it holds the first cell's value); a formula
without a saved result is an error, since the value the officer sees is not in the file.
The merged ranges and formulas are found by scanning the sheet's XML only when it has any,
so an ordinary file costs one look at its bytes (docs/decisions/0026).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from core.people.roster import RosterProblem, RosterRow, RosterSheets
from core.people.roster_aliases import notes_sheet, sheet_key, sheet_names
from storage.people.roster.reader import RosterFileError, numbered_rows

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: an encrypted workbook, or an .xls
ZIP_MAGIC = b"PK\x03\x04"
_P = rb"(?:[\w.-]+:)?"  # an XML namespace prefix some writers use (x:c)
_MERGE = re.compile(rb"<" + _P + rb"mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
# A cell whose only content is a formula (no value, or an empty one).
_FORMULA_ONLY = re.compile(
    rb"<" + _P + rb"c\b([^>]*)>\s*<" + _P + rb"f\b[^>]*?(?:/>|>[^<]*</" + _P + rb"f>)\s*"
    rb"(?:<" + _P + rb"v\s*/>|<" + _P + rb"v>\s*</" + _P + rb"v>)?\s*</" + _P + rb"c>")
#: what a sheet with merged cells or formulas holds (a formula is <f>, <f ...> or <x:f>)
_MARKS = re.compile(rb"<" + _P + rb"(?:mergeCell\b|f[\s>/])")
_REF = re.compile(rb"\br=\"([A-Z]+)([0-9]+)\"")
_CELL = re.compile(r"([A-Z]+)([0-9]+)")


def read_xlsx(path: Path) -> RosterSheets:
    _check_container(path)
    import openpyxl  # imported here so the CSV path works without it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged file fails anywhere in the library
        raise RosterFileError("roster_file.damaged", path=str(path)) from exc
    try:
        sheets = RosterSheets()
        titles: dict[str, str] = {}
        others: list[str] = []  # neither the roster's nor notes: misnamed, most likely
        parts = _sheet_parts(path)
        for ws in book.worksheets:
            key = sheet_key(ws.title)
            if key is None:
                if not notes_sheet(ws.title):
                    others.append(ws.title)
                continue
            if key in sheets:
                raise RosterFileError("roster_file.two_sheets", path=str(path), value=key,
                                      names=f"{titles[key]}, {ws.title}")
            titles[key] = ws.title
            if ws.sheet_state != "visible":
                sheets.warnings.append(RosterProblem(ws.title, 0, "",
                                                     "roster_problem.hidden_sheet"))
            try:
                # Files written by some tools carry wrong dimensions; without this reset
                # read-only mode could silently drop columns or rows.
                ws.reset_dimensions()
                rows, header = numbered_rows(str(path), ws.title, key,
                                             enumerate(ws.iter_rows(values_only=True), start=1),
                                             sheets)
                xml = _part(path, parts.get(ws.title))
            except RosterFileError:
                raise
            except Exception as exc:  # noqa: BLE001 - broken XML fails anywhere in the parser
                raise RosterFileError("roster_file.sheet_damaged", path=str(path),
                                      sheet=ws.title) from exc
            _merged(sheets, ws.title, xml, rows, header)
            _formulas(sheets, ws.title, xml, header)
            sheets[key] = rows
        _other_sheets(path, sheets, others, [ws.title for ws in book.worksheets])
        return sheets
    finally:
        book.close()  # read-only workbooks keep the file open until closed


def _other_sheets(path: Path, sheets: RosterSheets, others: list[str],
                  titles: list[str]) -> None:
    """A workbook with none of the roster's sheets is refused (its data would be read as
    nothing at all); a sheet beside them that is neither theirs nor notes is a warning."""
    if not sheets:
        raise RosterFileError("roster_file.no_sheets", path=str(path),
                              found=", ".join(titles), names=sheet_names())
    for title in others:
        sheets.warnings.append(RosterProblem(title, 0, "", "roster_problem.unknown_sheet",
                                             {"names": sheet_names()}))


def _check_container(path: Path) -> None:
    """One sentence for a file that is no .xlsx container at all."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
            rest = f.read(1 << 16) if head == CFB_MAGIC else b""
    except OSError as exc:
        raise RosterFileError("roster_file.damaged", path=str(path)) from exc
    if head == CFB_MAGIC:
        # Directory entries are UTF-16 names: an .xls has a "Workbook" (or "Book") stream;
        # anything else in this container is taken for Excel's encrypted package.
        xls = any(n.encode("utf-16-le") in rest for n in ("Workbook", "Book\x00"))
        encrypted = "EncryptedPackage".encode("utf-16-le") in rest
        raise RosterFileError("roster_file.old_xls" if xls and not encrypted
                              else "roster_file.encrypted", path=str(path))
    if head[:4] != ZIP_MAGIC or not zipfile.is_zipfile(path):
        raise RosterFileError("roster_file.damaged", path=str(path))


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet title -> its XML part in the zip (workbook.xml and its relationships);
    {} when the file does not say (the checks below are then skipped)."""
    try:
        with zipfile.ZipFile(path) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for el in book.iter():
        if el.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.rpartition("}")[2] == "id"), None)
        target = targets.get(rid, "")
        if target:
            part = target.lstrip("/") if target.startswith("/") else \
                str(PurePosixPath("xl") / target)
            out[el.get("name", "")] = part
    return out


def _part(path: Path, name: str | None) -> bytes:
    """The sheet's XML when it has merged cells or formulas (the checks below need it);
    b"" otherwise. Streamed in chunks, so an ordinary sheet is never held in memory."""
    if name is None:
        return b""
    with zipfile.ZipFile(path) as z:
        try:
            member = z.open(name)
        except KeyError:
            return b""
        with member:
            tail = b""
            while chunk := member.read(1 << 20):
                if _MARKS.search(tail + chunk):
                    return z.read(name)
                tail = chunk[-32:]
    return b""


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _merged(found: RosterSheets, sheet: str, xml: bytes, rows: list[RosterRow],
            header: list[str]) -> None:
    """Fill each merged range as Excel shows it, and say so once per range."""
    if b"mergeCell" not in xml:
        return
    by_line = {r.line: r for r in rows}
    for ref in _MERGE.findall(xml):
        cells = [_CELL.fullmatch(c) for c in ref.decode().split(":")]
        if len(cells) != 2 or cells[0] is None or cells[1] is None:
            continue
        c1, r1 = _column(cells[0][1]), int(cells[0][2])
        c2, r2 = _column(cells[1][1]), int(cells[1][2])
        columns = [header[c - 1] if c <= len(header) else "" for c in range(c1, c2 + 1)]
        if not any(columns):
            continue  # outside the roster's columns: it changes nothing read
        first = by_line.get(r1)  # None for the header: a merged header is only reported
        value = first.values.get(columns[0], "") if first and columns[0] else ""
        for line in range(r1 + 1, r2 + 1) if first is None else range(r1, r2 + 1):
            row = by_line.get(line)
            for i, column in enumerate(columns):
                if row is not None and first is not None and column \
                        and (row is not first or i) and not row.values[column]:
                    row.values[column] = value
        if first is None:  # the header: the columns after the first have no name
            found.warnings.append(RosterProblem(sheet, r1, columns[0] or "",
                                                "roster_problem.merged_header",
                                                {"cells": ref.decode()}))
        elif value:  # an empty range reads the same merged or not
            found.warnings.append(RosterProblem(sheet, r1, columns[0], "roster_problem.merged",
                                                {"cells": ref.decode(), "value": value}))


def _formulas(found: RosterSheets, sheet: str, xml: bytes, header: list[str]) -> None:
    """An error for each formula cell of a roster column that has no saved result."""
    if b"<f" not in xml and b":f>" not in xml and b":f " not in xml:
        return
    for m in _FORMULA_ONLY.finditer(xml):
        ref = _REF.search(m[1])
        if ref is None:
            continue
        column = _column(ref[1].decode())
        name = header[column - 1] if column <= len(header) else ""
        if name:
            cell = (ref[1] + ref[2]).decode()
            found.problems.append(RosterProblem(sheet, int(ref[2]), name,
                                                "roster_problem.formula_no_value",
                                                {"cell": cell}))
