"""The lexicon's pattern notation, compiled to regular expressions over a skeleton.

A pattern is written the way a reviewer reads it:

* plain text is matched as written, on the skeleton (``normalise.py``): "自杀", "kill myself".
  Between any two characters one break (space or punctuation) may stand, so "自 杀" and
  "s.u.i.c.i.d.e" match; spaces in a pattern are only for reading.
* ``(a|b|c)`` is one of several; ``?`` after a character or a group makes it optional:
  "want(s|ed)? to die", "(我)?不想活".
* ``…`` is a gap: up to a few characters (the rule's ``gap``; ``……`` twice as many) that
  never cross punctuation: "想…死" matches 想死, 想去死 and 想一个人安静地死, not 想吃饭。饿死了.
* ``~`` is a gap that may cross punctuation: up to twice the rule's gap, breaks included, for
  two parts said in neighbouring clauses: "决定了~跳楼" matches 我决定了，今晚跳楼.
* ``<name>`` is a word list from ``lexicon/vocab.py``: "<wish>…<die>".
* ``^`` and ``$`` are the start and end of a clause (punctuation, or a space beside
  Chinese): "决定了$" is 决定了 at the end of a clause (not 决定了考研), "^tonight$" is
  "tonight" on its own (not "I ran 10 kms today").
* ``(?<!…)``, ``(?!…)`` and the other look-arounds of Python regular expressions are copied
  as they are, on the skeleton: "(?<![不没])想死" is 想死 not after 不 or 没.
* ``\\x`` is the character x itself.

A pattern that begins (ends) with a Latin letter or digit only matches where the text has
no Latin letter or digit just before (after) it: "die" is not in "diet", "kms" not in "10kms".
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from core.crisis.normalise import LATIN, MARKERS, char_parts, solid

SEP = "[_|]?"
# A clause ends at punctuation, at the end, or at a space that is not between two words
# of Latin letters (Chinese often uses a space as a comma: 决定了 今晚).
_CLAUSE_START = "(?:^|(?<=\\|)|(?<=_)(?<![a-z0-9]_))"
_CLAUSE_END = "(?=\\||$|_(?![a-z0-9])|_$)"
_MACRO = re.compile(r"<([a-z_]+)>")
_WORDY = LATIN | frozenset("0123456789")


class PatternError(ValueError):
    """A lexicon pattern that cannot be compiled (says which and why)."""


@dataclass
class _Item:
    kind: str  # "lit", "group", "gap", "span", "raw", "anchor"
    text: str = ""  # the character (lit), the regex (raw, anchor), the size (gap, span)
    alts: list[list[_Item]] | None = None  # group
    optional: bool = False


def expand(source: str, macros: Mapping[str, str]) -> str:
    """``source`` with every ``<name>`` replaced by its word list (recursively)."""
    for _ in range(10):
        expanded = _MACRO.sub(lambda m: _macro(m.group(1), macros, source), source)
        if expanded == source:
            return expanded
        source = expanded
    raise PatternError(f"word lists nest too deeply in {source!r}")


def _macro(name: str, macros: Mapping[str, str], source: str) -> str:
    if name not in macros:
        raise PatternError(f"unknown word list <{name}> in {source!r}")
    return macros[name]


class _Parser:
    def __init__(self, source: str, *, leet: bool, gap: int) -> None:
        self.s, self.i, self.leet, self.gap = source, 0, leet, gap

    def fail(self, why: str) -> PatternError:
        return PatternError(f"{why} at character {self.i} of {self.s!r}")

    def closing(self, start: int) -> int:
        """The index of the ')' that closes the '(' at ``start``."""
        depth, j = 0, start
        while j < len(self.s):
            if self.s[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(self.s[j], 0)
            if depth == 0:
                return j
            j += 1
        raise self.fail("unclosed look-around")

    def alternatives(self) -> list[list[_Item]]:
        alts = [self.sequence()]
        while self.i < len(self.s) and self.s[self.i] == "|":
            self.i += 1
            alts.append(self.sequence())
        return alts

    def sequence(self) -> list[_Item]:
        items: list[_Item] = []
        s = self.s
        while self.i < len(s) and s[self.i] not in "|)":
            c = s[self.i]
            self.i += 1
            if c == "(" and s.startswith("?", self.i):
                end = self.closing(self.i - 1)
                raw = s[self.i - 1:end + 1]
                items.append(_Item("raw", _leet_raw(raw) if self.leet else raw))
                self.i = end + 1
            elif c == "(":
                alts = self.alternatives()
                if self.i >= len(s) or s[self.i] != ")":
                    raise self.fail("unclosed group")
                self.i += 1
                items.append(_Item("group", alts=alts))
            elif c == "?":
                if not items or items[-1].kind not in ("lit", "group") or items[-1].optional:
                    raise self.fail("'?' after nothing optional")
                items[-1].optional = True
            elif c == "…":
                if items and items[-1].kind == "gap":
                    items[-1].text = str(int(items[-1].text) + self.gap)
                else:
                    items.append(_Item("gap", str(self.gap)))
            elif c == "~":
                items.append(_Item("span", str(2 * self.gap)))
            elif c == "^":
                items.append(_Item("anchor", _CLAUSE_START))
            elif c == "$":
                items.append(_Item("anchor", _CLAUSE_END))
            elif c == " ":
                continue
            else:
                if c == "\\":
                    if self.i >= len(s):
                        raise self.fail("'\\' at the end")
                    c = s[self.i]
                    self.i += 1
                for ch in char_parts(c)[1 if self.leet else 0]:
                    if ch not in MARKERS:
                        items.append(_Item("lit", ch))
        return items


def _leet_raw(raw: str) -> str:
    """A look-around as it must read on the leet skeleton, where "l" is written "i"."""
    out, in_class = [], False
    for c in raw:
        in_class = (in_class or c == "[") and c != "]"
        out.append("[li]" if c == "l" and not in_class else c)
    return "".join(out)


def _emit(items: list[_Item]) -> str:
    out: list[str] = []
    consumed = False  # the last thing emitted consumes text (a SEP may follow it)
    i = 0
    while i < len(items):
        item = items[i]
        if item.kind in ("raw", "anchor"):
            out.append(item.text)
            i += 1
            continue
        if item.kind in ("gap", "span"):
            out.append(f"[^|]{{0,{item.text}}}?" if item.kind == "gap" else f".{{0,{item.text}}}?")
            consumed = False
            i += 1
            continue
        if consumed:
            out.append(SEP)
        if item.kind == "lit":
            ch = item.text
            run = 1
            while (ch in LATIN and not item.optional and i + run < len(items)
                   and items[i + run].kind == "lit" and items[i + run].text == ch
                   and not items[i + run].optional):
                run += 1
            # A Latin letter (or a run of one) matches any run of it: "suiiicide", "kil".
            piece = ch + f"(?:{SEP}{ch})*" if ch in LATIN else re.escape(ch)
            i += run
        else:
            assert item.alts is not None
            piece = "(?:" + "|".join(_emit(alt) for alt in item.alts) + ")"
            i += 1
        out.append(f"(?:{piece})?" if item.optional else piece)
        consumed = True
    return "".join(out)


def _edge(items: list[_Item], last: bool) -> set[str]:
    """The characters a match can begin (end) with, "" standing for a gap or nothing."""
    found: set[str] = set()
    for item in reversed(items) if last else items:
        if item.kind in ("raw", "anchor"):
            continue
        if item.kind in ("gap", "span"):
            return found | {""}
        here = {item.text} if item.kind == "lit" else \
            set().union(*(_edge(alt, last) for alt in item.alts or []))
        found |= here - {""}
        if not item.optional and "" not in here:
            return found
    return found | {""}


def _needles(items: list[_Item]) -> frozenset[str] | None:
    """Strings of which every match has at least one in the solid skeleton (markers removed,
    runs of a Latin letter written once), or None when there is no such short list."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            options.append(frozenset({solid("".join(run))}))
            run.clear()

    for item in items:
        if item.kind in ("raw", "anchor"):
            continue
        if item.kind == "lit" and not item.optional:
            run.append(item.text)
            continue
        close_run()
        if item.kind == "group" and not item.optional and item.alts:
            alts = [_needles(alt) for alt in item.alts]
            if all(a is not None for a in alts):
                options.append(frozenset().union(*(a for a in alts if a is not None)))
    close_run()
    if not options:
        return None
    return max(options, key=lambda o: (min(len(n) for n in o), -len(o)))


