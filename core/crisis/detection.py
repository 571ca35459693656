"""Crisis wording (心理危机) as a yes/no: the stateless view of ``CrisisAssessor``.

The chat flows use the assessor itself (``core/crisis/assess.py``: the chat's risk state
and two tiers, wired in handlers/crisis/flow.py). This view is for tests and tools that
only ask "is there anything here?": any finding that would be crisis *or review* is a
match, and the first such finding is the one returned.

``normalise`` (the lexicon's skeleton, written solid) and ``CrisisMatch`` stay importable
from here for the code and tests that used them.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from core.crisis.assess import CrisisAssessor
from core.crisis.findings import CrisisMatch
from core.crisis.folding import BasicFolding
from core.crisis.normalise import normalise
from core.crisis.ports import TextFolding

__all__ = ["CrisisDetector", "CrisisMatch", "LANGUAGES", "normalise"]

LANGUAGES = ("zh", "en")
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # no state is kept, so the time does not matter


class CrisisDetector:
    """Finds crisis wording; built once from config, then shared (no state per call)."""

    def __init__(self, terms_zh: Iterable[str] = (), terms_en: Iterable[str] = (),
                 exceptions: Iterable[str] = (), *, folding: TextFolding | None = None) -> None:
        """``terms_zh``/``terms_en`` add clear-intent terms to the lexicon; ``exceptions``
        are phrases known to be harmless, each suppressing only a match it covers
        completely. ``folding`` defaults to the small standard-library one (tests).

        Raises TypeError for a bare string instead of a list, ValueError for a term or
        exception without letters or digits.
        """
        self._assessor = CrisisAssessor(
            folding=folding or BasicFolding(), classifier=None, extra_terms_zh=terms_zh,
            extra_terms_en=terms_en, exceptions=exceptions)

    def detect(self, text: str) -> CrisisMatch | None:
        """The first crisis or review finding in ``text`` that no exception covers, or None.

        Any length is accepted: the work is linear in the text, so a 100 KB message is
        checked in full, not truncated.
        """
        return self._assessor.assess(text, now=_EPOCH).match if text else None
