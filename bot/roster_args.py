"""The arguments of `python -m bot roster import|deactivate|codes` (bot/roster_cli.py runs
them; bot/roster_export.py adds `roster export`)."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="import the roster; deactivate people; codes")
    rsub = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    imp = rsub.add_parser(
        "import", help="import an XLSX file or a folder of CSV files",
        description="Import the roster. Creating and updating is done at once; an import "
                    "that would deactivate or remove anything shows its diff and changes "
                    "nothing without --apply (or yes typed at a terminal).")
    imp.add_argument("file", metavar="FILE", help="the roster: an .xlsx, or a folder of CSV files")
    imp.add_argument("--partial", action="store_true", help="add and update only: "
                     "deactivate and remove nothing (a file of some people, e.g. freshmen)")
    imp.add_argument("--codes", metavar="FILE",
                     help="also issue binding codes to unbound people (.xlsx or .csv)")
    deact = rsub.add_parser("deactivate", help="deactivate exactly the people listed in "
                            "FILE: one number a line, or a column of an .xlsx/.csv")
    deact.add_argument("file", metavar="FILE", help="the numbers to deactivate")
    for cmd in (imp, deact):
        when = cmd.add_mutually_exclusive_group()
        when.add_argument("--apply", action="store_true",
                          help="make a change that deactivates or removes something")
        when.add_argument("--dry-run", action="store_true", help="only show the diff")
        cmd.add_argument("--allow-mass-deactivation", action="store_true",
                         help="allow deactivating more than [roster] max_deactivate_share")
        cmd.add_argument("--report", metavar="FILE.xlsx",
                         help="also write the whole diff as a workbook")
    codes = rsub.add_parser("codes", help="issue one-time binding codes (.xlsx by default)")
    codes.add_argument("--out", required=True, metavar="FILE",
                       help="FILE.xlsx (text ID column, headers in the locale) or FILE.csv")
    codes.add_argument("--format", choices=("xlsx", "csv"),
                       help="the file's format when its name ends otherwise")
    codes.add_argument("--person", action="append", metavar="NUMBER",
                       help="only these people (repeat); re-issues to rebind an account")
    codes.add_argument("--bot-username", default="", help="for t.me deep links")
    for cmd in (imp, deact, codes):
        cmd.add_argument("--lang", choices=("zh_CN", "en"),
                         help="language of the messages (default: [app] default_locale)")
