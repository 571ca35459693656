"""Crisis wording (core.crisis.detection, the yes/no view of core.crisis.assess): the committed
corpus, normalisation, deployment terms and exceptions."""
from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from core.crisis.detection import CrisisDetector, CrisisMatch, normalise

CORPUS: dict[str, list[dict[str, Any]]] = tomllib.loads(
    (Path(__file__).with_name("crisis_corpus.toml")).read_text(encoding="utf-8"))
POSITIVES = CORPUS["positive"]
NEGATIVES = CORPUS["negative"]
AMBIGUOUS = CORPUS["ambiguous"]
WHERE = {"concern", "caption", "relay", "anonymous"}
DEFAULT = CrisisDetector()


def ids(entries: list[dict[str, Any]], prefix: str) -> list[str]:
    return [f"{prefix}{i:02d}-{e.get('where', '')}-{e.get('note', e['text'])[:40]}"
            for i, e in enumerate(entries)]


# ------------------------------------------------------------------ the corpus itself

def test_corpus_has_the_required_size() -> None:
    assert len(POSITIVES) >= 30
    assert len(NEGATIVES) >= 15
    assert len(AMBIGUOUS) >= 10


def test_every_corpus_entry_is_well_formed() -> None:
    for e in POSITIVES:
        assert e["text"].strip() and e["note"].strip(), e
        assert e["where"] in WHERE, e
    for e in NEGATIVES:
        assert e["text"].strip() and e["note"].strip(), e
    for e in AMBIGUOUS:
        assert isinstance(e["expected"], bool), e
        assert len(e["reason"]) > 20, e  # a real reason, not a placeholder


def test_positives_cover_every_place_and_every_obfuscation_kind() -> None:
    texts = [e["text"] for e in POSITIVES]
    places = {w: sum(e["where"] == w for e in POSITIVES) for w in WHERE}
    assert all(n >= 2 for n in places.values()), places
    kinds = {
        "full-width": any(0xFF01 <= ord(c) <= 0xFF5E for t in texts for c in t),
        "ideographic space": any("\u3000" in t for t in texts),
        "zero-width": any("\u200b" in t for t in texts),
        "other format characters": any(unicodedata.category(c) == "Cf" and c != "\u200b"
                                       for t in texts for c in t),
        "spaced": any("自 杀" in t or "s u i" in t for t in texts),
        "separators": any(sep in t for t in texts for sep in ("自-杀", "自*杀", "自.杀")),
        "traditional": any(c in t for t in texts for c in "殺輕樓"),
        "leetspeak": any(d in t for t in texts for d in ("1", "3", "$")),
        "English": sum(t.isascii() for t in texts) >= 8,
        "long message": any(len(t) >= 200 for t in texts),
    }
    assert [k for k, present in kinds.items() if not present] == []


#: The flat term list the detector had before the structured lexicon (core/crisis/lexicon/).
FLAT_TERMS = (
    "自杀", "想自杀", "轻生", "不想活", "活不下去", "活着没意思", "活着没意义", "生不如死", "不如死了",
    "死了算了", "想死", "寻死", "求死", "自尽", "自缢", "割腕", "割脉", "跳楼", "跳河", "跳江", "卧轨",
    "上吊", "服毒", "喝农药", "吞药", "吞安眠药", "烧炭", "遗书", "结束生命", "结束自己", "了结自己",
    "了断自己", "自我了断", "自残", "伤害自己", "紫砂", "zisha", "tiaolou", "buxianghuo", "杀了他",
    "杀了她", "杀了你", "杀人", "砍死", "捅死", "弄死他", "同归于尽", "报复社会",
    "suicide", "suicidal", "sewer slide", "unalive", "kill myself", "killing myself",
    "end my life", "ending my life", "take my own life", "end it all", "want to die",
    "wanna die", "wish i was dead", "better off dead", "no reason to live", "dont want to live",
    "self-harm", "cut myself", "hurt myself", "jump off", "overdose", "overdosing", "kill him",
    "kill her", "kill them", "kill you", "murder him", "shoot up the school",
)


def test_most_positives_are_missed_by_a_naive_substring_search() -> None:
    # The corpus must exercise normalisation, not just restate the lexicon's plain words.
    terms = [t.casefold() for t in FLAT_TERMS]
    obfuscated = [e["text"] for e in POSITIVES
                  if not any(term in e["text"].casefold() for term in terms)]
    assert len(obfuscated) >= 15, obfuscated


