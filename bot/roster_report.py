"""The roster diff as a workbook (``roster import|deactivate --report FILE.xlsx``): a
summary sheet with every sheet's counts, then one sheet per list, complete (the screen
shows the first few): who is deactivated, moved, which roles are removed, which units and
zones are deactivated, which zones lost their deputy, which calendar days, reception
schedules, contact units and reception dates are removed, who is updated (and what
changed), who is active again, who is new. Headers follow the locale; ID columns are
typed text so Excel keeps leading zeros.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from bot.output_files import OutputProblem, reserve
from bot.roster_codes import Say, guarded, refuse_control_chars
from bot.roster_diff_text import DiffText
from storage.people.roster.diff import ImportReport


def writable(path: Path, say: Say, key: str) -> bool:
    """Whether ``path`` can be written (checked before any database work); if not, say
    why with ``key`` (its ``file`` and ``reason``)."""
    try:
        reserve(path).abandon()
    except OutputProblem as exc:
        say(key, {"file": str(path), "reason": {"t": exc.reason, "p": exc.params}}, err=True)
        return False
    return True


def save_report(path: Path, report: ImportReport, words: DiffText, say: Say) -> None:
    """Write the workbook (through a temporary file) and say where."""
    target = None
    try:
        target = reserve(path)
        target.publish(guarded(lambda tmp: write_report(tmp, report, words)))
    except OutputProblem as exc:
        if target is not None:
            target.abandon()
        # After the change (or its refusal): whatever the database did stands.
        say("roster_cli.report_failed", {"file": str(path), "reason": {
            "t": exc.reason, "p": exc.params}}, err=True)
        return
    say("roster_cli.report_written", {"file": str(path)})


def write_report(path: Path, report: ImportReport, words: DiffText) -> None:
    ch = report.changes
    number, name, unit = ("roster_cli.col_number", "roster_cli.col_name", "roster_cli.col_unit")
    key, title = "roster_cli.col_key", "roster_cli.col_title"
    lists: list[tuple[str, tuple[str, ...], list[tuple[str, ...]]]] = [
        ("roster_cli.report_deactivated", (number, name, unit),
         [(p.number, p.name, p.unit) for p in ch.deactivated_people]),
        ("roster_cli.report_moved",
         (number, name, "roster_cli.col_old_unit", "roster_cli.col_new_unit"),
         [(m.number, m.name, m.old_unit, m.new_unit) for m in ch.moved]),
        ("roster_cli.report_roles", (number, name, "roster_cli.col_role", unit),
         [(r.number, r.name, words.role(r.role), r.unit) for r in ch.removed_roles]),
        ("roster_cli.report_units", (key, title),
         [(n.code, n.name) for n in ch.deactivated_units]),
        ("roster_cli.report_zones", (key, title),
         [(n.code, n.name) for n in ch.deactivated_zones]),
        ("roster_cli.report_deputies", (key, title),
         [(n.code, n.name) for n in ch.cleared_deputies]),
        ("roster_cli.report_days",
         ("roster_cli.col_day", "roster_cli.col_status", "roster_cli.col_label"),
         [(d.day, words.status(d.working), d.label) for d in ch.removed_days]),
        ("roster_cli.report_schedules",
         ("roster_cli.col_schedule", number, name, "roster_cli.col_place"),
         [(r.code, r.number, r.name, r.place) for r in ch.deactivated_schedules]),
        ("roster_cli.report_contacts", (number, name, unit),
         [(p.number, p.name, p.unit) for p in ch.removed_contacts]),
        ("roster_cli.report_dates",
         ("roster_cli.col_schedule", "roster_cli.col_day", "roster_cli.col_action"),
         [(d.schedule, d.day, words.action(d.action)) for d in ch.removed_dates]),
        ("roster_cli.report_updated", (number, name, unit, "roster_cli.col_fields"),
         [(u.number, u.name, u.unit, words.fields(u.fields)) for u in ch.updated_people]),
        ("roster_cli.report_reactivated", (number, name, unit),
         [(p.number, p.name, p.unit) for p in ch.reactivated_people]),
        ("roster_cli.report_created", (number, name, unit),
         [(p.number, p.name, p.unit) for p in ch.created_people])]
    for _title, _headers, rows in lists:  # before the library has begun the file
        refuse_control_chars(path, rows)
    book = Workbook(write_only=True)  # streamed: a mass deactivation lists everyone
    summary = book.create_sheet(words.text("roster_cli.report_summary"))
    summary.column_dimensions["A"].width = 16
    summary.append([words.text(k) for k in (
        "roster_cli.col_sheet", "roster_cli.col_created", "roster_cli.col_updated",
        "roster_cli.col_unchanged", "roster_cli.col_deactivated", "roster_cli.col_removed")])
    for sheet, c in report.sheets():
        summary.append([words.sheet_name(sheet), c.created, c.updated, c.unchanged,
                        c.deactivated, c.removed])
    summary.append([])
    summary.append([words.text("roster_cli.report_applied" if report.applied
                               else "roster_cli.report_not_applied")])
    for title, headers, rows in lists:
        _sheet(book, words, title, headers, rows)
    book.save(path)


def _sheet(book: Workbook, words: DiffText, title: str, headers: Sequence[str],
           rows: Iterable[tuple[str, ...]]) -> None:
    ws = book.create_sheet(words.text(title))
    for column, width in zip("ABCD", (16, 14, 18, 18)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    ws.append([words.text(h) for h in headers])
    for first, *rest in rows:
        cell = WriteOnlyCell(ws, value=first)  # numbers and codes are identifiers: text
        cell.number_format = "@"
        ws.append([cell, *rest])
