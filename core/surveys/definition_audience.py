"""The ``[audience]`` of a survey file (and its ``[audience.except]``) checked into
``core.surveys.model.Audience``, the optional list file of person numbers, and an
audience in words for a summary line.

Codes (a college, a building) are not looked up here: the file is checked without a
database; ``survey create`` checks them against the roster.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from core.model import PersonKind, Role
from core.replies import t
from core.surveys.definition_fields import Fields, Problem, Table
from core.surveys.model import Audience
from core.surveys.toml_lines import Path
from core.types import JSON

#: the keys of an audience that select people (each an Audience field of the same name)
FIELDS = ("roles", "colleges", "branches", "grades", "classes", "buildings", "kinds")
AUDIENCE_KEYS = (*FIELDS, "list", "except")
EXCEPT_KEYS = (*FIELDS, "list")
ROLES = tuple(r.value for r in Role)
KINDS = tuple(k.value for k in PersonKind)
MAX_VALUE = 100  # a code or a building's name (the roster's longest column)
#: A person number as the roster takes it (core.people.roster_validation).
_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,39}")
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE][+-]?\d+")  # Excel's 2.02301E+09

ListFiles = Callable[[str], str]


class ListFileError(Exception):
    """Raised by a ``list_files`` reader: the file cannot be read, for the reason its
    locale ``key`` (of ``[survey_file]``) gives; ``params`` fill it (``name`` is added)."""

    def __init__(self, key: str, **params: JSON) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def read_audience(f: Fields, value: object, list_files: ListFiles | None) -> Audience | None:
    """The audience, or None when it has problems (each reported)."""
    before = len(f.problems)
    audience = _audience(f, value, ("audience",), AUDIENCE_KEYS, list_files)
    return audience if len(f.problems) == before else None


def _audience(f: Fields, value: object, path: Path, keys: tuple[str, ...],
              list_files: ListFiles | None) -> Audience | None:
    table = f.table(value, path, keys)
    if table is None:
        return None
    found: dict[str, tuple[str, ...]] = {}
    for name in FIELDS:
        given = f.texts(table, path, name)
        if given is None:
            continue
        for text, at in given:
            if len(text) > MAX_VALUE:
                f.bad(at, "survey_file.too_long", key=name,
                      length=t("unit.chars", count=len(text)),
                      limit=t("unit.chars", count=MAX_VALUE))
        if name == "roles":
            found[name] = f.known(given, ROLES, "survey_file.unknown_role")
        elif name == "kinds":
            found[name] = f.known(given, KINDS, "survey_file.unknown_person_kind")
        else:
            found[name] = tuple(v for v, _ in given)
    numbers: tuple[str, ...] = ()
    if "list" in table:
        numbers = _list(f, table, path, list_files)
    excluded = None
    if "except" in table and "except" in keys:
        excluded = _audience(f, table["except"], path + ("except",), EXCEPT_KEYS, list_files)
    if not any(k in table for k in (*FIELDS, "list")):  # an empty one is reported above
        f.bad(path, "survey_file.except_empty" if "except" in path else
              "survey_file.audience_empty")
    return Audience(
        roles=found.get("roles", ()), colleges=found.get("colleges", ()),
        branches=found.get("branches", ()), grades=found.get("grades", ()),
        classes=found.get("classes", ()), buildings=found.get("buildings", ()),
        kinds=found.get("kinds", ()), numbers=numbers, excluded=excluded)


def _list(f: Fields, table: Table, path: Path, list_files: ListFiles | None) -> tuple[str, ...]:
    name = f.text(table, path, "list", limit=200)
    if name is None:
        return ()
    at = path + ("list",)
    if list_files is None:
        f.bad(at, "survey_file.list_not_read", name=name)
        return ()
    try:
        text = list_files(name)
    except ListFileError as exc:
        f.bad(at, exc.key, **{**exc.params, "name": name})
        return ()
    except (OSError, ValueError):  # UnicodeDecodeError is a ValueError
        f.bad(at, "survey_file.list_unreadable", name=name)
        return ()
    numbers, problems = read_list(text, name)
    f.problems += problems
    if not numbers and not problems:
        f.bad(at, "survey_file.list_empty", name=name)
    return numbers


def read_list(text: str, name: str) -> tuple[tuple[str, ...], list[Problem]]:
    """A list file's person numbers, one a line, in order and each once; blank lines and
    ``#`` comments (whole lines or after a number) are skipped. A malformed line is a
    problem with the list file's own line."""
    numbers: dict[str, None] = {}
    problems = []
    for n, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        number = raw.split("#", 1)[0].strip()
        if not number:
            continue
        if _SCIENTIFIC.fullmatch(number):
            problems.append(Problem(n, "survey_file.list_scientific", {"value": number}, name))
        elif not _NUMBER.fullmatch(number):
            problems.append(Problem(n, "survey_file.list_bad_number", {"value": number}, name))
        else:
            numbers[number] = None
    return tuple(numbers), problems


_WORDS = {"roles": "survey_file.aud_roles", "colleges": "survey_file.aud_colleges",
          "branches": "survey_file.aud_branches", "grades": "survey_file.aud_grades",
          "classes": "survey_file.aud_classes", "buildings": "survey_file.aud_buildings",
          "kinds": "survey_file.aud_kinds"}


def audience_words(audience: Audience) -> JSON:
    """The audience as one translated phrase (a ``t()`` parameter), read as the model
    reads it: the fields ANDed, minus ``excluded``, plus the listed people, e.g.
    学院 ACC、INF，且年级 2023，但不含（支部 ACC-T1）；另加名单中的 12 人."""
    parts: list[JSON] = [t(_WORDS[name], values=_joined(getattr(audience, name), "or"))
                         for name in FIELDS if getattr(audience, name)]
    listed = t("survey_file.aud_list", count=len(audience.numbers))
    if not parts:
        return listed if audience.numbers else t("survey_file.aud_nobody")
    words = _joined(parts, "and")
    if audience.excluded is not None:
        words = t("survey_file.aud_except", a=words, b=audience_words(audience.excluded))
    return t("survey_file.aud_plus", a=words, b=listed) if audience.numbers else words


def _joined(items: tuple[str, ...] | list[JSON], how: str) -> JSON:
    """Items chained pairwise by ``survey_file.aud_or`` (、) or ``aud_and`` (；)."""
    key = "survey_file.aud_or" if how == "or" else "survey_file.aud_and"
    out: JSON = items[0]
    for item in items[1:]:
        out = t(key, a=out, b=item)
    return out
