"""The library-backed parts of crisis detection, as ports (core stays standard-library).

The real implementations live in ``bot/crisis/``: ``folding.py`` (OpenCC and pypinyin)
and ``model.py`` (the n-gram classifier); ``core/crisis/folding.py`` has a small
standard-library folding for tests.
"""
from __future__ import annotations

from typing import Protocol


class TextFolding(Protocol):
    """Chinese text folding the lexicon needs before matching."""

    def simplified(self, text: str) -> str:
        """``text`` with traditional characters made simplified, character by character:
        the result has exactly ``len(text)`` characters, so spans map back."""
        ...

    def pinyin(self, text: str) -> list[str]:
        """One toneless lower-case syllable per character of ``text`` ("" for a character
        that is not Chinese); ``len(result) == len(text)``."""
        ...


class CrisisClassifier(Protocol):
    """The second stage: a probability that a raw message is a crisis message."""

    review_threshold: float

    def score(self, text: str) -> float:
        """Probability of crisis for the text as the sender wrote it (the classifier does
        its own normalisation)."""
        ...
