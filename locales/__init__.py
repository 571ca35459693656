"""Locale catalogues (zh_CN default, en) and rendering of Replies into text.

Texts are TOML files beside this module. A parameter is user text and is escaped by the
channel's escape function, unless it is ``{"t": key}`` (a locale key to translate).
"""
from __future__ import annotations

import string
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def _flatten(d: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out


class Catalog:
    def __init__(self, texts: dict[str, dict[str, str]], default: str) -> None:
        if default not in texts:
            raise ValueError(f"default locale {default!r} has no catalogue")
        self.texts = texts
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

    def raw(self, locale: str, key: str) -> str:
        table = self.texts.get(locale) or self.texts[self.default]
        if key in table:
            return table[key]
        return self.texts[self.default].get(key, key)

    def render(self, locale: str, key: str, params: Mapping[str, Any] | None = None,
               escape: Callable[[str], str] = lambda s: s) -> str:
        """Fill a template; user values go through ``escape``, translated ones do not."""
        values: dict[str, str] = {}
        for name, value in (params or {}).items():
            if isinstance(value, Mapping) and "t" in value:
                values[name] = self.render(locale, value["t"], None, escape)
            else:
                values[name] = escape(str(value))
        template = self.raw(locale, key)
        try:
            return string.Formatter().vformat(template, (), _Missing(values))
        except (ValueError, IndexError):  # a broken template must not kill the sender
            return escape(template)


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
