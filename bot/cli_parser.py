"""The parser of `python -m bot`, built in one locale: every help text from ``[cli_help]``
(a key named by the command path also translates a parser that another module builds)."""
from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import Any

from bot import calendar_cli, privacy_cli, roster_cli, roster_export
from bot.config import LOCALES
from bot.reception import cli as reception_cli
from bot.surveys import cli as survey_cli
from locales import Catalog

SWEEPS = ("followup", "crisis", "ladder", "reception")
#: argparse's own words for the person at the terminal (Python 3.11's message ids), by
#: their key in ``[argparse]``; ids not here (the programmer's errors) stay English
ARGPARSE = {
    "argument %(argument_name)s: %(message)s": "argument",
    "unrecognized arguments: %s": "unrecognized",
    "not allowed with argument %s": "not_allowed_with",
    "ignored explicit argument %r": "ignored_explicit",
    "the following arguments are required: %s": "required",
    "one of the arguments %s is required": "one_of_required",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most_one",
    "expected at least one argument": "expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "unexpected option string: %s": "unexpected_option",
    "invalid %(type)s value: %(value)r": "invalid_value",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unknown_parser",
    "can't open '%(filename)s': %(error)s": "cannot_open",
    "%(prog)s: error: %(message)s\n": "error",
}


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
    speak_argparse(cat, locale)
    return p


def _localise(parser: argparse.ArgumentParser, text: Callable[[str], str | None],
              path: str) -> None:
    """argparse's headings; the help of parsers built elsewhere by their path in
    ``[cli_help]`` (``survey_results_out``: the ``--out`` of ``survey results``); and a
    ``--lang`` on every command that has none, so that it may follow the command too."""
    usage = text("cli_help.usage")
    headings = (text("cli_help.positionals"), text("cli_help.options"))
    colon = text("cli_help.colon") or ":"

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, used: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[Any], prefix: str | None = None) -> None:
            super().add_usage(used, actions, groups, usage if prefix is None else prefix)

        def format_help(self) -> str:  # argparse puts an ASCII colon after a heading
            shown = super().format_help()
            for heading in headings:
                shown = shown.replace(f"\n{heading}:\n", f"\n{heading}{colon}\n")
            return shown

    parser.formatter_class = Formatter
    parser._positionals.title = text("cli_help.positionals")
    parser._optionals.title = text("cli_help.options")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = text("cli_help.help")
        elif isinstance(action, argparse._SubParsersAction):
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
    if "--lang" not in parser._option_string_actions:  # between a command and its action too
        parser.add_argument("--lang", choices=LOCALES, default=argparse.SUPPRESS,
                            help=text("cli_help.lang"))


def speak_argparse(catalog: Catalog, locale: str) -> None:
    """argparse's error messages in ``locale``: the module looks its ``_`` up when it
    reports, so replacing it translates every later message. (Its only plural message,
    ``expected %s arguments``, needs ``nargs=N``, which no command uses.)"""
    known = catalog.texts.get(locale, {})

    def gettext(message: str) -> str:
        key = "argparse." + ARGPARSE.get(message, "")
        return catalog.raw(locale, key) if key in known else message

    setattr(argparse, "_", gettext)  # noqa: B010 - module globals argparse reads at report time
