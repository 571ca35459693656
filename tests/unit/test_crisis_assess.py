"""Crisis assessment in a conversation (core.crisis.assess): the risk state, messages read
together, the classifier stage, deployment terms and exceptions, and what the lead wires
(Assessment.match, the why line, RiskState JSON).

The folding is the standard-library one of core (BasicFolding); test_crisis_lexicon.py
uses the production folding.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from core.crisis.assess import Assessment, CrisisAssessor, RiskState, Verdict
from core.crisis.folding import BasicFolding
from core.crisis.state import MAX_TEXT

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
C, R, N = Verdict.CRISIS, Verdict.REVIEW, Verdict.NONE


@dataclass
class FakeClassifier:
    """Scores by lookup; records what it was asked."""

    scores: dict[str, float]
    review_threshold: float = 0.5

    def __post_init__(self) -> None:
        self.asked: list[str] = []

    def score(self, text: str) -> float:
        self.asked.append(text)
        return self.scores.get(text, 0.0)


def assessor(**kw: object) -> CrisisAssessor:
    return CrisisAssessor(folding=BasicFolding(), classifier=None, **kw)  # type: ignore[arg-type]


ENGINE = assessor()


def chat(*messages: tuple[float, str], engine: CrisisAssessor = ENGINE) -> list[Assessment]:
    """Assess ``(minutes after T0, text)`` messages of one chat in order, passing the state."""
    state: RiskState | None = None
    out = []
    for minutes, text in messages:
        a = engine.assess(text, now=T0 + timedelta(minutes=minutes), state=state)
        state = a.state
        out.append(a)
    return out


# ------------------------------------------------------------------ evasion forms

@pytest.mark.parametrize("text", [
    "我想自殺", "不想活了", "我想ｚｉｓｈａ", "我想自　杀", "我想自 杀", "我想自\u200b杀", "我想自-杀",
    "不😭想😭活", "想 死 了 真 的", "wo xiang zi sha", "wo xiang si", "我想zi sha好久了",
    "我想紫砂", "今晚就tiao lou", "每天都在想zs的事", "好想s", "想💀 是真的", "想🔪自己",
    "I want to die", "Iwanttodie", "I WANT TO DIE", "i w a n t to die", "gonna k1ll mys3lf",
    "k i l l  myself", "i'm gonna unalive myself", "ｋｉｌｌ ｍｙｓｅｌｆ", "kіll myself",
    "i'm going to kill myselllf", "my plan is to commit sewer slide",
])
def test_evasion_forms_are_caught(text: str) -> None:
    a = ENGINE.assess(text, now=T0)
    assert a.verdict is not N, a
    assert a.verdict is C or "sewer" in text, a


@pytest.mark.parametrize(("text", "verdict"), [
    ("$u!c!d3", R), ("s.u.i.c.i.d.e", R), ("ｓｕｉｃｉｄｅ", R), ("suiiiicide", R), ("sewerslide", R),
    ("ctb", R), ("kms lol", R), ("自.杀", R), ("这两个方案很相似", N), ("一个晚上", N),
    ("紫砂壶", N), ("我想sleep", N), ("我想4点走", N),
])
def test_abbreviations_and_pinyin_collisions(text: str, verdict: Verdict) -> None:
    assert ENGINE.assess(text, now=T0).verdict is verdict


def test_spans_point_at_the_senders_characters() -> None:
    text = "老师好，我想自\u200b殺，真的"
    a = ENGINE.assess(text, now=T0)
    m = a.match
    assert m is not None and (m.start, m.end) == (5, 9) and m.matched_text == "想自\u200b殺"
    assert a.why == "explicit intent: 想自\u200b殺"


# ------------------------------------------------------------------ the conversation

def test_a_weak_signal_then_a_preparation_is_a_crisis() -> None:
    first, second = chat((0, "最近好累，什么都没意思"), (12, "药我已经攒够了"))
    assert first.verdict is N and first.state is not None and first.state.level == 1
    assert second.verdict is C
    assert second.why == ("follow-up: hoarding means '药我已经攒够了' after exhaustion "
                          "12 min earlier")


def test_a_preparation_without_earlier_distress_is_review_on_its_own() -> None:
    assert ENGINE.assess("药我已经攒够了", now=T0).verdict is R
    assert ENGINE.assess("i've made up my mind, tonight", now=T0).verdict is R


def test_a_cue_counts_only_after_distress_and_only_as_a_short_answer() -> None:
    assert ENGINE.assess("今晚就去", now=T0).verdict is N
    assert chat((0, "我觉得我撑不下去了"), (3, "今晚就去"))[1].verdict is C
    # the same words inside an ordinary message do not escalate
    assert chat((0, "我觉得我撑不下去了"), (3, "今晚就去图书馆复习，明天还要考试呢"))[1].verdict is N
    assert chat((0, "i'm so tired of everything"), (2, "yeah. i've decided"))[1].verdict is C


def test_review_after_review_is_a_crisis() -> None:
    first, second = chat((0, "活着没意思"), (5, "好想消失"))
    assert first.verdict is R and first.state is not None and first.state.level == 2
    assert second.verdict is C and second.why.startswith("repeated distress: ")


def test_a_crisis_message_then_an_ordinary_one_is_none() -> None:
    first, second, third = chat((0, "我想死"), (1, "宿舍热水又坏了"), (2, "什么时候能修好"))
    assert first.verdict is C
    assert second.verdict is N and third.verdict is N
    assert third.state is not None and third.state.level == 2  # still remembered


def test_an_intent_split_over_two_messages_is_found() -> None:
    first, second = chat((0, "我真的好想"), (1, "死"))
    assert first.verdict is N
    assert second.verdict is C and second.why.startswith("explicit intent across messages")
    assert second.match is not None and (second.match.start, second.match.end) == (-1, -1)
    en = chat((0, "honestly i just want to"), (1, "die"))[1]
    assert en.verdict is C


def test_the_window_expires() -> None:
    # a split outside the context window is two unrelated messages
    assert chat((0, "我真的好想"), (31, "死"))[1].verdict is N
    # the risk level drops after risk_hours
    late = chat((0, "好绝望"), (24 * 60 + 1, "药我已经攒够了"))[1]
    assert late.verdict is R
    inside = chat((0, "好绝望"), (23 * 60, "药我已经攒够了"))[1]
    assert inside.verdict is C and "an earlier risk signal (level 1" in inside.why


def test_the_state_remembers_at_most_three_recent_messages_cut_to_500() -> None:
    long = "宿舍" * 400
    *_, last = chat((0, "一"), (1, "二"), (2, "三"), (3, long))
    assert last.state is not None
    assert [t for _, t in last.state.recent] == ["二", "三", long[:MAX_TEXT]]
    assert last.state.level == 0 and last.state.until == T0 + timedelta(minutes=33)
    assert ENGINE.assess("   ", now=T0).state is None


def test_a_message_without_text_keeps_the_state() -> None:
    first = ENGINE.assess("好绝望", now=T0)
    assert ENGINE.assess("", now=T0 + timedelta(minutes=1), state=first.state).state == first.state
    assert ENGINE.assess("", now=T0 + timedelta(days=2), state=first.state).state is None


def test_a_signal_keeps_the_level_for_risk_hours_and_a_calm_message_keeps_it() -> None:
    first, second = chat((0, "好累"), (60, "今天食堂不错"))
    assert first.state is not None and first.state.until == T0 + timedelta(hours=24)
    assert second.state is not None and (second.state.level, second.state.until) == (
        1, T0 + timedelta(hours=24))


def test_configured_windows() -> None:
    engine = assessor(context_minutes=5, risk_hours=1)
    assert chat((0, "我真的好想"), (6, "死"), engine=engine)[1].verdict is N
    assert chat((0, "好绝望"), (61, "药我已经攒够了"), engine=engine)[1].verdict is R


def test_topic_context_does_not_escalate() -> None:
    first, second = chat((0, "心理课讲了自杀预防"), (10, "今晚的讲座几点开始"))
    assert first.verdict is R and first.state is not None and first.state.level == 1
    assert second.verdict is N


def test_saying_one_is_serious_makes_review_wording_a_crisis() -> None:
    assert ENGINE.assess("好想消失", now=T0).verdict is R
    assert ENGINE.assess("好想消失，不是开玩笑", now=T0).verdict is C
    assert ENGINE.assess("i want to disappear. not a joke", now=T0).verdict is C


# ------------------------------------------------------------------ RiskState JSON

def test_risk_state_round_trips_through_json() -> None:
    state = RiskState(2, T0 + timedelta(hours=24), (("2026-03-01T12:00:00+00:00", "好累"),))
    assert RiskState.from_json(state.to_json()) == state
    a = ENGINE.assess("好绝望", now=T0)
    assert a.state is not None and RiskState.from_json(a.state.to_json()) == a.state


@pytest.mark.parametrize("garbage", [
    None, 3, "x", [], {}, {"level": 1}, {"level": "1", "until": "2026-03-01T12:00:00+00:00"},
    {"level": True, "until": "2026-03-01T12:00:00+00:00"},
    {"level": 7, "until": "2026-03-01T12:00:00+00:00"},
    {"level": 1, "until": "tomorrow"}, {"level": 1, "until": 12},
    {"level": 1, "until": "2026-03-01T12:00:00+00:00", "recent": "x"},
    {"level": 1, "until": "2026-03-01T12:00:00+00:00", "recent": [["x"]]},
    {"level": 1, "until": "2026-03-01T12:00:00+00:00", "recent": [["noon", "hi"]]},
    {"level": 1, "until": "2026-03-01T12:00:00+00:00", "recent": [[1, "hi"]]},
    {"level": 1, "until": "2026-03-01T12:00:00+00:00", "recent": [["2026-03-01T12:00:00", 5]]},
    {"level": 1, "until": "2026-03-01T12:00:00+00:00", "recent": [["2026-03-01T12:00", "a"]] * 4},
])
def test_malformed_state_json_is_none(garbage: object) -> None:
    assert RiskState.from_json(garbage) is None


def test_a_state_from_another_time_zone_is_read_as_utc() -> None:
    obj = {"level": 1, "until": "2026-03-01T20:00:00+08:00",
           "recent": [["2026-03-01T19:59:00+08:00", "好累"]]}
    state = RiskState.from_json(obj)
    assert state is not None and state.until == T0
    assert state.recent == (("2026-03-01T11:59:00+00:00", "好累"),)


# ------------------------------------------------------------------ the classifier stage

def test_the_classifier_puts_what_the_lexicon_let_pass_into_review() -> None:
    fake = FakeClassifier({"说不清楚，反正就是那种感觉": 0.87})
    engine = CrisisAssessor(folding=BasicFolding(), classifier=fake)
    a = engine.assess("说不清楚，反正就是那种感觉", now=T0)
    assert a.verdict is R and a.why == "classifier score 0.87"
    assert [f.family for f in a.findings] == ["classifier"]
    assert a.match is not None and a.match.term == "classifier"
    assert a.state is not None and a.state.level == 1
    assert engine.assess("宿舍热水坏了", now=T0).verdict is N


def test_the_classifier_never_lowers_nor_makes_a_crisis() -> None:
    fake = FakeClassifier({"我想死": 0.0, "好想消失": 0.99})
    engine = CrisisAssessor(folding=BasicFolding(), classifier=fake)
    assert engine.assess("我想死", now=T0).verdict is C
    a = engine.assess("好想消失", now=T0)
    assert a.verdict is R and a.why.startswith("wanting to disappear")
    assert fake.asked == []  # only asked when the lexicon says none


def test_the_threshold_is_the_classifiers() -> None:
    fake = FakeClassifier({"我明天上午来看看": 0.49, "我明天下午来看看": 0.5},
                          review_threshold=0.5)
    engine = CrisisAssessor(folding=BasicFolding(), classifier=fake)
    assert engine.assess("我明天上午来看看", now=T0).verdict is N
    assert engine.assess("我明天下午来看看", now=T0).verdict is R  # at the threshold
    assert fake.asked == ["我明天上午来看看", "我明天下午来看看"]


def test_the_classifier_judges_only_messages_of_six_letters_or_more() -> None:
    short = {"不归我管": 1.0, "ok bye": 1.0, "不归我管啊啊": 1.0, "不 归 我 管 !!": 1.0}
    fake = FakeClassifier(short)
    engine = CrisisAssessor(folding=BasicFolding(), classifier=fake)
    assert [engine.assess(t, now=T0).verdict for t in short] == [N, N, R, N]
    assert fake.asked == ["不归我管啊啊"]  # 4, 5 and 4 letters or digits were never asked


# ------------------------------------------------------------------ deployment terms, exceptions

def test_deployment_terms_add_clear_intent() -> None:
    engine = assessor(extra_terms_zh=["蓝鲸游戏"], extra_terms_en=["blue whale"])
    assert engine.assess("我在玩蓝鲸游戏", now=T0).verdict is C
    a = engine.assess("doing the Blue-Whale thing", now=T0)
    assert a.verdict is C and a.match is not None and a.match.term == "blue whale"
    assert a.match.language == "en" and a.match.matched_text == "Blue-Whale"
    assert engine.assess("我想死", now=T0).verdict is C  # the lexicon stays
    assert ENGINE.assess("我在玩蓝鲸游戏", now=T0).verdict is N


def test_deployment_terms_with_pattern_characters_are_literal() -> None:
    engine = assessor(extra_terms_en=["(x)|y?"])
    assert engine.assess("what (x)|y? means", now=T0).verdict is C
    assert engine.assess("x", now=T0).verdict is N


def test_exceptions_suppress_only_what_they_cover() -> None:
    engine = assessor(exceptions=["自杀论"])
    assert engine.assess("《自杀论》读书报告什么时候交", now=T0).verdict is N
    assert engine.assess("《自杀论》读完了，我也想自杀", now=T0).verdict is C
    assert assessor(exceptions=["杀论"]).assess("《自杀论》", now=T0).verdict is R
    assert assessor(exceptions=["自殺論"]).assess("《自杀论》", now=T0).verdict is N


@pytest.mark.parametrize(("kw", "error"), [
    ({"extra_terms_zh": ["---"]}, ValueError), ({"extra_terms_en": ["  "]}, ValueError),
    ({"exceptions": ["\u200b"]}, ValueError), ({"extra_terms_zh": "自杀"}, TypeError),
    ({"exceptions": "自杀论"}, TypeError),
])
def test_bad_terms_are_refused(kw: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        assessor(**kw)


def test_odd_input_is_safe() -> None:
    for text in ["", " ", "\u200b", "!!!", "\x00", "\ud800", "💀", "|_|", "…" * 50]:
        a = ENGINE.assess(text, now=T0)
        assert a.verdict is N, (text, a)
    naive = ENGINE.assess("我想死", now=datetime(2026, 3, 1, 12))  # naive: taken as UTC
    assert naive.verdict is C and naive.state is not None
    assert naive.state.until == T0 + timedelta(hours=24)