# ------------------------------------------------------------------ each entry

@pytest.mark.parametrize("entry", POSITIVES, ids=ids(POSITIVES, "pos"))
def test_positive_is_detected(entry: dict[str, Any]) -> None:
    match = DEFAULT.detect(entry["text"])
    assert match is not None, f"missed ({entry['note']}): {entry['text']!r}"
    # The reported span is real: it is where the wording sits in the sender's own text.
    assert match.matched_text == entry["text"][match.start:match.end]
    assert match.matched_text.strip()
    assert match.language in ("zh", "en")


@pytest.mark.parametrize("entry", NEGATIVES, ids=ids(NEGATIVES, "neg"))
def test_negative_is_not_detected(entry: dict[str, Any]) -> None:
    assert DEFAULT.detect(entry["text"]) is None, entry["note"]


@pytest.mark.parametrize("entry", AMBIGUOUS, ids=ids(AMBIGUOUS, "amb"))
def test_ambiguous_case_follows_the_recorded_decision(entry: dict[str, Any]) -> None:
    detector = CrisisDetector(exceptions=entry.get("exceptions", ()))
    match = detector.detect(entry["text"])
    assert (match is not None) is entry["expected"], (entry["reason"], match)


# ------------------------------------------------------------------ normalise()

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ｓｕｉｃｉｄｅ", "suicide"),  # full-width
        ("ＳＵＩＣＩＤＥ", "suicide"),  # full-width upper case
        ("SuIcIdE", "suicide"),  # case
        ("自　杀", "自杀"),  # ideographic space
        ("自 杀", "自杀"),
        ("自\t\n杀", "自杀"),
        ("自\u200b杀", "自杀"),  # zero-width space
        ("自\u200c\u200d\u200e\u200f杀", "自杀"),
        ("自\u2060杀\ufeff", "自杀"),
        ("自\u00ad杀", "自杀"),  # soft hyphen (category Cf)
        ("自\u3164杀", "自杀"),  # Hangul filler
        ("自-杀", "自杀"),
        ("自*杀", "自杀"),
        ("自.杀", "自杀"),
        ("自/杀", "自杀"),
        ("自、杀", "自杀"),
        ("自😭杀", "自杀"),  # emoji
        ("想💀", "想死"),  # ... except those that stand for a word
        ("s u i c i d e", "suicide"),
        ("s.u.i.c.i.d.e", "suicide"),
        ("s-u-i-c-i-d-e", "suicide"),
        ("suiiicide", "suicide"),  # repeated Latin letters collapse
        ("suïcide", "suicide"),  # accents
        ("ѕuicide", "suicide"),  # Cyrillic look-alike
        ("𝐬𝐮𝐢𝐜𝐢𝐝𝐞", "suicide"),  # mathematical bold
        ("自殺", "自杀"),  # traditional
        ("輕生", "轻生"),
        ("跳樓", "跳楼"),
        ("⾃杀", "自杀"),  # Kangxi radical
        ("哈哈哈", "哈哈哈"),  # Chinese repeats are kept
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_leet_is_a_second_form() -> None:
    assert normalise("su1c1de", leet=True) == "suicide"
    assert normalise("$u!c!d3", leet=True) == "suicide"
    assert normalise("h@ng", leet=True) == "hang"
    # Only words that hold a Latin letter are read as leet: "10 kms" stays a distance.
    assert normalise("@", leet=True) == ""
    assert normalise("10 kms", leet=True) == "10kms"
    # "1" and "l" fold together, so "ki11" and "kill" meet.
    assert normalise("ki11 myse1f", leet=True) == normalise("kill myself", leet=True)
    # Without leet, digits stay and leet symbols are separators.
    assert normalise("su1c1de") == "su1c1de"
    assert normalise("自!杀") == "自杀"
    assert normalise("自!杀", leet=True) == "自杀"  # no Latin letter: "!" stays a separator


# ------------------------------------------------------------------ configuration

def test_deployment_terms_add_to_the_lexicon() -> None:
    detector = CrisisDetector(terms_zh=["测试词"], terms_en=["bluebird"])
    assert detector.detect("我想自杀") is not None  # the lexicon is still there
    assert detector.detect("I want to kill myself") is not None
    assert DEFAULT.detect("这是一个测试词") is None
    zh = detector.detect("这是一个 测 试\u200b词")
    assert zh == CrisisMatch("测试词", "zh", 5, 10, "测 试\u200b词")
    en = detector.detect("a BLUE-BIRD here")
    assert en is not None and (en.term, en.language, en.matched_text) == (
        "bluebird", "en", "BLUE-BIRD")


