"""The second-stage crisis classifier (bot/crisis/model.py): the committed model.json scores
as scikit-learn did at training time, was trained on the committed corpus, and any problem
with the file is one clear sentence (docs/decisions/0014)."""
from __future__ import annotations

import ast
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.crisis import figures as fig
from bot.crisis.model import (DEFAULT_MODEL_PATH, CrisisModelMissing, NgramClassifier,
                              char_ngrams, char_wb_ngrams, normalise)

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT / "bot" / "crisis" / "corpus" / "train.jsonl"
ADVICE = "restore it from git or run `make crisis-model`"


@pytest.fixture(scope="module")
def model() -> NgramClassifier:
    return NgramClassifier.load(DEFAULT_MODEL_PATH)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    return doc


# ------------------------------------------------------------------ the committed model

def test_pure_python_scores_equal_scikit_learn_predict_proba(model: NgramClassifier) -> None:
    refs = model.references
    assert len(refs) >= 10
    assert {p >= model.review_threshold for _, p in refs} == {True, False}  # both sides
    for text, expected in refs:
        assert model.score(text) == pytest.approx(expected, abs=1e-9), text


def test_the_model_was_trained_on_the_committed_corpus(model: NgramClassifier) -> None:
    recorded = model.meta["training"]["train_sha256"]
    actual = hashlib.sha256(TRAIN.read_bytes()).hexdigest()
    assert recorded == actual, ("bot/crisis/corpus/train.jsonl changed since "
                                "bot/crisis/model.json was trained: run `make crisis-model` "
                                "and commit both")


def test_the_model_file_is_small_and_its_threshold_a_probability(
        model: NgramClassifier) -> None:
    assert DEFAULT_MODEL_PATH.stat().st_size <= 2_000_000
    assert 0.0 < model.review_threshold < 1.0


