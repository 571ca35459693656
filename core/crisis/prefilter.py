"""Which lexicon rules could match a text at all, found in one pass over the text.

Each rule knows strings one of which the solid skeleton of any text it matches must
contain (``core/crisis/patterns.py`` ``rule_source``: its "needles"). Instead of testing
a thousand rules one by one, the index walks the text once, looks up the needles that
start with each character, and returns only the rules one of whose needles occurs, plus
the rules without needles (always tried). The result is exactly the rules the
one-by-one test would keep, in the lexicon's order.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

R = TypeVar("R")


class NeedleIndex(Generic[R]):
    """The rules of one form (plain, leet or pinyin), indexed by their needles."""

    def __init__(self, rules: Sequence[R],
                 needles_of: Callable[[R], frozenset[str] | None]) -> None:
        self._rules = list(rules)
        self._always: list[int] = []
        self._by_needle: dict[str, list[int]] = {}
        for i, rule in enumerate(self._rules):
            needles = needles_of(rule)
            if needles is None or "" in needles:
                self._always.append(i)
                continue
            for needle in needles:
                self._by_needle.setdefault(needle, []).append(i)
        # Needles by their first two characters (one-character needles apart), so each
        # position of the text is checked against the few needles that can start there.
        self._singles = {n for n in self._by_needle if len(n) == 1}
        self._by_head: dict[str, list[str]] = {}
        for needle in self._by_needle:
            if len(needle) > 1:
                self._by_head.setdefault(needle[:2], []).append(needle)

    def candidates(self, solid_text: str) -> list[R]:
        """The rules that may match a text whose solid skeleton is ``solid_text``."""
        found = set(self._always)
        by_head, by_needle = self._by_head, self._by_needle
        for ch in self._singles.intersection(solid_text):
            found.update(by_needle[ch])
        for i in range(len(solid_text) - 1):
            for needle in by_head.get(solid_text[i:i + 2], ()):
                if solid_text.startswith(needle, i):
                    found.update(by_needle[needle])
        return [self._rules[i] for i in sorted(found)]
