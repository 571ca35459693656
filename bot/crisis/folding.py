"""The real ``TextFolding`` for crisis detection: OpenCC and pypinyin behind the core port.

OpenCC's ``t2s`` converts phrase by phrase; a conversion that changes the length (rare)
is redone character by character, so every span the lexicon reports still points at the
sender's own characters. pypinyin gives one toneless syllable per Chinese character in
context (行 in 银行 is hang) and "" for anything else.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import cast

import opencc
from pypinyin import Style, lazy_pinyin


def _empty_each(run: str) -> list[str]:
    return [""] * len(run)


# pypinyin calls this with each run of non-Chinese characters and accepts a list (one item
# per character) although its type hint says str.
_empty = cast(Callable[[str], str], _empty_each)


class OpenccFolding:
    """Traditional → simplified (OpenCC ``t2s``) and pinyin (pypinyin), length-preserving."""

    def __init__(self) -> None:
        convert: Callable[[str], str] = opencc.OpenCC("t2s").convert
        self._convert = convert
        self._char = lru_cache(maxsize=8192)(self._one)

    def _one(self, ch: str) -> str:
        out = self._convert(ch)
        return out if len(out) == 1 else ch

    def simplified(self, text: str) -> str:
        out = self._convert(text)
        if len(out) == len(text):
            return out
        return "".join(self._char(c) for c in text)

    def pinyin(self, text: str) -> list[str]:
        syllables = lazy_pinyin(text, style=Style.NORMAL, errors=_empty)
        if len(syllables) != len(text):  # pypinyin split a run differently: per character
            syllables = [(lazy_pinyin(c, style=Style.NORMAL, errors=_empty) or [""])[0]
                         for c in text]
        return [s if s.isascii() and s.isalpha() else "" for s in syllables]
