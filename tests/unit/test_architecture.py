"""Architecture checks (STYLE.md): the layers import only what their row in the table allows."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 300
#: Modules directly in core/ (the shared kernel); an area is a package (core/<area>/).
MAX_CORE_TOP_LEVEL = 12


def modules(folder: str) -> list[Path]:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no Python files under {folder}/"
    return files


def imported_names(path: Path) -> list[tuple[str, int]]:
    """Every absolute module imported by ``path`` (dotted), with its line number."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays inside its own package
                continue
            found.append((node.module or "", node.lineno))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "__import__" and node.args
              and isinstance(node.args[0], ast.Constant)):
            found.append((str(node.args[0].value), node.lineno))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant)):
            found.append((str(node.args[0].value), node.lineno))
    return found


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_import_scanner_sees_imports_inside_functions(tmp_path: Path) -> None:
    # Guards the checks below: a lazy import inside a function must not slip past.
    src = tmp_path / "m.py"
    src.write_text("import os\nfrom core import model\n"
                   "def f():\n    import aiogram.types\n    from sqlalchemy import select\n"
                   "    from . import sibling\n")
    assert [m for m, _ in imported_names(src)] == ["os", "core", "aiogram.types", "sqlalchemy"]


def test_core_imports_only_the_standard_library_and_core() -> None:
    bad = [f"{where(p, line)} imports {name}"
           for p in modules("core") for name, line in imported_names(p)
           if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "core"]
    assert bad == []


@pytest.mark.parametrize("forbidden", ["aiogram", "sqlalchemy", "aiohttp"])
def test_handlers_do_not_touch_the_channel_or_the_database(forbidden: str) -> None:
    bad = [f"{where(p, line)} imports {name}"
           for p in modules("handlers") for name, line in imported_names(p)
           if name.split(".")[0] == forbidden]
    assert bad == []


def test_handlers_import_only_core_locales_and_themselves() -> None:
    allowed = {"core", "locales", "handlers"}
    bad = [f"{where(p, line)} imports {name}"
           for p in modules("handlers") for name, line in imported_names(p)
           if name.split(".")[0] not in sys.stdlib_module_names
           and name.split(".")[0] not in allowed]
    assert bad == []


@pytest.mark.parametrize("folder", ["core", "handlers", "bot", "scheduler", "locales"])
def test_only_storage_touches_sqlalchemy(folder: str) -> None:
    # storage/uow.py opens and commits the transactions; the queries are storage functions.
    bad = [f"{where(p, line)} imports {name}"
           for p in modules(folder)
           for name, line in imported_names(p) if name.split(".")[0] == "sqlalchemy"]
    assert bad == []


def test_only_the_unit_of_work_opens_a_transaction() -> None:
    # One place commits: a `.begin()` anywhere else in storage/ is a second one.
    bad = [str(p.relative_to(ROOT)) for p in modules("storage")
           if ".begin()" in p.read_text(encoding="utf-8")
           and p.relative_to(ROOT).as_posix() not in ("storage/uow.py", "storage/migrate.py")
           and "migrations" not in p.parts]
    assert bad == []


def test_nothing_outside_bot_imports_bot() -> None:
    # Only bot/ itself, and the tests and benchmarks that drive it, may import the
    # composition root.
    allowed_dirs = {"bot", "tests", "bench"}
    skip = {".venv", "venv", ".git", "node_modules", "build", "dist", "var"}
    bad = []
    for p in sorted(ROOT.rglob("*.py")):
        parts = p.relative_to(ROOT).parts
        if parts[0] in allowed_dirs or parts[0] in skip or parts[0].startswith("."):
            continue
        bad += [f"{where(p, line)} imports {name}"
                for name, line in imported_names(p) if name.split(".")[0] == "bot"]
    assert bad == []


