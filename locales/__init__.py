"""Locale catalogues (zh_CN default, en) and rendering of Replies into text.

Texts are TOML files beside this module; they are Telegram HTML (write ``&amp;`` for a
literal ``&``). A parameter is user text and is escaped by the channel's escape function,
unless it is ``{"t": key}`` (a locale key to translate), optionally with its own
parameters ``{"t": key, "p": {...}}`` (see ``core.replies.t``). A list is rendered item
by item (each as above), one item per line.

Plurals: a key whose value is a table of plural forms (``one``, ``other``, ...) is chosen
by its ``count`` parameter, by the locale's rule in ``PLURAL_RULES``. Every number shown
with a noun is such a ``count``: a key with ``{count}`` has the forms its locale needs
(``PLURAL_FORMS``), and a number inside a longer sentence is a translated parameter
carrying its own count, e.g. ``limit=t("unit.chars", count=2000)``.
"""
from __future__ import annotations

import html
import string
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

#: CLDR plural categories a plural table may use.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _one_other(n: int) -> str:
    return "one" if n == 1 else "other"


#: The plural rule of each locale (CLDR); a locale not listed has one form, ``other``.
PLURAL_RULES: dict[str, Callable[[int], str]] = {"en": _one_other}
#: The forms a plural key needs in each locale.
PLURAL_FORMS: dict[str, tuple[str, ...]] = {"en": ("one", "other"), "zh_CN": ("other",)}


def plural_forms_needed(locale: str) -> tuple[str, ...]:
    return PLURAL_FORMS.get(locale, ("other",))


def _is_plural_table(v: Mapping[str, Any]) -> bool:
    return bool(v) and "other" in v and set(v) <= set(CATEGORIES) \
        and all(isinstance(x, str) for x in v.values())


def _flatten(d: Mapping[str, Any], prefix: str = "") -> dict[str, str | dict[str, str]]:
    out: dict[str, str | dict[str, str]] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and _is_plural_table(v):
            out[key] = {c: str(x) for c, x in v.items()}
        elif isinstance(v, Mapping):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out


class Catalog:
    """``texts[locale][key]`` is the template (for a plural key: its ``other`` form);
    ``plurals[locale][key]`` holds every form of a plural key."""

    def __init__(self, texts: Mapping[str, Mapping[str, str | Mapping[str, str]]],
                 default: str) -> None:
        if default not in texts:
            raise ValueError(f"default locale {default!r} has no catalogue")
        self.texts: dict[str, dict[str, str]] = {}
        self.plurals: dict[str, dict[str, dict[str, str]]] = {}
        for locale, table in texts.items():
            self.texts[locale], self.plurals[locale] = {}, {}
            for key, value in table.items():
                if isinstance(value, Mapping):
                    if not _is_plural_table(value):
                        raise ValueError(f"{locale}:{key}: a plural table needs 'other' "
                                         f"and only the forms {', '.join(CATEGORIES)}")
                    self.plurals[locale][key] = dict(value)
                    self.texts[locale][key] = value["other"]
                else:
                    self.texts[locale][key] = value
        self.default = default

    @classmethod
    def load(cls, default: str = "zh_CN", folder: Path = HERE) -> Catalog:
        texts = {}
        for f in sorted(folder.glob("*.toml")):
            with f.open("rb") as fh:
                texts[f.stem] = _flatten(tomllib.load(fh))
        return cls(texts, default)

    @property
    def locales(self) -> list[str]:
        return sorted(self.texts)

    def _where(self, locale: str, key: str) -> str | None:
        """The locale whose catalogue has ``key`` (the requested one, else the default)."""
        if key in self.texts.get(locale, {}):
            return locale
        return self.default if key in self.texts[self.default] else None

    def forms(self, locale: str, key: str) -> dict[str, str]:
        """Every form of ``key`` in ``locale`` exactly as written: ``{"other": text}`` for a
        key without plural forms."""
        if key in self.plurals.get(locale, {}):
            return dict(self.plurals[locale][key])
        return {"other": self.texts[locale][key]}

    def raw(self, locale: str, key: str, count: Any = None) -> str:
        where = self._where(locale, key)
        if where is None:
            return key
        forms = self.plurals[where].get(key)
        if forms is None:
            return self.texts[where][key]
        category = "other"
        rule = PLURAL_RULES.get(where)
        if rule is not None and count is not None:
            try:
                category = rule(int(count))
            except (TypeError, ValueError):
                category = "other"
        return forms.get(category, forms["other"])

    def render(self, locale: str, key: str, params: Mapping[str, Any] | None = None,
               escape: Callable[[str], str] = lambda s: s) -> str:
        """Fill a template; user values go through ``escape``, translated ones do not."""
        values = {name: self._value(locale, value, escape)
                  for name, value in (params or {}).items()}
        template = self.raw(locale, key, (params or {}).get("count"))
        try:
            return string.Formatter().vformat(template, (), _Missing(values))
        except (ValueError, IndexError):  # a broken template must not kill the sender
            return escape(template)

    def _value(self, locale: str, value: Any, escape: Callable[[str], str]) -> str:
        if isinstance(value, Mapping) and "t" in value:
            inner = value.get("p")
            return self.render(locale, str(value["t"]),
                               inner if isinstance(inner, Mapping) else None, escape)
        if isinstance(value, list | tuple):  # one line per item
            return "\n".join(self._value(locale, v, escape) for v in value)
        return escape(str(value))

    def render_plain(self, locale: str, key: str,
                     params: Mapping[str, Any] | None = None) -> str:
        """The text of ``key`` for a place that shows plain text (a button label, a toast,
        a menu entry): the HTML template's entities decoded, user values left as they are."""
        return html.unescape(self.render(locale, key, params, html.escape))


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
