"""The lexicon compiled once, and one scan of a text: which rules match where.

A scan folds the text (traditional → simplified), builds its forms (``normalise.py``),
drops what overlaps hyperbole or a harmless phrase, then what a configured exception
covers completely, and notes the topic context and, per hit, the first person.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from core.crisis.lexicon import (
    beyond,
    explicit,
    followup,
    indirect,
    means,
    preparations,
    signals,
    violence,
)
from core.crisis.lexicon.family import Family
from core.crisis.lexicon.modifiers import FICTION, FIRST_PERSON, HARMLESS, HYPERBOLE, TOPIC
from core.crisis.lexicon.vocab import MACROS
from core.crisis.normalise import (
    CLAUSE_BREAK,
    LATIN,
    MARKERS,
    Form,
    char_parts,
    has_leet,
    light,
    pinyin_form,
    skeleton,
    solid,
)
from core.crisis.patterns import compile_pattern, rule_source
from core.crisis.prefilter import NeedleIndex
from core.crisis.ports import TextFolding

FAMILIES: tuple[Family, ...] = (explicit.FAMILIES + violence.FAMILIES + indirect.FAMILIES
                                + beyond.FAMILIES + preparations.FAMILIES + means.FAMILIES
                                + signals.FAMILIES + followup.FAMILIES)
TIERS = ("crisis", "review", "weak", "cue")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SYNTAX = re.compile(r"([()|?…^$<>\\])")
#: a cue counts only when the rest of the message is at most this many skeleton
#: characters (about a clause: 8 Chinese characters, 16 Latin letters)
CUE_SLACK = {"zh": 10, "en": 24}
#: how far before a hit (skeleton characters) the first person is looked for
FIRST_PERSON_REACH = 12


@dataclass(frozen=True)
class Rule:
    """One compiled lexicon pattern."""

    family: Family
    tier: str  # one of TIERS
    term: str  # the pattern as written in the lexicon (or the configured term)
    language: str  # "zh" or "en"
    pinyin: bool  # matched on the pinyin form (and only where the sender wrote Latin)
    plain: str  # the regular expression, compiled on first use (``regex``)
    leet: str | None  # English rules: also matched on the leet skeleton
    needles: frozenset[str] | None  # one of them is in the solid form of any match
    leet_needles: frozenset[str] | None


@dataclass(frozen=True)
class Hit:
    """Where one rule matched, as a span of the scanned text."""

    rule: Rule
    start: int
    end: int
    first_person: bool


@dataclass(frozen=True)
class Scan:
    hits: tuple[Hit, ...]
    topic: bool  # the text is about a course, the news, a film, a game, ...
    fiction: bool  # ... about a game, a film or a story


def _rule(family: Family, tier: str, source: str, *, language: str | None = None) -> Rule:
    pinyin = source.startswith("py:")
    body = source[3:] if pinyin else source
    zh = pinyin or bool(_CJK.search(body) or _CJK.search(_expanded(body)))
    gap = family.gap * (5 if pinyin else 1 if zh else 4)
    plain, needles = rule_source(body, MACROS, gap=gap)
    leet, leet_needles = (None, None) if zh else rule_source(body, MACROS, gap=gap, leet=True)
    return Rule(family, tier, source, language or ("zh" if zh else "en"), pinyin, plain, leet,
                needles, leet_needles)


@cache
def regex(source: str) -> re.Pattern[str]:
    """A rule's regular expression, compiled once per process when first needed."""
    return re.compile(source)


def _expanded(body: str) -> str:
    return re.sub(r"<([a-z_]+)>", lambda m: MACROS.get(m.group(1), ""), body)


def _compiled(sources: Iterable[str]) -> list[re.Pattern[str]]:
    return [compile_pattern(s, MACROS, gap=4) for s in sources]


@cache
def _builtin_rules() -> tuple[Rule, ...]:
    """The lexicon's own rules, compiled once per process (about half a second)."""
    return tuple(_rule(family, tier, source)
                 for family in FAMILIES for tier in TIERS for source in getattr(family, tier))


@cache
def _modifiers() -> tuple[list[re.Pattern[str]], ...]:
    return (_compiled(HYPERBOLE + HARMLESS), _compiled(TOPIC), _compiled(FICTION),
            _compiled(FIRST_PERSON))


def literal(term: str) -> str:
    """A configured term in the pattern notation, matched as written."""
    return _SYNTAX.sub(r"\\\1", term)