def test_simplified_terms_match_traditional_text_and_vice_versa() -> None:
    assert CrisisDetector(terms_zh=["自杀"], terms_en=[]).detect("自殺") is not None
    assert CrisisDetector(terms_zh=["自殺"], terms_en=[]).detect("自杀") is not None


def test_no_deployment_terms_is_the_lexicon_alone() -> None:
    assert CrisisDetector(terms_zh=[], terms_en=[]).detect("自杀") is not None
    assert CrisisDetector(terms_zh=[], terms_en=[]).detect("宿舍热水坏了") is None


@pytest.mark.parametrize("bad", [["  "], ["---"], ["\u200b"]])
def test_a_term_without_letters_is_refused(bad: list[str]) -> None:
    with pytest.raises(ValueError, match="no letters"):
        CrisisDetector(terms_zh=bad, terms_en=[])


def test_a_bare_string_is_refused_rather_than_split_into_characters() -> None:
    with pytest.raises(TypeError):
        CrisisDetector(terms_zh="自杀", terms_en=[])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CrisisDetector(exceptions="自杀论")  # type: ignore[arg-type]


def test_the_earliest_match_is_reported() -> None:
    match = DEFAULT.detect("我想跳楼，也想割腕")
    assert match is not None and match.matched_text == "想跳楼" and match.start == 1


# ------------------------------------------------------------------ exceptions

def test_an_exception_suppresses_a_match_it_covers() -> None:
    detector = CrisisDetector(terms_zh=["自杀"], terms_en=[], exceptions=["自杀论"])
    assert detector.detect("《自杀论》读后感") is None
    # Width, case and zero-width characters do not defeat a configured exception.
    assert detector.detect("《自杀\u200b论》读后感") is None


def test_an_exception_that_covers_only_part_of_the_match_does_not_suppress() -> None:
    detector = CrisisDetector(terms_zh=["自杀"], terms_en=[], exceptions=["杀论"])
    assert detector.detect("《自杀论》") is not None
    # A longer term reaching beyond the exception is still found.
    longer = CrisisDetector(terms_zh=["自杀", "想自杀"], terms_en=[], exceptions=["自杀"])
    match = longer.detect("我想自杀")
    assert match is not None and match.matched_text == "想自杀"


def test_an_exception_elsewhere_does_not_suppress_another_occurrence() -> None:
    detector = CrisisDetector(terms_zh=["自杀"], terms_en=[], exceptions=["自杀论"])
    text = "读了《自杀论》，我也想自杀"
    match = detector.detect(text)
    assert match is not None and match.start == text.rindex("想自杀")


def test_an_exception_does_not_match_across_spaces_or_obfuscation() -> None:
    detector = CrisisDetector(terms_zh=["自杀"], terms_en=["want to die"],
                              exceptions=["want to diet", "自杀论"])
    assert detector.detect("I want to diet") is None
    assert detector.detect("I want to die tomorrow") is not None
    assert detector.detect("I want to die. Tomorrow") is not None
    assert detector.detect("自 杀 论") is not None  # spaced: no longer the configured phrase


def test_an_empty_exception_is_refused() -> None:
    with pytest.raises(ValueError, match="exception"):
        CrisisDetector(exceptions=["  "])


# ------------------------------------------------------------------ size and safety

@pytest.mark.parametrize("text", ["", " ", "\u200b", "!!!", "\x00", "\ud800"])
def test_empty_and_odd_input_is_safe(text: str) -> None:
    assert DEFAULT.detect(text) is None


def test_a_100kb_message_is_checked_in_full() -> None:
    filler = "宿舍3号楼的热水坏了，请尽快修理。 Dorm hot water broken! " * 2500
    assert len(filler.encode()) > 100_000
    assert DEFAULT.detect(filler) is None
    tail = filler + "我不想活了"
    match = DEFAULT.detect(tail)
    assert match is not None and match.start == len(filler) + 1  # nothing is truncated
    covered = CrisisDetector(exceptions=["自杀论"]).detect("《自杀论》" * 20_000 + "想死")
    assert covered is not None and covered.matched_text == "想死"
    assert DEFAULT.detect("\u200b" * 100_000 + "自" + "-" * 100_000 + "杀") is not None
