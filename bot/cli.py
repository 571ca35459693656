"""`python -m bot`: run the bot and the operator's commands. What they print follows
``[app] default_locale`` or ``--lang`` (before or after the command) through the locale
files (``[cli]``, ``[cli_help]`` the --help texts, ``[config_expect]``), except output for
machines: JSON lines, a printed link, ``calendar show|list`` lines, an iCalendar file."""
from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from bot import calendar_cli, privacy_cli, roster_cli, roster_export
from bot.cli_parser import build_parser
from bot.config import LOCALES, ConfigError, Settings, StartupError, load_settings
from bot.crisis.model import CrisisModelMissing, _shown
from bot.reception import cli as reception_cli
from bot.surveys import cli as survey_cli
from core.concerns.categories import CATEGORY_CODES
from core.replies import t
from locales import Catalog

#: pydantic's error types, as what the key expects
EXPECT = {"greater_than_equal": "cli.expect_ge", "greater_than": "cli.expect_gt",
          "less_than_equal": "cli.expect_le", "less_than": "cli.expect_lt",
          "int_parsing": "cli.expect_int", "int_type": "cli.expect_int",
          "int_from_float": "cli.expect_int", "float_parsing": "cli.expect_number",
          "float_type": "cli.expect_number", "bool_parsing": "cli.expect_bool",
          "bool_type": "cli.expect_bool", "string_type": "cli.expect_text",
          "list_type": "cli.expect_list", "dict_type": "cli.expect_table",
          "model_type": "cli.expect_table", "model_attributes_type": "cli.expect_table",
          "extra_forbidden": "cli.expect_extra", "missing": "cli.expect_missing",
          "string_too_short": "cli.expect_not_empty",
          "string_pattern_mismatch": "cli.expect_pattern"}
FOLDER_REASONS = {"a file is in the way": "cli.folder_file_in_way",
                  os.strerror(errno.EACCES): "cli.folder_no_permission",
                  os.strerror(errno.EROFS): "cli.folder_read_only",
                  os.strerror(errno.ENOENT): "cli.folder_no_parent"}
MODEL_PROBLEMS = {"no file at that path": "cli.model_no_file",
                  "not UTF-8 text": "cli.model_not_utf8"}


