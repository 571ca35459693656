"""The second-stage crisis classifier, scored in pure Python (docs/decisions/0014).

A character n-gram TF-IDF with a logistic regression, trained by ``bot/crisis/train.py``
(scikit-learn, ``make crisis-model``, never in ``make run``, ``make test`` or CI) and exported
as plain numbers to ``bot/crisis/model.json``. Scoring needs only the standard library and
``opencc`` (the traditional → simplified table the training used too); it reproduces
scikit-learn's ``predict_proba`` to rounding (the file carries reference texts with
scikit-learn's probabilities and a unit test checks them).

The file is loaded once, at start; anything wrong with it raises :class:`CrisisModelMissing`
with one sentence saying which file and what to do, so the bot never runs without it.
"""
from __future__ import annotations

import functools
import json
import math
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Callable

FORMAT = "xinqiao-crisis-ngram"
FORMAT_VERSION = 1
DEFAULT_MODEL_PATH = Path(__file__).with_name("model.json")
_ROOT = Path(__file__).resolve().parents[2]
ANALYZERS = ("char", "char_wb")
#: Names the steps of :func:`normalise`; a file trained with other steps is refused.
NORMALISATION = "nfkc+casefold+opencc-t2s+spaces"


class CrisisModelMissing(Exception):
    """The model file is missing or unreadable; ``str()`` is one sentence for the operator."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"crisis model file {_shown(self.path)} is missing or unreadable "
                         f"({problem}): restore it from git or run `make crisis-model`")


def _shown(path: Path) -> str:
    """The path as an operator would type it: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(_ROOT).as_posix()
    except ValueError:
        return str(path)


@functools.cache
def _t2s() -> Callable[[str], str]:
    import opencc  # the runtime dependency; imported once, at the first load or score

    return opencc.OpenCC("t2s").convert


def normalise(text: str) -> str:
    """The text as the classifier sees it, in training and in scoring alike: NFKC (full-width
    forms → ASCII), casefold, traditional → simplified (OpenCC ``t2s``), and every run of
    whitespace → one space, with none at either end."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_t2s()(text).split())


def char_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's ``analyzer="char"`` on already normalised text."""
    grams = list(text) if lo == 1 else []
    n_len = len(text)
    for n in range(max(lo, 2), min(hi + 1, n_len + 1)):
        grams += [text[i:i + n] for i in range(n_len - n + 1)]
    return grams


def char_wb_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's ``analyzer="char_wb"`` (n-grams inside words padded with one space)."""
    grams: list[str] = []
    for word in text.split():
        w = f" {word} "
        w_len = len(w)
        for n in range(lo, hi + 1):
            if w_len <= n:  # a short word counts once, as itself, then no longer n-grams
                grams.append(w)
                break
            grams += [w[i:i + n] for i in range(w_len - n + 1)]
    return grams


#: Sublinear term frequency 1 + ln(count) for the common small counts, as scikit-learn has it.
_TF = (0.0, *(math.log(c) + 1.0 for c in range(1, 64)))


