"""Roster import: read a workbook or CSV folder, write it in one transaction, issue binding codes.

The CLI composes these: ``validate_roster(read_roster(path))`` (core.people.roster) then
``apply_roster(...)``, then ``issue_codes(...)`` and ``write_codes_csv(...)``.
"""
from storage.people.roster.apply import Counts, ImportReport, Progress, apply_roster
from storage.people.roster.codes import IssuedCode, UnknownPeople, issue_codes, write_codes_csv
from storage.people.roster.people import roster_is_empty
from storage.people.roster.reader import RosterFileError, read_roster

__all__ = [
    "Counts", "ImportReport", "IssuedCode", "Progress", "RosterFileError", "UnknownPeople",
    "apply_roster", "issue_codes", "read_roster", "roster_is_empty", "write_codes_csv",
]
