"""The two errors the operator reads at start (re-exported by bot.config): a configuration
problem, and a start-up problem the operator must fix. Neither imports aiogram."""
from __future__ import annotations

from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration problem, phrased for the person who runs the bot; bot/cli.py says it
    in a locale from ``kind`` (missing, unreadable, invalid), ``file`` and ``detail``."""

    def __init__(self, text: str, kind: str = "", file: Path | None = None,
                 detail: Any = None) -> None:
        super().__init__(text)
        self.kind, self.file, self.detail = kind, file, detail


class StartupError(Exception):
    """A problem the operator must fix at start; printed as one sentence (the locale key
    ``key`` with ``params``; ``str()`` is its English), no traceback.

    Defined here, not in bot.app, so the operator's commands need not import aiogram."""

    def __init__(self, text: str, key: str = "", **params: Any) -> None:
        super().__init__(text)
        self.key, self.params = key, params
