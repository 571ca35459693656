"""The forms of a text that the crisis lexicon is matched on, each mapped back to the text.

A *skeleton* keeps letters and digits only: NFKC (full-width → half-width, ⾃ → 自, 𝐬 → s),
casefold, accents stripped (ï → i), a few emoji read as words (💀 → 死, 🔪 → 杀),
zero-width and other format characters and Hangul fillers removed, Cyrillic/Greek
look-alikes folded (ѕ → s), apostrophes and hyphens dropped ("don't" → "dont",
"self-harm" → "selfharm"), other symbols and emoji dropped. A letter of an English
pattern matches a run of that letter ("suiiicide" is "suicide"). Two markers stay where
the text had a break: ``_`` for whitespace and ``|`` for punctuation. A rule may step
over one marker between the
characters of a word (so "自 杀", "自.杀" and "s u i c i d e" still match), but its gaps
never cross ``|`` (so "想吃饭。饿死了" does not read as 想…死), and English words need a
marker or a non-Latin character at their edges (so "want to diet" is not "want to die").

The *leet* skeleton also reads 0 1 3 4 5 7 @ $ ! | as letters in words that hold a Latin
letter, and folds "l" into "i" (because "1" and "|" stand for either), so "su1c1de" and
"k1ll mys3lf" meet their words while "10 kms" stays a distance.
The *pinyin* form spells each Chinese character as its toneless syllable between markers
and keeps Latin letters, so "紫砂", "zi sha" and "zisha" meet. Traditional characters are
made simplified first (through the ``TextFolding`` port), one character for one.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from core.crisis.folding import BasicFolding
from core.crisis.ports import TextFolding

# Latin look-alikes from Cyrillic and Greek ("ѕuicide" with a Cyrillic ѕ).
_HOMOGLYPHS = dict(zip("аеорсухіѕјкмтнвԁһӏαεικορτυν", "aeopcyxisjkmthbdhlaeikoptuv",
                       strict=True))
# Emoji that stand for a word: "想💀" is 想死, "想🔪自己" is 想杀自己.
_EMOJI = {"💀": "死", "☠": "死", "🪦": "死", "⚰": "死", "🔪": "杀"}
# Leetspeak, for the leet skeleton only. "l" folds into "i" (see the module docstring).
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
        "!": "i", "|": "i", "l": "i"}
# Hangul fillers are letters (category Lo) that render as nothing; they hide like U+200B.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Dropped without a marker: they join the letters around them.
_JOINERS = frozenset("'’‘ʼ`´-‐‑")
LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
WORD_BREAK, CLAUSE_BREAK = "_", "|"
MARKERS = WORD_BREAK + CLAUSE_BREAK
_RUNS = re.compile(r"([a-z])\1+")
_WORD = re.compile(r"\S+")


@lru_cache(maxsize=16384)
def char_parts(ch: str) -> tuple[str, str]:
    """What one character contributes: (plain, leet); markers included."""
    plain: list[str] = []
    leet: list[str] = []
    if ch in _EMOJI:
        return _EMOJI[ch], _EMOJI[ch]
    for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch).casefold()):
        kind = unicodedata.category(c)
        if kind[0] in "MC" or c in _INVISIBLE_LETTERS or c in _JOINERS:
            continue
        c = _HOMOGLYPHS.get(c, c)
        if kind[0] in "LN":
            plain.append(c)
            leet.append(LEET.get(c, c))
        elif c in LEET:
            plain.append(CLAUSE_BREAK if kind[0] == "P" else "")
            leet.append(LEET[c])
        elif c.isspace() or kind[0] == "Z":
            plain.append(WORD_BREAK)
            leet.append(WORD_BREAK)
        elif kind[0] == "P":
            plain.append(CLAUSE_BREAK)
            leet.append(CLAUSE_BREAK)
    return "".join(plain), "".join(leet)


@dataclass(frozen=True)
class Form:
    """A transformed text, with the original span behind each of its characters."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, pos: int, end: int) -> tuple[int, int]:
        """The original span behind ``self.text[pos:end]`` (``end > pos``)."""
        return self.starts[pos], self.ends[end - 1]


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, c: str, i: int) -> None:
        chars = self.chars
        if c in MARKERS:
            if not chars:
                return  # no leading marker
            if chars[-1] in MARKERS:
                if c == CLAUSE_BREAK:
                    chars[-1] = c
                self.ends[-1] = i + 1
                return
        chars.append(c)
        self.starts.append(i)
        self.ends.append(i + 1)

    def form(self) -> Form:
        return Form("".join(self.chars), self.starts, self.ends)


def skeleton(text: str, *, leet: bool = False) -> Form:
    """The skeleton of ``text`` (see the module docstring), markers included. With
    ``leet``, only words that hold a Latin letter are read as leet ("k1ll", not "10 kms")."""
    b = _Builder()
    if not leet:
        for i, ch in enumerate(text):
            for c in char_parts(ch)[0]:
                b.add(c, i)
        return b.form()
    for word in _WORD.finditer(text):
        which = 1 if any(c in LATIN for ch in word.group() for c in char_parts(ch)[0]) else 0
        if word.start() and b.chars:
            b.add(WORD_BREAK, word.start() - 1)
        for i in range(word.start(), word.end()):
            for c in char_parts(text[i])[which]:
                b.add(c, i)
    return b.form()


def pinyin_form(text: str, syllables: list[str]) -> Form:
    """``text`` with each Chinese character spelled as its syllable between word breaks."""
    b = _Builder()
    for i, ch in enumerate(text):
        syllable = syllables[i] if i < len(syllables) else ""
        if syllable:
            b.add(WORD_BREAK, i)
            for c in syllable:
                b.add(c, i)
            b.add(WORD_BREAK, i)
        else:
            for c in char_parts(ch)[0]:
                b.add(c, i)
    return b.form()


def has_leet(text: str) -> bool:
    """Whether the leet skeleton can differ from the plain one."""
    return any(c in LEET for c in text)


def normalise(text: str, *, leet: bool = False, folding: TextFolding | None = None) -> str:
    """The skeleton of ``text`` without its markers: what the lexicon sees, written solid.

    "ｓ ｕ-ｉ.ｃｉｄｅ" → "suicide", "自\u200b杀" → "自杀", "自殺" → "自杀"; with ``leet=True``
    "su1c1de" → "suicide". Runs of one Latin letter are written once ("suiiicide" →
    "suicide", "kill" → "kil"), as the lexicon matches them. Traditional characters are
    folded by ``folding`` (default: the small table of ``core/crisis/folding.py``).
    """
    simplified = (folding or BasicFolding()).simplified(text)
    if len(simplified) != len(text):
        simplified = text
    return solid(skeleton(simplified, leet=leet).text)


def solid(form_text: str) -> str:
    """A form's text without its markers, each run of a Latin letter written once: every
    match of a lexicon rule leaves one of the rule's needles in it (``patterns.py``)."""
    return _RUNS.sub(r"\1", "".join(c for c in form_text if c not in MARKERS))


def light(text: str) -> Form:
    """Width, case and zero-width normalised; whitespace runs become one space.

    Configured exceptions are matched on this form, so the exception "want to diet" never
    hides "want to die tomorrow".
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if c.isspace():
                if chars and chars[-1] == " ":
                    ends[-1] = i + 1
                    continue
                c = " "
            elif unicodedata.category(c) == "Cf" or c in _INVISIBLE_LETTERS:
                continue
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
    return Form("".join(chars), starts, ends)