def compile_pattern(source: str, macros: Mapping[str, str], *, gap: int,
                    leet: bool = False) -> re.Pattern[str]:
    """The regular expression for one lexicon pattern (see the module docstring)."""
    return compile_rule(source, macros, gap=gap, leet=leet)[0]


def compile_rule(source: str, macros: Mapping[str, str], *, gap: int,
                 leet: bool = False) -> tuple[re.Pattern[str], frozenset[str] | None]:
    """The regular expression for one lexicon pattern, and the strings one of which a text's
    solid skeleton must contain for it to match (None: no quick test)."""
    body, needles = rule_source(source, macros, gap=gap, leet=leet)
    try:
        return re.compile(body), needles
    except re.error as exc:
        raise PatternError(f"pattern {source!r}: {exc}") from exc


def rule_source(source: str, macros: Mapping[str, str], *, gap: int,
                leet: bool = False) -> tuple[str, frozenset[str] | None]:
    """What ``compile_rule`` compiles, not yet compiled: the lexicon's thousand rules are
    compiled when a text first gets past their quick test (``core/crisis/matcher.py``),
    so a process starts in a fraction of a second instead of three."""
    parser = _Parser(expand(source, macros), leet=leet, gap=gap)
    items = parser.sequence()
    if parser.i != len(parser.s):
        raise parser.fail("unbalanced ')' or '|' outside a group")
    if not any(item.kind in ("lit", "group") for item in items):
        raise PatternError(f"pattern {source!r} has no letters or digits")
    body = _emit(items)
    if _edge(items, last=False) & _WORDY:
        body = "(?<![a-z0-9])" + body
    if _edge(items, last=True) & _WORDY:
        body += "(?![a-z0-9])"
    return body, _needles(items)