def _expit(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class NgramClassifier:
    """P(crisis) of one message; see the module docstring."""

    def __init__(self, *, analyzer: str, ngram_range: tuple[int, int],
                 weights: dict[str, tuple[float, float]], intercept: float,
                 review_threshold: float, meta: dict[str, Any] | None = None) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self._weights = weights  # term → (idf, coefficient)
        self.intercept = intercept
        self.review_threshold = review_threshold
        self.meta: dict[str, Any] = meta or {}
        self._grams = char_wb_ngrams if analyzer == "char_wb" else char_ngrams

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL_PATH) -> NgramClassifier:
        """Read a model file; raises :class:`CrisisModelMissing` for any problem with it."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise CrisisModelMissing(path, "no file at that path") from None
        except OSError as e:
            raise CrisisModelMissing(path, f"cannot read it: {e.strerror or e}") from None
        try:
            doc = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise CrisisModelMissing(path, "not UTF-8 text") from None
        except json.JSONDecodeError as e:
            raise CrisisModelMissing(
                path, f"not valid JSON at line {e.lineno} column {e.colno}") from None
        except (ValueError, RecursionError):  # e.g. absurdly nested
            raise CrisisModelMissing(path, "not valid JSON") from None
        try:
            return cls._from_document(doc)
        except _Invalid as e:
            raise CrisisModelMissing(path, str(e)) from None

    @classmethod
    def _from_document(cls, doc: object) -> NgramClassifier:
        if not isinstance(doc, dict):
            raise _Invalid("not a JSON object")
        if doc.get("format") != FORMAT:
            raise _Invalid(f"not a {FORMAT} file")
        if doc.get("version") != FORMAT_VERSION:
            raise _Invalid(f"format version {doc.get('version')!r}, this code reads "
                           f"version {FORMAT_VERSION}")
        for name in ("features", "terms", "idf", "coef", "intercept", "review_threshold"):
            if name not in doc:
                raise _Invalid(f"the field {name!r} is missing")
        feats = doc["features"]
        if not isinstance(feats, dict):
            raise _Invalid("the field 'features' is not an object")
        for name in ("analyzer", "ngram_range", "sublinear_tf", "smooth_idf", "norm",
                     "normalisation"):
            if name not in feats:
                raise _Invalid(f"the field 'features.{name}' is missing")
        analyzer, rng = feats["analyzer"], feats["ngram_range"]
        if analyzer not in ANALYZERS:
            raise _Invalid(f"unknown analyzer {analyzer!r}")
        if not (isinstance(rng, list) and len(rng) == 2 and all(type(n) is int for n in rng)
                and 1 <= rng[0] <= rng[1]):
            raise _Invalid(f"bad ngram_range {rng!r}")
        if (feats["sublinear_tf"], feats["smooth_idf"], feats["norm"],
                feats["normalisation"]) != (True, True, "l2", NORMALISATION):
            raise _Invalid("feature settings this code does not implement")
        terms, idf, coef = doc["terms"], doc["idf"], doc["coef"]
        if not (isinstance(terms, list) and isinstance(idf, list) and isinstance(coef, list)
                and len(terms) == len(idf) == len(coef) and terms):
            raise _Invalid("terms, idf and coef are not lists of one length")
        if not all(isinstance(t, str) for t in terms) or len(set(terms)) != len(terms):
            raise _Invalid("terms are not distinct strings")
        if not all(_is_number(x) for x in idf) or not all(_is_number(x) for x in coef):
            raise _Invalid("idf or coef holds something other than numbers")
        intercept, threshold = doc["intercept"], doc["review_threshold"]
        if not _is_number(intercept):
            raise _Invalid("the intercept is not a number")
        if not (_is_number(threshold) and 0.0 <= threshold <= 1.0):
            raise _Invalid("the review threshold is not a number between 0 and 1")
        meta = {k: v for k, v in doc.items() if k not in ("terms", "idf", "coef")}
        return cls(analyzer=analyzer, ngram_range=(rng[0], rng[1]),
                   weights={t: (float(i), float(c)) for t, i, c in zip(terms, idf, coef)},
                   intercept=float(intercept), review_threshold=float(threshold), meta=meta)

    def score(self, text: str) -> float:
        """P(crisis) in [0, 1] of the raw message (normalised here, as in training)."""
        lo, hi = self.ngram_range
        weights = self._weights
        dot = squares = 0.0
        grams = Counter([g for g in self._grams(normalise(text), lo, hi) if g in weights])
        for gram, count in grams.items():
            idf, coef = weights[gram]
            value = (_TF[count] if count < len(_TF) else math.log(count) + 1.0) * idf
            squares += value * value
            dot += value * coef
        return _expit(self.intercept + (dot / math.sqrt(squares) if squares else 0.0))

    def needs_review(self, text: str) -> bool:
        return self.score(text) >= self.review_threshold

    @property
    def references(self) -> list[tuple[str, float]]:
        """(text, scikit-learn's P(crisis) at training time) pairs stored in the file."""
        return [(r["text"], r["p_crisis"]) for r in self.meta.get("reference", [])]


class _Invalid(Exception):
    pass


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