class _Quiet(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # a pre-parse never stops the command
        raise ValueError(message)


def _preparse(argv: list[str]) -> tuple[str | None, str | None]:
    """``--lang`` (wherever it is) and ``--config``, before the parser is built in a language."""
    pre = _Quiet(add_help=False, allow_abbrev=False)
    for option in ("--lang", "--config"):
        pre.add_argument(option)
    try:
        found, _ = pre.parse_known_args(argv)
    except (ValueError, argparse.ArgumentError):
        return None, None
    return (found.lang if found.lang in LOCALES else None), found.config


def _file_locale(config: str | None) -> str:
    """``[app] default_locale`` as the file or the environment asks, when the configuration
    as a whole is refused: the refusal is said in that language if it can be read."""
    found: Any = os.environ.get("XQ_APP__DEFAULT_LOCALE")
    if found not in LOCALES:
        try:
            with Path(config or os.environ.get("XQ_CONFIG", "config.toml")).open("rb") as f:
                found = tomllib.load(f).get("app", {}).get("default_locale")
        except (OSError, ValueError, AttributeError):
            found = None
    return found if isinstance(found, str) and found in LOCALES else "zh_CN"


def config_problem(exc: ConfigError, catalog: Catalog, locale: str) -> str:
    """The refusal of a configuration: each bad key as is, where it is set, what it expects."""
    def say(text: str, /, **params: Any) -> str:
        return catalog.render_plain(locale, text, params)

    file = str(exc.file)
    if exc.kind == "missing":
        return say("cli.config_missing", file=file)
    if exc.kind != "invalid":
        where = re.search(r"line (\d+), column (\d+)", str(exc.detail))
        if where:
            return say("cli.config_toml", file=file, line=where[1], column=where[2])
        return say("cli.config_unreadable", file=file, reason=str(exc.detail or exc))
    return "\n".join([say("cli.config_invalid"), *(
        say("cli.config_line", key=key, file=file, env=env,
            expected=_expected(key, err, catalog, locale)) for key, env, err in exc.detail)])


def _expected(key: str, err: Mapping[str, Any], catalog: Catalog, locale: str) -> str:
    """A key's own check says what it expects in ``[config_expect]`` (a section's check by
    the first key its message names: ``ladder_grace_hours``); pydantic's by its type."""
    got, msg = err.get("input"), str(err.get("msg", "")).removeprefix("Value error, ")
    params = {**({k: str(v) for k, v in got.items() if isinstance(v, str | int)}
                 if isinstance(got, dict) else {}), "known": ", ".join(CATEGORY_CODES)}
    if err.get("type") in ("value_error", "string_pattern_mismatch"):
        name = re.sub(r"^categories\.[^.]+", "categories.item", key).replace(".", "_")
        first = re.match(r"([a-z]+_[a-z_]+) ", msg)
        own = "config_expect." + name + (f"_{first[1]}" if first and isinstance(got, dict)
                                         else "")
        if own in catalog.texts[locale]:
            return catalog.render_plain(locale, own, params)
    bound = next(iter((err.get("ctx") or {}).values()), "")
    kind = EXPECT.get(str(err.get("type")), "cli.expect_other")
    return catalog.render_plain(locale, kind, {
        "limit": f"{bound:g}" if isinstance(bound, float) else str(bound), "detail": msg})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    asked, config = _preparse(argv)
    settings: Settings | None = None
    problem: ConfigError | None = None
    try:
        settings = load_settings(config)
    except ConfigError as exc:
        problem = exc
    default = settings.app.default_locale if settings else _file_locale(config)
    catalog = Catalog.load(default)
    args = build_parser(asked or default, catalog).parse_args(argv)
    locale = args.lang = getattr(args, "lang", None) or args.lang_global or default
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic narrates plugin set-up and each migration step; we print one line instead.
    # Likewise APScheduler (each job added) and aiohttp's per-request access log.
    for noisy in ("alembic", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    def say(key: str, **params: Any) -> int:
        print(catalog.render_plain(locale, key, params), file=sys.stderr)
        return 2

    if problem is not None:
        print(config_problem(problem, catalog, locale), file=sys.stderr)
        return 2
    assert settings is not None
    if args.command == "crisis":  # no database: judge the lines and stop
        from bot.crisis import check
        from bot.crisis.factory import build_assessor

        try:
            assessor = build_assessor(settings.crisis)
        except CrisisModelMissing as exc:
            return _model_missing(exc, say)
        return check.run(assessor, args.file, conversation=args.conversation, locale=locale)

    if args.command == "survey" and args.survey_command == "validate":  # no database
        return survey_cli.validate(args.file, locale=locale,
                                   max_reminders=settings.surveys.max_reminders)

    from storage.db import DatabaseFolderError, DatabaseUnavailable, ensure_sqlite_folder

    try:
        ensure_sqlite_folder(settings.database.url)
        return asyncio.run(_run(args, settings))
    except StartupError as exc:
        if exc.key:
            return say(exc.key, **exc.params)
        print(exc, file=sys.stderr)
        return 2
    except CrisisModelMissing as exc:  # the bot never runs crisis detection half-built
        return _model_missing(exc, say)
    except DatabaseFolderError as exc:
        reason = FOLDER_REASONS.get(exc.reason)
        return say("cli.sqlite_folder", folder=str(exc.folder),
                   reason=t(reason) if reason else exc.reason)
    except DatabaseUnavailable as exc:  # one sentence: which database, what to do
        return say(exc.key, **exc.params)
    except KeyboardInterrupt:
        return 130


def _model_missing(exc: CrisisModelMissing, say: Callable[..., int]) -> int:
    problem = MODEL_PROBLEMS.get(exc.problem) or (
        "cli.model_not_json" if exc.problem.startswith("not valid JSON") else "cli.model_other")
    return say("cli.crisis_model", path=_shown(exc.path),
               problem=t(problem, detail=exc.problem))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    if args.command == "migrate":
        return await commands.migrate(settings, args.lang)
    if args.command == "sweep":
        return await commands.sweep(settings, args.now, args.only, args.lang)
    if args.command == "status":
        return await commands.status(settings, args.lang)
    if args.command == "calendar":
        return await calendar_cli.run(settings, args)
    if args.command == "reception":
        return await reception_cli.run(settings, args)
    if args.command == "privacy":
        return await privacy_cli.run(settings, args)
    if args.command == "survey":
        from bot.surveys import admin_cli as survey_admin_cli

        return await survey_admin_cli.run(settings, args)
    if args.command == "history":
        from bot.concern_history import history

        return await history(settings, args.number, args.lang)
    if args.command == "roster" and args.roster_command == "export":
        return await roster_export.run(settings, args)
    if args.command == "roster":
        return await roster_cli.run(settings, args)
    if args.command == "web":
        if args.web_command == "revoke":
            return await commands.web_revoke(settings, args.person, args.lang)
        return await commands.web_token(settings, args.person, args.lang)
    if args.command == "run":
        return await commands.run(settings, args.seed_if_empty, args.lang)
    raise AssertionError(args.command)
