"""`python -m bot roster codes`: one-time binding codes for unbound people (or the ones
named), written to an .xlsx workbook (the default) or a CSV file.

The output is checked first (bot/output_files.py), the file is written inside the
codes' transaction and only then committed: a file that cannot be written cancels no
earlier code and stores no new one. The workbook's ID column is typed text, so Excel
keeps leading zeros; its headers follow the locale. The CSV is for scripts: UTF-8 with
a BOM and fixed English headers (docs/decisions/0025).
"""
from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.output_files import OutputProblem, reserve
from core.clock import SystemClock
from locales import Catalog
from storage.db import make_engine, session_factory, shown_url, sqlite_file_missing
from storage.migrate import upgrade_async
from storage.people.roster import IssuedCode, UnknownPeople, issue_and_write, write_codes_csv
from storage.people.roster.codes import deep_link
from storage.people.roster.people import roster_is_empty

FORMATS = ("xlsx", "csv")


class Say(Protocol):
    """Print a locale key's text (to stderr with ``err``)."""

    def __call__(self, key: str, params: Mapping[str, object] | None = None, *,
                 err: bool = False) -> None: ...

#: How many unknown numbers a refusal names.
SHOWN = 10


def codes_format(out: Path, chosen: str | None) -> str | None:
    """``--format`` when given, else the file's suffix (.xlsx or .csv); None: unknown."""
    if chosen:
        return chosen
    suffix = out.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def refuse_control_chars(path: Path, rows: Iterable[Sequence[object]]) -> None:
    """Excel cannot store control characters (a name copied from another system may hold
    one): the first row with one is refused by its first cell (a number or a code),
    before the library has begun the file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row in rows:
        if any(isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v) for v in row):
            raise OutputProblem(path, "roster_cli.out_control_char", key=str(row[0]))


def guarded(write: Callable[[Path], None]) -> Callable[[Path], None]:
    """``write`` (a workbook's) with the library's own failures as OutputProblem, one
    sentence for the officer (an OSError is OutputFile.publish's to tell). A write-only
    workbook abandoned half-way complains when it is collected; that happens here,
    quietly, so nothing but the sentence reaches the officer."""
    def run(path: Path) -> None:
        hook = sys.unraisablehook
        sys.unraisablehook = lambda _unraisable: None
        try:
            try:
                write(path)
            except (OSError, OutputProblem):
                raise
            except Exception:  # noqa: BLE001 - openpyxl refuses values anywhere in a row
                failed = True  # leaving this block frees the library's half-written file
            else:
                failed = False
            if failed:
                gc.collect()  # in case the half-written file sits in a reference cycle
                raise OutputProblem(path, "roster_cli.out_library")
        finally:
            sys.unraisablehook = hook
    return run


def write_codes_xlsx(path: Path, codes: list[IssuedCode], bot_username: str,
                     catalog: Catalog, locale: str, tz: ZoneInfo) -> None:
    """Streamed (openpyxl's write-only mode), so a whole university's codes stay small.
    A name Excel cannot store (a control character) is refused naming its number."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    refuse_control_chars(path, ((c.person_number, c.name) for c in codes))

    book = Workbook(write_only=True)
    ws = book.create_sheet(catalog.render_plain(locale, "roster_cli.codes_sheet"))
    for column, width in (("A", 16), ("B", 12), ("C", 14), ("D", 18), ("E", 48)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"

    def text(value: str) -> WriteOnlyCell:  # text, so Excel keeps leading zeros
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "@"
        return cell

    ws.append([catalog.render_plain(locale, key) for key in (
        "roster_cli.col_number", "roster_cli.col_name", "roster_cli.col_code",
        "roster_cli.col_expires", "roster_cli.col_link")])
    for c in codes:
        ws.append([text(c.person_number), c.name, text(c.code),
                   c.expires_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                   deep_link(bot_username, c.code)])
    book.save(path)


async def roster_codes(settings: Settings, out: Path, people: list[str] | None,
                       bot_username: str, chosen_format: str | None, locale: str) -> int:
    catalog = Catalog.load(locale)

    def say(key: str, params: Mapping[str, object] | None = None, *, err: bool = False) -> None:
        print(catalog.render_plain(locale, key, params), file=sys.stderr if err else sys.stdout)

    fmt = codes_format(out, chosen_format)
    if fmt is None:
        say("roster_cli.codes_format", {"file": str(out)}, err=True)
        return 2
    try:
        target = reserve(out)
    except OutputProblem as exc:
        say("roster_cli.codes_out_problem", {"file": str(out), "reason": {
            "t": exc.reason, "p": exc.params}}, err=True)
        return 1
    if sqlite_file_missing(settings.database.url):  # a mistyped path: create nothing
        target.abandon()
        say("roster_cli.codes_empty_roster", {"url": shown_url(settings.database.url)},
            err=True)
        return 1
    tz = ZoneInfo(settings.app.timezone)
    engine = make_engine(settings.database.url)
    try:
        username = bot_username or settings.telegram.bot_username \
            or await username_from_telegram(settings, say)

        def write(path: Path, codes: list[IssuedCode]) -> None:
            if fmt == "csv":
                write_codes_csv(path, codes, username, tz=tz)
            else:
                guarded(lambda p: write_codes_xlsx(p, codes, username, catalog, locale, tz))(
                    path)

        await upgrade_async(settings.database.url)
        if await roster_is_empty(session_factory(engine)):  # a fresh or mistyped database
            target.abandon()
            say("roster_cli.codes_empty_roster", {"url": shown_url(settings.database.url)},
                err=True)
            return 1
        issue = await issue_and_write(
            session_factory(engine), now=SystemClock().now(),
            ttl=timedelta(hours=settings.binding.code_ttl_hours), person_numbers=people,
            only_unbound=people is None,
            before_commit=lambda done: target.publish(lambda p: write(p, done.codes)))
    except OutputProblem as exc:
        target.abandon()
        say("roster_cli.codes_out_problem", {"file": str(out), "reason": {
            "t": exc.reason, "p": exc.params}}, err=True)
        return 1
    except UnknownPeople as exc:
        target.abandon()
        say("roster_cli.codes_unknown", {"count": len(exc.numbers),
                                         "numbers": "、".join(exc.numbers[:SHOWN])}, err=True)
        return 1
    except BaseException:  # the commit failed after the file was written: remove it
        target.abandon()
        raise
    finally:
        await engine.dispose()
    say("roster_cli.codes_issued", {"count": len(issue.codes), "file": str(out), "valid": {
        "t": "roster_cli.valid_hours", "p": {"count": settings.binding.code_ttl_hours}}})
    if issue.cancelled:
        say("roster_cli.codes_cancelled_earlier", {"count": issue.cancelled})
    if not username and not settings.telegram.token.get_secret_value():
        say("roster_cli.no_username")
    return 0


async def username_from_telegram(settings: Settings, say: Say) -> str:
    """The bot's username from Telegram's getMe when a token is set; "" (saying why in one
    sentence) when there is no token or getMe fails."""
    if not settings.telegram.token.get_secret_value():
        return ""
    import asyncio

    from aiogram.exceptions import TelegramAPIError

    from bot.app import make_bot

    bot = make_bot(settings)
    try:
        me = await asyncio.wait_for(bot.get_me(), timeout=30)
    except (TelegramAPIError, TimeoutError) as exc:
        error = str(exc) or {"t": "roster_cli.no_answer"}
        say("roster_cli.getme_failed", {"api": settings.telegram.api_base, "error": error},
            err=True)
        return ""
    finally:
        await bot.session.close()
    say("roster_cli.username_from_telegram", {"username": me.username or ""})
    return me.username or ""


