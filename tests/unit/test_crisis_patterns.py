"""The lexicon's pattern notation (core.crisis.patterns) and the text forms it is matched on
(core.crisis.normalise)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.crisis.lexicon.vocab import MACROS
from core.crisis.matcher import FAMILIES, TIERS, Lexicon, regex
from core.crisis.normalise import has_leet, pinyin_form, skeleton, solid
from core.crisis.patterns import PatternError, compile_pattern, compile_rule

ROOT = Path(__file__).resolve().parents[2]


def finds(source: str, text: str, gap: int = 4) -> str | None:
    form = skeleton(text)
    m = compile_pattern(source, MACROS, gap=gap).search(form.text)
    if m is None:
        return None
    start, end = form.span(m.start(), m.end())
    return text[start:end]


@pytest.mark.parametrize(("source", "text", "found"), [
    ("想…死", "我想一个人死", "想一个人死"),
    ("想…死", "我想吃饭。饿死了", None),  # a gap never crosses punctuation
    ("想…死", "我想吃很多很多好吃的再死", None),  # nor runs longer than the gap
    ("想……死", "我想吃很多很多好吃的死", "想吃很多很多好吃的死"),
    ("自杀", "自.杀", "自.杀"), ("自杀", "自 杀", "自 杀"),
    ("want(s|ed)? to die", "she wanted to die", "wanted to die"),
    ("want(s|ed)? to die", "I want to diet", None),  # English words need an edge
    ("(i )?want to die", "Iwanttodie", "Iwanttodie"),  # ... but may run together
    ("kill myself", "KILLLL MYSELF", "KILLLL MYSELF"),  # a letter matches a run of it
    ("<soon>就去", "今晚就去", "今晚就去"),
    ("决定了$", "我决定了，今晚", "决定了"), ("决定了$", "我决定了考研", None),
    ("决定了$", "我决定了 今晚", "决定了"),  # a space beside Chinese ends a clause
    ("^tonight$", "I ran 10 kms today. tonight", "tonight"),
    ("^today$", "I ran 10 kms today", None),
    ("(?<![不没])想死", "不想死", None), ("(?<![不没])想死", "好想死", "想死"),
    (r"\(x\)", "(x)", "x"),  # punctuation in a pattern is a break, like in the text
])
def test_notation(source: str, text: str, found: str | None) -> None:
    assert finds(source, text) == found


@pytest.mark.parametrize("source", ["(a|b", "a)", "a|b", "?a", "a??", "<nope>", "(?!x", "---", "…"])
def test_bad_patterns_are_refused(source: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(source, MACROS, gap=4)


def test_every_lexicon_pattern_compiles() -> None:
    rules = Lexicon().rules
    assert len(rules) == sum(len(getattr(f, t)) for f in FAMILIES for t in TIERS)
    assert len({f.name for f in FAMILIES}) == len(FAMILIES)


def sample_texts() -> list[str]:
    texts = [line.split('"')[1] for line in (ROOT / "tests/unit/crisis_corpus.toml").read_text(
        encoding="utf-8").splitlines() if line.startswith('text = "')]
    train = ROOT / "bot/crisis/corpus/train.jsonl"
    if train.exists():
        lines = train.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line.strip()][:400]
    return texts


def test_the_needles_never_hide_a_match() -> None:
    # The quick test in front of each regular expression must be sound: whenever a rule
    # matches a form, one of its needles is in that form's solid text.
    lexicon = Lexicon()
    checked = 0
    for text in sample_texts():
        forms = [(skeleton(text), False)]
        if has_leet(text):
            forms.append((skeleton(text, leet=True), True))
        for form, leet in forms:
            solid_text = solid(form.text)
            for rule in lexicon.rules:
                source = rule.leet if leet else rule.plain
                needles = rule.leet_needles if leet else rule.needles
                if source is None or rule.pinyin or needles is None:
                    continue
                if regex(source).search(form.text):
                    checked += 1
                    assert any(n in solid_text for n in needles), (rule.term, text)
    assert checked > 50


def test_forms_map_back_to_the_text() -> None:
    text = "Ｉ　want\u200bto  d-i-e。自 殺"
    form = skeleton(text)
    assert form.text == "i_wantto_die|自_殺"
    assert [text[form.starts[i]] for i in range(len(form.text))][:2] == ["Ｉ", "　"]
    py = pinyin_form("我想zi sha", ["wo", "xiang", "", "", "", "", ""])
    assert py.text == "wo_xiang_zi_sha"
    assert py.span(0, 8) == (0, 2)


def test_needles_of_a_simple_rule() -> None:
    _, needles = compile_rule("(想|要)…(自杀|跳楼)", MACROS, gap=4)
    assert needles in ({"想", "要"}, {"自杀", "跳楼"})
    assert compile_rule("(a)?…b?", MACROS, gap=4)[1] is None


def test_every_rule_of_the_lexicon_compiles() -> None:
    """Rules compile lazily, on first use (matcher.regex): so compile them all here."""
    rules = Lexicon().rules
    for rule in rules:
        for source in (rule.plain, rule.leet):
            if source is not None:
                assert regex(source).pattern == source
    assert len(rules) > 1000
