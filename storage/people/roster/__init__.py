"""Roster import: read a workbook or CSV folder, write it in one transaction, issue binding codes.

The CLI (bot/roster_cli.py) composes these: ``validate_roster(read_roster(path))``
(core.people.roster) then ``apply_roster(..., decide=...)``, whose report is the diff
(``diff.py``); ``deactivate_people`` for a list of numbers (``read_numbers``);
``issue_and_write(...)`` for binding codes.
"""
from storage.people.roster.apply import Progress, apply_roster
from storage.people.roster.codes import (
    CodeIssue,
    IssuedCode,
    UnknownPeople,
    issue_and_write,
    issue_codes,
    write_codes_csv,
)
from storage.people.roster.deactivate import deactivate_people
from storage.people.roster.diff import Counts, ImportReport
from storage.people.roster.numbers import NumberListError, read_numbers
from storage.people.roster.people import known_roster, roster_is_empty
from storage.people.roster.reader import RosterFileError, read_roster

__all__ = [
    "CodeIssue", "Counts", "ImportReport", "IssuedCode", "NumberListError", "Progress",
    "RosterFileError", "UnknownPeople", "apply_roster", "deactivate_people", "issue_and_write",
    "issue_codes", "known_roster", "read_numbers", "read_roster", "roster_is_empty",
    "write_codes_csv",
]
