"""`make mutate`: mutation testing (mutmut) of the modules that carry the product's promises.

Each module is mutated in a copy of the working tree under ``var/mutation/<module>/``
against the tests meant to guard it (mutmut then runs, per mutant, only those of them
that reach the mutated function). Prints a score per module and writes
``var/mutation/report.md`` with every surviving mutant, for ``docs/testing.md``.

    .venv/bin/python -m tests.mutation.run                  # every module below
    .venv/bin/python -m tests.mutation.run bot/sender.py    # one of them

Not run in CI: a full run takes an hour or more on two cores.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "mutation"

#: module -> the tests that guard it (in-process tests only: mutants live in this process)
TARGETS: dict[str, list[str]] = {
    "bot/telegram/poller.py": ["tests/integration/test_poller.py",
                               "tests/integration/test_inbox.py"],
    "bot/inbox_worker.py": ["tests/integration/test_inbox_worker_failures.py",
                            "tests/integration/test_inbox_worker_batches.py",
                            "tests/integration/test_inbox_worker_loop.py",
                            "tests/integration/test_inbox_batch.py",
                            "tests/integration/test_inbox.py"],
    "bot/sender.py": ["tests/integration/test_outbox_sender.py",
                      "tests/integration/test_outbox_rates.py",
                      "tests/integration/test_outbox_sender_rules.py",
                      "tests/unit/test_sender_units.py"],
    "core/concerns/lifecycle.py": ["tests/unit/test_lifecycle.py", "tests/unit/test_actions.py"],
    # The end-to-end walks reach these too, but make a run take hours on two cores; the
    # unit tests (tests/unit/test_handling.py, test_anonymity.py) check them exactly.
    "core/concerns/handling.py": ["tests/unit", "tests/integration/test_lifecycle_routing.py",
                                  "tests/integration/test_revisit_answers.py"],
    "core/concerns/anonymity.py": ["tests/unit"],
    "core/concerns/routing.py": ["tests/unit", "tests/integration/test_lifecycle_routing.py"],
    "storage/people/roster/apply.py": ["tests/integration/test_roster_import.py",
                                       "tests/integration/test_roster_rollback.py",
                                       "tests/integration/test_roster_apply_counts.py"],
}
#: Tests that read the sources fail on mutmut's rewritten copy (its trampolines, its
#: renamed functions, its own imports), whatever the mutant: left out of every run.
READS_SOURCES = [
    "tests/unit/test_locales.py::test_every_literal_key_in_code_exists_in_both_catalogues",
    "tests/unit/test_locales.py::test_every_template_parses_and_has_text",
    "tests/unit/test_locales.py::test_numbers_reach_replies_only_as_count_or_inside_a_unit",
    "tests/unit/test_locale_telegram.py::"
    "test_every_key_with_the_longest_user_text_stays_within_telegrams_limit",
    "tests/unit/test_locale_telegram.py::"
    "test_the_intake_too_long_text_is_only_used_for_a_concerns_text",
]
# SQLite only: each mutant's run stays short; PostgreSQL has its own CI run.
PYTEST_ARGS = ["-p", "no:cacheprovider", "-q", "-k", "not postgresql",
               "--ignore=tests/unit/test_architecture.py",
               *(f"--deselect={t}" for t in READS_SOURCES)]
#: copied next to the sources (mutmut copies tests/ and pyproject.toml itself)
ALSO_COPY = ["examples", "config.toml", "locales", "bench"]
SOURCES = ["bot", "core", "handlers", "storage", "scheduler"]


def _config(module: str, tests: list[str]) -> str:
    def toml_list(items: list[str]) -> str:
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    return (
        "\n[tool.mutmut]\n"
        f"source_paths = {toml_list(SOURCES)}\n"
        f"only_mutate = {toml_list([module])}\n"
        f"also_copy = {toml_list(ALSO_COPY)}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        f"pytest_add_cli_args = {toml_list(PYTEST_ARGS)}\n"
    )


def _prepare(module: str) -> Path:
    """A copy of the working tree (tracked and new files, not var/ or .venv/)."""
    where = WORK / module.replace("/", "_").removesuffix(".py")
    if where.exists():
        shutil.rmtree(where)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout.split("\n")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file() and not name.startswith(("var/", ".venv")):
            dest = where / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
    (where / ".venv").symlink_to(ROOT / ".venv")
    pyproject = where / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + _config(module, TARGETS[module]),
                         encoding="utf-8")
    return where


def _run(module: str) -> dict:
    where = _prepare(module)
    mutmut = str(ROOT / ".venv" / "bin" / "mutmut")
    started = time.monotonic()
    print(f"== {module}: mutating (tests: {' '.join(TARGETS[module])})", flush=True)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with open(where / "mutmut.log", "w", encoding="utf-8") as log:
        subprocess.run([mutmut, "run"], cwd=where, stdout=log, stderr=subprocess.STDOUT,
                       env=env, check=False)
    subprocess.run([mutmut, "export-cicd-stats"], cwd=where, capture_output=True, env=env,
                   check=False)
    stats_file = where / "mutants" / "mutmut-cicd-stats.json"
    if not stats_file.exists():
        raise SystemExit(f"mutmut did not finish for {module}: see {where / 'mutmut.log'}")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    if stats["total"] and not any(stats.get(k) for k in ("killed", "survived", "no_tests",
                                                         "timeout")):
        raise SystemExit(f"mutmut tested nothing for {module} (the tests failed before any "
                         f"mutant ran?): see {where / 'mutmut.log'}")
    survivors = subprocess.run([mutmut, "results"], cwd=where, capture_output=True, text=True,
                               env=env, check=False).stdout.split("\n")
    stats["survivors"] = [line.strip().rsplit(":", 1)[0] for line in survivors
                          if line.strip().endswith((": survived", ": no tests"))]
    stats["diffs"] = {name: subprocess.run([mutmut, "show", name], cwd=where,
                                           capture_output=True, text=True, env=env,
                                           check=False).stdout
                      for name in stats["survivors"]}
    stats["seconds"] = round(time.monotonic() - started)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(TARGETS)}")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"not a mutation target: {', '.join(unknown)}")
    WORK.mkdir(parents=True, exist_ok=True)
    lines = ["| module | mutants | killed | survived | no tests | timeout | score |",
             "|---|---|---|---|---|---|---|"]
    details = []
    for module in args.modules or list(TARGETS):
        s = _run(module)
        killed = s["killed"] + s.get("timeout", 0)
        score = killed / s["total"] if s["total"] else 1.0
        row = (f"| `{module}` | {s['total']} | {s['killed']} | {s['survived']} | "
               f"{s['no_tests']} | {s.get('timeout', 0)} | {score:.0%} |")
        print(row, f"({s['seconds']} s)", flush=True)
        lines.append(row)
        section = [f"\n## {module}\n", row + "\n"]
        section += [f"\n```diff\n{diff.strip()}\n```" for diff in s["diffs"].values()]
        details += section
        # one report per module too, so that runs of single modules do not overwrite each other
        (WORK / (module.replace("/", "_").removesuffix(".py") + ".md")).write_text(
            "\n".join(section) + "\n", encoding="utf-8")
    report = WORK / "report.md"
    report.write_text("\n".join(lines + details) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"surviving mutants: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
