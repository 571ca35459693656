"""Reading a parsed survey file's values: the problem shape, and typed reads that report a
problem (a locale key, its parameters and the line) instead of failing.

Used by ``core/surveys/definition.py`` and its parts (``definition_questions.py``,
``definition_audience.py``); the lines come from ``core/surveys/toml_lines.py``.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.replies import t
from core.surveys.toml_lines import Path, line_of
from core.types import JSON


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a survey file: where (``line``, 1-based; None for the file as a
    whole) and what (a locale key of ``[survey_file]`` and its parameters). ``file`` is a
    list file's name as the survey wrote it when the line is that file's."""

    line: int | None
    key: str
    params: dict[str, JSON] = field(default_factory=dict)
    file: str | None = None


Table = Mapping[str, object]


class Fields:
    """Collects the problems of one file while its values are read."""

    def __init__(self, lines: dict[Path, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: Path) -> int | None:
        return line_of(self.lines, path)

    def bad(self, path: Path, message: str, /, **params: JSON) -> None:
        """Report ``message`` (a locale key) at ``path``'s line."""
        self.problems.append(Problem(self.line(path), message, dict(params)))

    def table(self, value: object, path: Path, known: tuple[str, ...]) -> Table | None:
        """``value`` as a table whose keys are all ``known`` (others are reported, with the
        nearest known key as a hint for a typo); None when it is no table."""
        if not isinstance(value, Mapping):
            self.bad(path, "survey_file.wrong_type", key=str(path[-1]) if path else "",
                     expected=t("survey_file.type_table"))
            return None
        for name in value:
            if name not in known:
                close = difflib.get_close_matches(str(name), known, n=1)
                if close:
                    self.bad(path + (name,), "survey_file.unknown_key_hint", key=str(name),
                             hint=close[0])
                else:
                    self.bad(path + (name,), "survey_file.unknown_key", key=str(name),
                             known=", ".join(known))
        return value

    def missing(self, table: Table, path: Path, name: str) -> bool:
        if name in table:
            return False
        self.bad(path, "survey_file.missing", key=name)
        return True

    def text(self, table: Table, path: Path, name: str, *, limit: int,
             required: bool = True) -> str | None:
        """A text of at most ``limit`` characters, stripped; None when absent or bad."""
        if name not in table:
            if required:
                self.bad(path, "survey_file.missing", key=name)
            return None
        value, where = table[name], path + (name,)
        if not isinstance(value, str):
            self.bad(where, "survey_file.wrong_type", key=name,
                     expected=t("survey_file.type_text"))
            return None
        value = value.strip()
        if required and not value:
            self.bad(where, "survey_file.empty", key=name)
            return None
        if len(value) > limit:
            self.bad(where, "survey_file.too_long", key=name,
                     length=t("unit.chars", count=len(value)),
                     limit=t("unit.chars", count=limit))
            return None
        return value

    def flag(self, table: Table, path: Path, name: str, default: bool | None) -> bool | None:
        """A true/false; ``default`` when absent (None: required)."""
        if name not in table:
            if default is None:
                self.bad(path, "survey_file.missing", key=name)
            return default
        value = table[name]
        if not isinstance(value, bool):
            self.bad(path + (name,), "survey_file.wrong_type", key=name,
                     expected=t("survey_file.type_bool"))
            return None
        return value

    def whole(self, table: Table, path: Path, name: str) -> int | None:
        """An integer (not a true/false), or None when absent or bad."""
        if name not in table:
            return None
        value = table[name]
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(path + (name,), "survey_file.wrong_type", key=name,
                     expected=t("survey_file.type_int"))
            return None
        return value

    def texts(self, table: Table, path: Path, name: str, *,
              numbers: bool = False) -> list[tuple[str, Path]] | None:
        """A text or a list of texts, each stripped, with its path; empty texts and
        repeated ones are reported and dropped. ``numbers``: integers are taken as their
        text too (ratings). None when absent or of the wrong type."""
        if name not in table:
            return None
        value, where = table[name], path + (name,)
        items = list(value) if isinstance(value, list) else [value]
        ok = all(isinstance(v, str) or (numbers and isinstance(v, int)
                                         and not isinstance(v, bool)) for v in items)
        if not ok:
            self.bad(where, "survey_file.wrong_type", key=name,
                     expected=t("survey_file.type_texts"))
            return None
        if not items:
            self.bad(where, "survey_file.empty", key=name)
            return None
        out: list[tuple[str, Path]] = []
        single = not isinstance(value, list)
        for i, raw in enumerate(items):
            text, at = str(raw).strip(), where if single else where + (i,)
            if not text:
                self.bad(at, "survey_file.empty_value", key=name)
            elif text in (seen for seen, _ in out):
                self.bad(at, "survey_file.repeated_value", key=name, value=text)
            else:
                out.append((text, at))
        return out

    def known(self, values: list[tuple[str, Path]], allowed: tuple[str, ...],
              message: str) -> tuple[str, ...]:
        """The values that are among ``allowed``; each other one reported as ``message``."""
        good = []
        for value, at in values:
            if value in allowed:
                good.append(value)
            else:
                self.bad(at, message, value=value, known=", ".join(allowed))
        return tuple(good)
