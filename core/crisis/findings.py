"""What the crisis lexicon found in a text: the verdict tiers and one finding each.

Kept apart from ``assess.py`` so that the lexicon matcher and the old ``detection.py``
interface can use them without importing the assessor.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    """How sure the engine is that a message needs the crisis team.

    ``CRISIS`` is clear intent: the P0 path (page now). ``REVIEW`` is possible distress:
    a caring reply and an item the crisis team reviews within ``[crisis] review_hours``.
    ``NONE`` needs nothing (weak signals are findings of tier ``NONE``: they only raise
    the chat's risk state).
    """

    NONE = "none"
    REVIEW = "review"
    CRISIS = "crisis"


#: Verdicts in order of weight, for max()
RANK = {Verdict.NONE: 0, Verdict.REVIEW: 1, Verdict.CRISIS: 2}


@dataclass(frozen=True)
class CrisisMatch:
    """Where crisis wording was found (what a crisis case records)."""

    term: str  # the lexicon rule (or configured term) that matched
    language: str  # "zh" or "en"
    start: int  # span in the original text, as the sender wrote it (-1: earlier messages)
    end: int
    matched_text: str  # text[start:end]


@dataclass(frozen=True)
class Finding:
    """One lexicon rule that matched.

    ``start``/``end`` are the span in the current message, or -1/-1 when the evidence
    lies (partly) in earlier messages of the conversation; ``matched_text`` is then the
    matching stretch of the joined messages.
    """

    family: str
    tier: Verdict
    term: str
    language: str
    start: int
    end: int
    matched_text: str

    def as_match(self) -> CrisisMatch:
        return CrisisMatch(self.term, self.language, self.start, self.end, self.matched_text)