class Lexicon:
    """Every family compiled, plus a deployment's own clear-intent terms and exceptions."""

    def __init__(self, extra: Sequence[tuple[str, str]] = (),
                 exceptions: Sequence[str] = ()) -> None:
        """``extra``: (term, language) pairs added as crisis-tier rules; ``exceptions``:
        phrases (already folded to their light form) that suppress what they cover."""
        self.rules: list[Rule] = list(_builtin_rules())
        deployment = Family("deployment", "deployment term", "Terms added by [crisis] config.")
        self.rules += [_rule(deployment, "crisis", literal(term), language=language)
                       for term, language in extra]
        for rule in self.rules[len(self.rules) - len(extra):]:  # a bad term fails at start
            for source in (rule.plain, rule.leet):
                if source is not None:
                    regex(source)
        self.exceptions = list(exceptions)
        self._drop, self._topic, self._fiction, self._first = _modifiers()
        self._indexes: dict[tuple[str, ...], tuple[NeedleIndex[Rule], ...]] = {}

    def scan(self, text: str, folding: TextFolding, tiers: Sequence[str] = TIERS, *,
             pinyin: bool = True) -> Scan:
        """All the rules of ``tiers`` that match ``text`` (spans refer to the sender's text);
        ``pinyin=False`` leaves out the pinyin rules (and the cost of the pinyin form)."""
        simplified = folding.simplified(text)
        if len(simplified) != len(text):  # a folding that broke its promise: spans first
            simplified = text
        plain = skeleton(simplified)
        drop = _Spans(self._spans(plain, self._drop))
        cover = _Cover(self._exception_spans(simplified))
        hits: list[Hit] = []
        plain_index, leet_index, pinyin_index = self._index(tuple(tiers))
        forms: list[tuple[Form, NeedleIndex[Rule], bool]] = [(plain, plain_index, False)]
        if has_leet(text):
            forms.append((skeleton(simplified, leet=True), leet_index, True))
        if pinyin and any(c in LATIN for c in plain.text):
            syllables = folding.pinyin(simplified) if _CJK.search(simplified) else []
            forms.append((pinyin_form(simplified, syllables), pinyin_index, False))
        length = sum(c not in MARKERS for c in plain.text)
        for form, index, leet in forms:
            for rule in index.candidates(solid(form.text)):
                rx = regex((rule.leet if leet else rule.plain) or "")
                for start, end, pos, stop in _matches(rx, form, drop):
                    if cover.covers(start, end):
                        continue
                    if rule.pinyin and not any(c in LATIN for ch in text[start:end]
                                               for c in char_parts(ch)[0]):
                        continue  # 相似 is not 想死: pinyin is for what was written in Latin
                    if (rule.tier == "cue" and not rule.family.amplifier
                            and length - _solid(form.text[pos:stop]) > CUE_SLACK[rule.language]):
                        continue
                    hits.append(Hit(rule, start, end, self._first_person(plain, start, end)))
        fiction = any(rx.search(plain.text) for rx in self._fiction)
        topic = fiction or any(rx.search(plain.text) for rx in self._topic)
        return Scan(tuple(_dedupe(hits)), topic, fiction)

    def _index(self, tiers: tuple[str, ...]) -> tuple[NeedleIndex[Rule], ...]:
        """The plain, leet and pinyin rules of ``tiers``, indexed (built once per tiers)."""
        if tiers not in self._indexes:
            rules = [r for r in self.rules if r.tier in tiers]
            self._indexes[tiers] = (
                NeedleIndex([r for r in rules if not r.pinyin], lambda r: r.needles),
                NeedleIndex([r for r in rules if not r.pinyin and r.leet is not None],
                            lambda r: r.leet_needles),
                NeedleIndex([r for r in rules if r.pinyin], lambda r: r.needles))
        return self._indexes[tiers]

    def _spans(self, form: Form, patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
        return [form.span(m.start(), m.end()) for rx in patterns
                for m in rx.finditer(form.text) if m.end() > m.start()]

    def _exception_spans(self, simplified: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        if self.exceptions:
            form = light(simplified)
            for phrase in self.exceptions:
                pos = form.text.find(phrase)
                while pos != -1:
                    spans.append(form.span(pos, pos + len(phrase)))
                    pos = form.text.find(phrase, pos + 1)
        return spans

    def _first_person(self, plain: Form, start: int, end: int) -> bool:
        """Whether the writer speaks of themself in the hit or just before it (same clause)."""
        text = plain.text
        pos = bisect_left(plain.starts, start)
        stop = bisect_right(plain.ends, end)
        lo = max(0, pos - FIRST_PERSON_REACH)
        lo = max(lo, text.rfind(CLAUSE_BREAK, lo, pos) + 1)
        window = text[lo:stop]
        return any(rx.search(window) for rx in self._first)


def _solid(s: str) -> int:
    return sum(c not in MARKERS for c in s)


def _matches(rx: re.Pattern[str], form: Form, drop: _Spans) -> Iterable[tuple[int, int, int, int]]:
    """(start, end) in the text and (pos, stop) in the form of each match of ``rx`` that
    overlaps no hyperbole or harmless span; a dropped match is retried one step on."""
    s, pos = form.text, 0
    while (m := rx.search(s, pos)) is not None:
        lo, hi = m.start(), m.end()
        while lo < hi and s[lo] in MARKERS:  # an optional first word left its break behind
            lo += 1
        while hi > lo and s[hi - 1] in MARKERS:
            hi -= 1
        if hi == lo:
            pos = m.start() + 1
            continue
        start, end = form.span(lo, hi)
        if drop.overlaps(start, end):
            pos = m.start() + 1
            continue
        yield start, end, lo, hi
        pos = max(m.end(), m.start() + 1)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    seen: set[tuple[str, int, int]] = set()
    out: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end, TIERS.index(h.rule.tier))):
        key = (hit.rule.term, hit.start, hit.end)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


class _Spans:
    """Hyperbole and harmless spans, merged; answers "does this span touch one?"."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end) - 1  # the last span starting before ``end``
        return i >= 0 and self._ends[i] > start


class _Cover:
    """The spans of exception phrases in one text; answers "is this span inside one?"."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self._starts = [s for s, _ in spans]
        self._reach: list[int] = []  # the furthest end among spans starting at or before
        furthest = -1
        for _, end in spans:
            furthest = max(furthest, end)
            self._reach.append(furthest)

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start)
        return i > 0 and self._reach[i - 1] >= end
