"""`python -m bot roster import|deactivate|codes`: the Organisation Department's roster
commands. Output follows ``[app] default_locale`` or ``--lang``.

An import that only creates and updates is applied at once. One that would deactivate
or remove anything shows its diff and changes nothing unless ``--apply`` is given or the
officer types yes at a terminal; more than ``[roster] max_deactivate_share`` of the
people, units or zones also needs ``--allow-mass-deactivation`` (docs/decisions/0025).
Exit codes: 0 done (or a dry run), 1 a bad file or list, 2 bad arguments, 3 held back,
130 Ctrl-C at the question (bot/roster_prompt.py).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from tqdm import tqdm

from bot.config import Settings
from bot.roster_args import add_parser as add_parser  # noqa: F401 - cli_parser calls it
from bot.roster_codes import codes_format, roster_codes
from bot.roster_diff_text import DiffText
from bot.roster_prompt import INTERRUPTED, YES, ask
from bot.roster_report import save_report, writable
from core.clock import SystemClock
from core.people.roster import SHEET_COLUMNS, KnownRoster, Roster, RosterInvalid
from core.people.roster_validation import validate_roster
from locales import Catalog
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async
from storage.people.roster import (
    ImportReport,
    NumberListError,
    RosterFileError,
    UnknownPeople,
    apply_roster,
    deactivate_people,
    known_roster,
    read_numbers,
    read_roster,
)
from storage.people.roster.diff import Decide
from storage.uow import Sessions

HELD = 3
#: How many unknown numbers a refusal names.
SHOWN = 10

Run = Callable[[Sessions, Decide], Awaitable[ImportReport]]


async def run(settings: Settings, args: argparse.Namespace) -> int:
    locale = args.lang or settings.app.default_locale
    if args.roster_command == "codes":
        return await roster_codes(settings, Path(args.out), args.person, args.bot_username,
                                  args.format, locale)
    officer = Officer(settings, locale, args)
    if args.roster_command == "import":
        return await officer.import_file(Path(args.file), args.codes)
    return await officer.deactivate_file(Path(args.file))


async def seed(settings: Settings, file: Path, locale: str | None = None) -> bool:
    """``run --seed-if-empty``: the roster into an empty database, applied as it is."""
    officer = Officer(settings, locale or settings.app.default_locale, None)
    officer.say("roster_cli.seeding", {"file": str(file)})
    return await officer.import_file(file, None) == 0


class Officer:
    """One roster command: its flags, its language, and what it says."""

    def __init__(self, settings: Settings, locale: str,
                 args: argparse.Namespace | None) -> None:
        self.settings, self.locale = settings, locale
        # seeding (``run``, no args) has no --report to point to for the full lists
        self.words = DiffText(Catalog.load(locale), locale, reportable=args is not None)
        self.max_share = settings.roster.max_deactivate_share
        self.apply = args is None or args.apply  # seeding: an empty database, as before
        self.dry_run = bool(args and args.dry_run)
        self.partial = bool(args and getattr(args, "partial", False))
        self.allow_mass = args is None or args.allow_mass_deactivation
        self.report_path = Path(args.report) if args and args.report else None
        self.held: str | None = None
        self.listing = False  # `roster deactivate`: a list, not a roster file

    def say(self, key: str, params: Mapping[str, object] | None = None, *,
            err: bool = False) -> None:
        print(self.words.text(key, params), file=sys.stderr if err else sys.stdout)

    # -- import ---------------------------------------------------------------------
    async def import_file(self, file: Path, codes: str | None) -> int:
        if not self._report_named():
            return 2
        if codes and codes_format(Path(codes), None) is None:  # before anything is applied
            self.say("roster_cli.codes_file_suffix", {"file": codes}, err=True)
            return 2
        roster = await self._read(file)
        if roster is None:
            return 1
        if self.report_path and not self._writable(self.report_path) or codes and \
                not writable(Path(codes), self.say, "roster_cli.codes_file_problem"):
            return 1
        total = len(roster.units) + len(roster.people) + len(roster.roles) + len(roster.zones)

        async def apply(sf: Sessions, decide: Decide) -> ImportReport:
            with tqdm(total=total, desc=self.words.text("roster_cli.progress"),
                      unit=self.words.text("roster_cli.progress_unit"), disable=total < 500,
                      file=sys.stderr) as bar:
                return await apply_roster(
                    sf, roster, now=SystemClock().now(), source=str(file),
                    progress=lambda done, _t: bar.update(done - bar.n), partial=self.partial,
                    default_locale=self.settings.app.default_locale, decide=decide)

        rc = await self._change(file, apply, only=None)
        if rc == 0 and codes and not self.dry_run:
            return await roster_codes(self.settings, Path(codes), None, "", None, self.locale)
        return rc

    async def _read(self, file: Path) -> Roster | None:
        """The file's roster; a main sheet it lacks is checked against the database's."""
        try:
            sheets = read_roster(file)
            missing = set(SHEET_COLUMNS) - set(sheets)
            roster = validate_roster(sheets, await self._known() if missing else None)
        except RosterFileError as exc:
            self.say("roster_cli.cannot_read", {"reason": {"t": exc.key, "p": exc.params}},
                     err=True)
            return None
        except RosterInvalid as exc:
            self.say("roster.invalid", {"count": len(exc.problems), "file": str(file)},
                     err=True)
            for problem in exc.problems:
                print(self.words.problem(problem), file=sys.stderr)
            return None
        for warning in roster.warnings:
            print(self.words.problem(warning), file=sys.stderr)
        return roster

    async def _known(self) -> KnownRoster:
        await upgrade_async(self.settings.database.url)
        engine = make_engine(self.settings.database.url)
        try:
            return await known_roster(session_factory(engine))
        finally:
            await engine.dispose()

    # -- deactivate -----------------------------------------------------------------
    async def deactivate_file(self, file: Path) -> int:
        self.listing = True
        if not self._report_named():
            return 2
        try:
            listed = read_numbers(file)
        except NumberListError as exc:
            self.say(exc.key, exc.params, err=True)
            return 1
        for problem in [*listed.problems, *listed.warnings]:
            print(self.words.problem(problem), file=sys.stderr)
        if listed.problems:
            self.say("roster_cli.list_numeric_refused", err=True)
            return 1
        if self.report_path and not self._writable(self.report_path):
            return 1

        async def deactivate(sf: Sessions, decide: Decide) -> ImportReport:
            return await deactivate_people(sf, listed.numbers, now=SystemClock().now(),
                                           decide=decide, source=str(file),
                                           default_locale=self.settings.app.default_locale)
        try:
            return await self._change(file, deactivate, only=("people",))
        except UnknownPeople as exc:
            self.say("roster_cli.unknown_numbers", {
                "count": len(exc.numbers), "numbers": "、".join(exc.numbers[:SHOWN])}, err=True)
            if listed.numeric_cells:
                self.say("roster_cli.list_numeric_hint", {"count": listed.numeric_cells},
                         err=True)
            return 1

    # -- the rule -------------------------------------------------------------------
    def _verdict(self, report: ImportReport) -> str | None:
        """Why this change may not be committed now, or None."""
        if self.dry_run:
            return "dry_run"
        if self.partial and report.takes_away:
            return "partial"
        if report.over_share(self.max_share) and not self.allow_mass:
            return "mass"
        if report.takes_away and not self.apply:
            return "confirm"
        return None

    def _decide(self, report: ImportReport) -> bool:
        self.held = self._verdict(report)
        return self.held is None

    async def _change(self, file: Path, run: Run, *, only: Sequence[str] | None) -> int:
        await upgrade_async(self.settings.database.url)
        engine = make_engine(self.settings.database.url)
        try:
            sf = session_factory(engine)
            report = await run(sf, self._decide)
            if report.applied:
                return self._done(file, report, only)
            self.say("roster_cli.heading_plan", {"file": str(file)})
            for line in self.words.lines(report, only=only):
                print(line)
            rc = self._refusal(report)
            if rc is None:  # a terminal: the officer said yes
                planned = report.fingerprint()
                report = await run(sf, lambda r: r.fingerprint() == planned)
                if not report.applied:
                    self.say("roster_cli.moved_meanwhile", err=True)
                    rc = HELD
                else:
                    rc = self._done(file, report, only, shown=True)
            self._write_report(report)
            return rc
        finally:
            await engine.dispose()

    def _refusal(self, report: ImportReport) -> int | None:
        """Say why nothing changed and return the exit code; None when the officer
        confirmed at a terminal."""
        if self.held == "dry_run":
            self.say("roster_cli.dry_run")
            return 0
        if self.held == "partial":
            sheets = [self.words.sheet_name(s) for s, c in report.sheets() if c.takes_away]
            self.say("roster_cli.partial_takes_away", {
                "sheets": self.words.text("roster_cli.list_separator").join(sheets)}, err=True)
            return HELD
        if self.held == "mass":
            self.say("roster_cli.mass_list" if self.listing else "roster_cli.mass", {
                "what": self.words.shares(report, self.max_share),
                "share": f"{self.max_share:g}"}, err=True)
            return HELD
        if not sys.stdin.isatty():
            self.say("roster_cli.held_list" if self.listing else "roster_cli.held", err=True)
            return HELD
        answer = ask(self.words.text("roster_cli.confirm"))
        if answer in YES:
            return None
        self.say("roster_cli.cancelled", err=True)
        if answer is None:  # Ctrl-C: no report either, the officer wants out
            self.report_path = None
            return INTERRUPTED
        return HELD

    def _done(self, file: Path, report: ImportReport, only: Sequence[str] | None, *,
              shown: bool = False) -> int:
        listing = only is not None  # `roster deactivate`: only the people's line
        if not shown:
            self.say("roster_cli.heading_listed" if listing else "roster_cli.heading_done",
                     {"file": str(file)})
            for line in self.words.lines(report, only=only):
                print(line)
        if report.changes.codes_cancelled:
            self.say("roster_cli.codes_cancelled", {"count": report.changes.codes_cancelled})
        if listing:
            self.say("roster_cli.deactivated", {"count": report.people.deactivated})
        else:
            self.say("roster_cli.applied" if report.changed else "roster_cli.unchanged")
        if not shown:
            self._write_report(report)
        return 0

    def _report_named(self) -> bool:
        """Whether --report names a workbook (checked before anything is read)."""
        if self.report_path is None or self.report_path.suffix.lower() == ".xlsx":
            return True
        self.say("roster_cli.report_not_xlsx", {"file": str(self.report_path)}, err=True)
        return False

    def _writable(self, path: Path) -> bool:
        return writable(path, self.say, "roster_cli.out_problem")

    def _write_report(self, report: ImportReport) -> None:
        if self.report_path is not None:
            save_report(self.report_path, report, self.words, self.say)
