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
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from bot import calendar_cli, privacy_cli, roster_cli, roster_export
from bot.reception import cli as reception_cli
from bot.surveys import cli as survey_cli
from bot.config import LOCALES, ConfigError, Settings, StartupError, load_settings
from bot.crisis.model import CrisisModelMissing, _shown
from core.concerns.categories import CATEGORY_CODES
from core.replies import t
from locales import Catalog

SWEEPS = ("followup", "crisis", "ladder", "reception")
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


def build_parser(locale: str = "zh_CN", catalog: Catalog | None = None
                 ) -> argparse.ArgumentParser:
    """Every command, its help texts in ``locale``."""
    cat = catalog or Catalog.load(locale)

    def h(key: str) -> str:
        return cat.render_plain(locale, key)

    p = argparse.ArgumentParser(prog="python -m bot", description=h("cli_help.description"))
    p.add_argument("--config", help=h("cli_help.config"))
    p.add_argument("--lang", dest="lang_global", choices=LOCALES, help=h("cli_help.lang"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = sub.add_parser("run", help=h("cli_help.run"))
    run.add_argument("--seed-if-empty", metavar="ROSTER", help=h("cli_help.run_seed_if_empty"))
    sub.add_parser("migrate", help=h("cli_help.migrate"))
    roster_cli.add_parser(sub)
    roster_export.add_parser(sub.choices["roster"])
    sweep = sub.add_parser("sweep", help=h("cli_help.sweep"),
                           description=h("cli_help.sweep_desc"))
    sweep.add_argument("--now", metavar="TIME", help=h("cli_help.sweep_now"))
    sweep.add_argument("--only", action="append", choices=SWEEPS, metavar="SWEEP",
                       help=h("cli_help.sweep_only"))
    sub.add_parser("status", help=h("cli_help.status"))
    calendar_cli.add_parser(sub, h)
    reception_cli.add_parser(sub, h)
    survey_cli.add_parser(sub)
    privacy_cli.add_parser(sub)
    hist = sub.add_parser("history", help=h("cli_help.history"))
    hist.add_argument("number", metavar="NUMBER", help=h("cli_help.history_number"))
    crisis = sub.add_parser("crisis", help=h("cli_help.crisis"))
    csub = crisis.add_subparsers(dest="crisis_command", metavar="ACTION", required=True)
    check = csub.add_parser("check", help=h("cli_help.crisis_check"),
                            description=h("cli_help.crisis_check_desc"))
    check.add_argument("file", nargs="?", metavar="FILE", help=h("cli_help.crisis_check_file"))
    check.add_argument("--conversation", action="store_true",
                       help=h("cli_help.crisis_check_conversation"))
    webp = sub.add_parser("web", help=h("cli_help.web"))
    wsub = webp.add_subparsers(dest="web_command", metavar="ACTION", required=True)
    wsub.add_parser("token", help=h("cli_help.web_token")).add_argument(
        "person", metavar="PERSON_NUMBER")
    wsub.add_parser("revoke", help=h("cli_help.web_revoke")).add_argument(
        "person", metavar="PERSON_NUMBER")
    _localise(p, lambda key: h(key) if key in cat.texts.get(locale, {}) else None, "")
    return p


def _localise(parser: argparse.ArgumentParser, text: Callable[[str], str | None],
              path: str) -> None:
    """argparse's headings; the help of parsers built elsewhere by their path in
    ``[cli_help]`` (``survey_results_out``: the ``--out`` of ``survey results``); and a
    ``--lang`` on every command that has none, so that it may follow the command too."""
    usage = text("cli_help.usage")

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, used: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[Any], prefix: str | None = None) -> None:
            super().add_usage(used, actions, groups, usage if prefix is None else prefix)

    parser.formatter_class = Formatter
    parser._positionals.title = text("cli_help.positionals")
    parser._optionals.title = text("cli_help.options")
    leaf = True
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = text("cli_help.help")
        elif isinstance(action, argparse._SubParsersAction):
            leaf = False
            for choice in action._choices_actions:
                choice.help = text("cli_help." + path + choice.dest) or choice.help
            for name, child in action.choices.items():
                key = "cli_help." + path + name
                child.description = text(key + "_desc") or child.description
                _localise(child, text, path + name + "_")
        elif action.dest in ("lang", "lang_global"):
            action.help = text("cli_help.lang")
        elif path:
            action.help = text("cli_help." + path + action.dest) or action.help
    if leaf and "--lang" not in parser._option_string_actions:
        parser.add_argument("--lang", choices=LOCALES, default=argparse.SUPPRESS,
                            help=text("cli_help.lang"))


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
        return await commands.run(settings, args.seed_if_empty)
    raise AssertionError(args.command)