@pytest.mark.parametrize("folder", ["core", "handlers", "bot", "storage", "scheduler", "locales"])
def test_no_module_is_over_300_lines(folder: str) -> None:
    # Alembic migrations are generated history, not modules anyone keeps small.
    long = {str(p.relative_to(ROOT)): n for p in modules(folder)
            if "migrations" not in p.relative_to(ROOT).parts
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_core_keeps_a_small_kernel_at_its_top_level() -> None:
    # Shared kernel modules sit directly in core/; everything of one area (concerns,
    # crisis, people, ...) is a package core/<area>/ (docs/ARCHITECTURE.md).
    top = sorted(p.name for p in (ROOT / "core").glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_CORE_TOP_LEVEL, top


def test_every_package_has_an_init() -> None:
    # A folder of modules without __init__.py would be a namespace package that
    # setuptools' find and mypy treat differently.
    folders = ("core", "handlers", "storage", "scheduler", "bot")
    bad = [str(d.relative_to(ROOT)) for folder in folders
           for d in [ROOT / folder, *(ROOT / folder).rglob("*")]
           if d.is_dir() and any(d.glob("*.py")) and not (d / "__init__.py").exists()
           and "migrations" not in d.relative_to(ROOT).parts and d.name != "__pycache__"]
    assert bad == []


CHANNELS = {"telegram": "bot/telegram", "web": "bot/web"}


def bot_packages_imported(path: Path) -> list[tuple[str, int]]:
    """``imported_names``, with ``from bot import web`` spelled ``bot.web``."""
    found = imported_names(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module == "bot":
            found += [(f"bot.{alias.name}", node.lineno) for alias in node.names]
    return found


@pytest.mark.parametrize("channel, other", [("telegram", "web"), ("web", "telegram")])
def test_channels_are_peers_that_never_import_each_other(channel: str, other: str) -> None:
    # What they share is in bot/channels.py and bot/files.py; the composition root
    # (bot/app.py) hands one channel's abilities to another as plain callables.
    bad = [f"{where(p, line)} imports {name}"
           for p in modules(CHANNELS[channel]) for name, line in bot_packages_imported(p)
           if name == f"bot.{other}" or name.startswith(f"bot.{other}.")]
    assert bad == []


def test_the_peer_check_sees_both_spellings(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("from bot import web\nimport bot.telegram.files\n")
    assert {"bot.web", "bot.telegram.files"} <= {m for m, _ in bot_packages_imported(src)}


@pytest.mark.parametrize("forbidden", ["aiogram", "sqlalchemy"])
def test_the_web_chat_touches_neither_telegram_nor_the_database(forbidden: str) -> None:
    # Storage is reached through storage.uow; a web-only start does not load aiogram.
    bad = [f"{where(p, line)} imports {name}"
           for p in modules(CHANNELS["web"]) for name, line in imported_names(p)
           if name.split(".")[0] == forbidden]
    assert bad == []


#: Names whose members a flow must not compare or pick by: roles and concern statuses are
#: decided in core use cases (who may press what, which state follows, who is told).
DECISION_ENUMS = {"Role", "ConcernStatus"}


def enum_members_used(path: Path) -> list[tuple[str, int]]:
    """Every ``Role.X`` / ``ConcernStatus.X`` in ``path`` (also ``model.Role.X``)."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        name = owner.id if isinstance(owner, ast.Name) else \
            owner.attr if isinstance(owner, ast.Attribute) else None
        if name in DECISION_ENUMS:
            found.append((f"{name}.{node.attr}", node.lineno))
    return found


def test_the_enum_scanner_sees_every_spelling(tmp_path: Path) -> None:
    # Guards the check below: a qualified or nested use must not slip past.
    src = tmp_path / "m.py"
    src.write_text("from core import model\n"
                   "def f(c, store):\n"
                   "    if c.status == ConcernStatus.ACCEPTED:\n"
                   "        return store.people(model.Role.ADMIN.value)\n"
                   "    return ConcernStatus(c.status), c.role\n")
    assert [m for m, _ in enum_members_used(src)] == ["ConcernStatus.ACCEPTED", "Role.ADMIN"]


def test_handlers_leave_roles_and_statuses_to_core() -> None:
    # Handlers parse, call one use case and say; a Role or ConcernStatus member in a flow
    # is a decision made outside core (docs/ARCHITECTURE.md, "A use case").
    bad = [f"{where(p, line)} uses {name}"
           for p in modules("handlers") for name, line in enum_members_used(p)]
    assert bad == []