def test_the_scorer_imports_only_the_standard_library_and_opencc() -> None:
    tree = ast.parse((ROOT / "bot" / "crisis" / "model.py").read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert {m.split(".")[0] for m in names} - set(sys.stdlib_module_names) == {"opencc"}


def test_the_model_records_the_threshold_rule_and_meets_both_caps(
        model: NgramClassifier) -> None:
    groups = model.meta["threshold_groups"]
    assert groups["neutral"]["categories"] == ["neutral"]
    assert sorted(groups["hard"]["categories"]) == ["complaint", "help", "hyperbole", "sad",
                                                    "topic"]
    for group in groups.values():
        assert 0.0 <= group["cv_above"] <= group["cap"]
    cv = model.meta["training"]["cv"]["harmless_above_by_group"]
    assert {g: v["rate"] for g, v in cv.items()} == {g: v["cv_above"]
                                                     for g, v in groups.items()}


# ------------------------------------------------------------------ the threshold rule

def _items(label: str, category: str, scores: list[float]) -> list[tuple[fig.Item, float]]:
    return [(fig.Item(text=f"{category} {i}", label=label, category=category, lang="zh"), s)
            for i, s in enumerate(scores)]


def _threshold(rows: list[tuple[fig.Item, float]], caps: dict[str, float]) -> float:
    return fig.choose_review_threshold([it for it, _ in rows], [s for _, s in rows], caps)


CAPS = {"neutral": 0.03, "hard": 0.25}
NEUTRAL = [i / 100 for i in range(100)]  # 0.00 … 0.99
HARD = [i / 20 for i in range(20)]  # 0.00 … 0.95, split over the five hard categories
HARD_ROWS = [row for k, cat in enumerate(fig.HARMLESS_GROUPS["hard"])
             for row in _items("harmless", cat, HARD[k::5])]


def test_the_neutral_cap_sets_the_threshold_when_it_is_the_stricter() -> None:
    rows = (_items("harmless", "neutral", NEUTRAL) + HARD_ROWS
            + _items("crisis", "explicit", [0.5, 0.965, 0.99]))
    # At most 3 of 100 neutral at or above: 0.97-0.99, so 0.96 must stay under; the hard
    # cap alone (5 of 20) would keep only 0.70 under. Halfway from 0.96 to the next score
    # above it, the crisis 0.965.
    assert _threshold(rows, CAPS) == pytest.approx(0.9625)
    t = _threshold(rows, CAPS)
    assert sum(s >= t for s in NEUTRAL) == 3 and sum(s >= t for s in HARD) == 0


def test_the_hard_cap_sets_the_threshold_when_it_is_the_stricter() -> None:
    low = [s / 5 for s in NEUTRAL]
    rows = (_items("harmless", "neutral", low) + HARD_ROWS
            + _items("crisis", "indirect", [0.72, 0.9]))
    # 5 of 20 hard allowed at or above (0.75-0.95), 0.70 stays under; the next score above
    # it is a crisis one, 0.72. The neutral scores (≤ 0.198) set no limit up there.
    t = _threshold(rows, CAPS)
    assert t == pytest.approx(0.71)
    assert sum(s >= t for s in HARD) == 5 and sum(s >= t for s in low) == 0


def test_one_budget_for_all_harmless_would_flag_many_neutral_messages() -> None:
    # The old rule (20% of all harmless) on the same scores: the neutral messages, most of
    # the harmless side, are measured together with the hard ones and 20 of them pass.
    rows = _items("harmless", "neutral", NEUTRAL) + HARD_ROWS
    old = fig.choose_threshold([], [s for _, s in rows], 0.2)
    assert sum(s >= old for s in NEUTRAL) > 0.03 * len(NEUTRAL)
    assert sum(s >= _threshold(rows, CAPS) for s in NEUTRAL) <= 0.03 * len(NEUTRAL)


SCORE = st.integers(0, 999).map(lambda i: i / 1000)  # distinct scores have a midpoint


@settings(max_examples=200, deadline=None)
@given(st.lists(SCORE, max_size=60), st.lists(SCORE, max_size=30), st.lists(SCORE, max_size=30),
       st.floats(0, 0.5), st.floats(0, 0.5))
def test_the_threshold_is_the_lowest_that_meets_both_caps(
        neutral: list[float], hard: list[float], crisis: list[float], cap_n: float,
        cap_h: float) -> None:
    rows = (_items("harmless", "neutral", neutral) + _items("harmless", "sad", hard)
            + _items("crisis", "explicit", crisis))
    caps = {"neutral": cap_n, "hard": cap_h}
    t = _threshold(rows, caps)

    def meets(x: float) -> bool:
        return (sum(s >= x for s in neutral) <= cap_n * len(neutral) + 1e-9
                and sum(s >= x for s in hard) <= cap_h * len(hard) + 1e-9)

    assert meets(t)
    lower = [s for s in neutral + hard if s < t]
    if lower:  # no harmless score below the threshold could serve as one
        assert not meets(max(lower))


def test_figures_count_the_two_harmless_groups_and_refuse_an_unknown_category() -> None:
    rows = (_items("harmless", "neutral", [0.1, 0.9]) + _items("harmless", "topic", [0.8])
            + _items("harmless", "help", [0.2]) + _items("crisis", "explicit", [0.95]))
    f = fig.figures([it for it, _ in rows], [s for _, s in rows], 0.5)
    assert f.harmless_by_group == {"hard": (1, 2), "neutral": (1, 2)}
    assert f.as_json()["harmless_above_by_group"] == {"hard": {"rate": 0.5, "n": 2},
                                                      "neutral": {"rate": 0.5, "n": 2}}
    with pytest.raises(ValueError, match="'chitchat' is in no group"):
        _threshold(_items("harmless", "chitchat", [0.3]), CAPS)


# ------------------------------------------------------------------ normalisation

@pytest.mark.parametrize(("variant", "plain"), [
    ("撐不下去了，藥已經準備好了", "撑不下去了,药已经准备好了"),
    ("對不起大家，再見了。", "对不起大家,再见了。"),
    ("學校圖書館幾點開門？", "学校图书馆几点开门?"),
    ("ＩＷＡＮＴ　ＴＯ　ＤＩＥ", "iwant to die"),
    ("  I want\tto \n\n die  ", "i want to die"),
    ("我　不想\u3000\u3000活了", "我 不想 活了"),
])
def test_traditional_full_width_and_spacing_variants_score_as_the_plain_form(
        model: NgramClassifier, variant: str, plain: str) -> None:
    assert normalise(variant) == plain
    assert model.score(variant) == model.score(plain)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_scores_a_probability(model: NgramClassifier, text: str) -> None:
    assert 0.0 <= model.score(text) <= 1.0


@pytest.mark.parametrize("text", ["", "a", "ab", "我", "i am so tired", " a bb ccc dddd "])
@pytest.mark.parametrize(("lo", "hi"), [(1, 1), (1, 3), (1, 4), (2, 4), (3, 5)])
def test_ngrams_follow_scikit_learns_analyzers(text: str, lo: int, hi: int) -> None:
    # Written out from scikit-learn's _char_ngrams / _char_wb_ngrams, so the check runs
    # without it; the reference test above covers the whole chain with the real thing.
    t = " ".join(text.split())
    want = [t[i:i + n] for n in range(lo, hi + 1) for i in range(len(t) - n + 1)]
    assert sorted(char_ngrams(t, lo, hi)) == sorted(want)
    wb: list[str] = []
    for word in t.split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            wb += [w[i:i + n] for i in range(max(1, len(w) - n + 1))]
            if len(w) <= n:
                break
    assert sorted(char_wb_ngrams(t, lo, hi)) == sorted(wb)


# ------------------------------------------------------------------ a bad model file

def sentence(path: Path, problem: str) -> str:
    return f"crisis model file {path} is missing or unreadable ({problem}): {ADVICE}"


def load_error(path: Path) -> str:
    with pytest.raises(CrisisModelMissing) as caught:
        NgramClassifier.load(path)
    return str(caught.value)


def test_a_missing_file_names_the_path_and_what_to_do(tmp_path: Path) -> None:
    assert load_error(tmp_path / "model.json") == sentence(tmp_path / "model.json",
                                                           "no file at that path")
    inside = ROOT / "bot" / "crisis" / "no-such-model.json"  # shown as the operator types it
    assert load_error(inside) == sentence(Path("bot/crisis/no-such-model.json"),
                                          "no file at that path")


@pytest.mark.parametrize(("content", "problem"), [
    (b"{not json", "not valid JSON at line 1 column 2"),
    (b"", "not valid JSON at line 1 column 1"),
    (b"\xff\xfe\x00garbage", "not UTF-8 text"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"format": "something-else", "version": 1}', "not a xinqiao-crisis-ngram file"),
])
def test_a_file_that_is_not_a_model(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(content)
    assert load_error(path) == sentence(path, problem)


def test_a_file_cut_short_is_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(DEFAULT_MODEL_PATH.read_bytes()[:5000])
    assert load_error(path).startswith(f"crisis model file {path} is missing or unreadable "
                                       "(not valid JSON at line ")
    assert load_error(path).endswith(f"): {ADVICE}")


def test_a_file_of_another_format_version(tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**document, "version": 2}), encoding="utf-8")
    assert load_error(path) == sentence(path, "format version 2, this code reads version 1")


@pytest.mark.parametrize("field", ["features", "terms", "idf", "coef", "intercept",
                                   "review_threshold"])
def test_a_file_with_a_field_missing(tmp_path: Path, document: dict[str, Any],
                                     field: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({k: v for k, v in document.items() if k != field}),
                    encoding="utf-8")
    assert load_error(path) == sentence(path, f"the field {field!r} is missing")


@pytest.mark.parametrize(("change", "problem"), [
    ({"coef": [1.0]}, "terms, idf and coef are not lists of one length"),
    ({"review_threshold": 1.5}, "the review threshold is not a number between 0 and 1"),
    ({"intercept": "0"}, "the intercept is not a number"),
    ({"features": {}}, "the field 'features.analyzer' is missing"),
])
def test_a_file_with_a_bad_field(tmp_path: Path, document: dict[str, Any],
                                 change: dict[str, Any], problem: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**document, **change}), encoding="utf-8")
    assert load_error(path) == sentence(path, problem)
