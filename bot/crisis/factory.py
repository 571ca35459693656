"""Builds the crisis assessor from ``[crisis]``: OpenCC/pypinyin folding and the classifier.

The classifier file is required: a missing or invalid one raises
``bot.crisis.model.CrisisModelMissing`` (one sentence naming the file), and the bot and
``crisis check`` refuse to start rather than run on the lexicon alone.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.crisis.folding import OpenccFolding
from core.crisis.assess import CrisisAssessor

if TYPE_CHECKING:
    from bot.config import CrisisSection

#: the repository root, against which a relative ``[crisis] model`` path is read
ROOT = Path(__file__).resolve().parents[2]


def model_path(setting: str) -> Path:
    """``[crisis] model`` as a path (relative paths are relative to the repository root)."""
    path = Path(setting)
    return path if path.is_absolute() else ROOT / path


def build_assessor(crisis: CrisisSection) -> CrisisAssessor:
    """The assessor for this deployment. Raises ``CrisisModelMissing`` without a model."""
    from bot.crisis.model import NgramClassifier  # loads nothing until asked

    classifier = NgramClassifier.load(model_path(crisis.model))
    return CrisisAssessor(
        folding=OpenccFolding(), classifier=classifier,
        extra_terms_zh=crisis.terms_zh, extra_terms_en=crisis.terms_en,
        exceptions=crisis.exceptions, context_minutes=crisis.context_minutes,
        risk_hours=crisis.risk_hours)
