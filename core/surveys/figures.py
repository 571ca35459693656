"""A survey's results as figures (issue 15), from plain data: the stored responses
(``ports.ResponseRow``) and the size of the audience. Pure and stdlib-only; the workbook
(``bot/surveys/workbook.py``), the plain table (``bot/surveys/progress.py``) and the
charts show them. The rules are written down in docs/surveys.md, "Results":

- A question is *answered* by a response holding a non-empty answer to it (for a rating
  or a choice: one of its scores or options). A question hidden by its skip rule, or an
  optional one left out, is not answered; ``skipped`` counts those responses.
- Shares (percentages) are over those who answered that question. A multiple choice
  counts every option chosen, so its shares can add up to more than 100%.
- A rating's mean is over those who answered it (None when nobody did); its
  distribution is its share per score 1-5.
- The response rate is responses over the audience (every person the push was for,
  reachable or not); None while the audience is 0 (not pushed).
- Breakdowns are by the respondent's college and branch codes (``NONE``: none). In an
  anonymous survey groups are merged into ``OTHER`` until every *cell* (the respondents
  sharing a college label and a branch label) holds at least ``min_group`` responses:
  first every group below the minimum, then, while a cell is still below it, the
  smallest shown group whose merging grows that cell. Every figure shown, the totals
  included, is a sum over cells, so no difference of two figures isolates fewer than
  ``min_group`` people; when everything has to merge, a breakdown is only ``OTHER`` (the
  total). A named survey shows every group as it is.
- An evaluation question (民主测评) is *answered* by a response that graded a subject;
  its grades are counted per subject, from the ratings stored apart
  (``core/surveys/evaluation_figures.py``), never here: its ``counts`` are empty, and
  the raw answers list its grades only in a named survey (``subject key=grade``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.surveys.evaluation import RATED
from core.surveys.model import RATINGS, Question, QuestionKind, Survey
from core.surveys.ports import ResponseRow
from core.types import JSON

OTHER = "*other"   # the merged small groups (其他)
NONE = "*none"     # respondents with no college (or no branch)
MIN_GROUP = 5      # [surveys] min_group's default

Pair = tuple[str, str]  # (college label, branch label)


@dataclass(frozen=True)
class GroupFigures:
    """One question's figures within one group of respondents."""

    respondents: int        # responses of the group (whether or not they answered)
    answered: int
    counts: dict[str, int]  # per score or option, in their order (empty for text)
    mean: float | None      # ratings only

    def share(self, choice: str) -> float | None:
        """The share of those who answered that gave ``choice``; None if nobody answered."""
        return self.counts.get(choice, 0) / self.answered if self.answered else None


@dataclass(frozen=True)
class QuestionFigures:
    question: Question
    answered: int
    skipped: int            # responses that did not answer (hidden or left out)
    counts: dict[str, int]  # per score or option, in their order (empty for text)
    mean: float | None      # ratings only
    by_college: dict[str, GroupFigures]  # label (a code, NONE or OTHER) -> figures
    by_branch: dict[str, GroupFigures]
    texts: tuple[str, ...] = ()          # free text answers, sorted by content

    def share(self, choice: str) -> float | None:
        return self.counts.get(choice, 0) / self.answered if self.answered else None

    @property
    def distribution(self) -> dict[str, float]:
        """A rating's share per score "1".."5" (empty for other kinds or if unanswered)."""
        if self.question.kind is not QuestionKind.RATING or not self.answered:
            return {}
        return {c: n / self.answered for c, n in self.counts.items()}


@dataclass(frozen=True)
class RawRow:
    """One response as the raw answers sheet shows it: its (merged) group labels and its
    values per question (empty: not answered); a person only in a named survey."""

    college: str
    branch: str
    values: tuple[tuple[str, ...], ...]
    number: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class SurveyFigures:
    survey: Survey
    audience: int
    responses: int
    questions: tuple[QuestionFigures, ...]
    colleges: dict[str, int]  # label -> responses, in display order
    branches: dict[str, int]
    raw: tuple[RawRow, ...]   # anonymous: sorted by content; named: by person number
    min_group: int
    merged: bool              # anonymous: groups below ``min_group`` merged into OTHER

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.audience if self.audience else None


def _given(q: Question, value: JSON | None) -> tuple[str, ...]:
    """A stored answer as its values: the known scores or options, or the text."""
    if value is None:
        return ()
    if q.kind is QuestionKind.EVALUATION:
        if isinstance(value, Mapping):  # a named response keeps its grades
            return tuple(f"{k}={v}" for k, v in sorted(value.items()) if v in q.grades)
        return (RATED,) if value == RATED else ()
    values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if q.kind is QuestionKind.TEXT:
        return tuple(v for v in values if v.strip())
    return tuple(v for v in values if v in q.choices())


def _group(q: Question, given: Iterable[tuple[str, ...]]) -> GroupFigures:
    respondents, answered, scores = 0, 0, 0
    tally: Counter[str] = Counter()
    for values in given:
        respondents += 1
        if values:
            answered += 1
            tally.update(values)
            if q.kind is QuestionKind.RATING:
                scores += int(values[0])
    counts = {c: tally[c] for c in q.choices()} if q.kind is not QuestionKind.EVALUATION \
        else {}
    mean = scores / answered if q.kind is QuestionKind.RATING and answered else None
    return GroupFigures(respondents, answered, counts, mean)


def _order(labels: Iterable[str]) -> list[str]:
    """Codes in order, then NONE, then OTHER."""
    return sorted(set(labels), key=lambda k: (k == OTHER, k == NONE, k))


def merge_groups(pairs: Counter[Pair], min_group: int) -> dict[Pair, Pair]:
    """Each (college, branch) pair's labels after merging small groups (module doc)."""
    sizes = [Counter[str](), Counter[str]()]
    for pair, n in pairs.items():
        for d in (0, 1):
            sizes[d][pair[d]] += n
    shown = [{k for k, n in sizes[d].items() if n >= min_group} for d in (0, 1)]

    def label(pair: Pair) -> Pair:
        return (pair[0] if pair[0] in shown[0] else OTHER,
                pair[1] if pair[1] in shown[1] else OTHER)

    while True:
        cells: Counter[Pair] = Counter()
        for pair, n in pairs.items():
            cells[label(pair)] += n
        small = sorted((n, cell) for cell, n in cells.items() if n < min_group)
        if not small or not (shown[0] or shown[1]):
            return {pair: label(pair) for pair in pairs}
        cell = small[0][1]
        growing = []  # shown groups whose merging moves some of their people into ``cell``
        for d in (0, 1):
            if cell[d] == OTHER:
                growing += [(sizes[d][k], d, k) for k in shown[d] if any(
                    p[d] == k and label(p)[1 - d] == cell[1 - d] for p in pairs)]
        _, d, key = min(growing or [(sizes[d][k], d, k) for d in (0, 1) for k in shown[d]])
        shown[d].discard(key)


def figures(survey: Survey, responses: Sequence[ResponseRow], *, audience: int,
            min_group: int = MIN_GROUP) -> SurveyFigures:
    pairs = [(r.groups.college or NONE, r.groups.branch or NONE) for r in responses]
    if survey.anonymous:
        merged = merge_groups(Counter(pairs), min_group)
        pairs = [merged[p] for p in pairs]
    members: list[dict[str, list[int]]] = [{}, {}]  # label -> indices of its responses
    for d in (0, 1):
        for k in _order(p[d] for p in pairs):
            members[d][k] = []
        for i, p in enumerate(pairs):
            members[d][p[d]].append(i)
    given = [[_given(q, r.answers.get(q.id)) for r in responses] for q in survey.questions]
    out = []
    for q, values in zip(survey.questions, given, strict=True):
        total = _group(q, values)
        texts = tuple(sorted(v[0] for v in values if v)) if q.kind is QuestionKind.TEXT else ()
        by = [{k: _group(q, (values[i] for i in idx)) for k, idx in members[d].items()}
              for d in (0, 1)]
        out.append(QuestionFigures(q, total.answered, len(responses) - total.answered,
                                   total.counts, total.mean, by[0], by[1], texts))
    # an anonymous response's evaluations are never shown one by one (decision 0024)
    hide = [survey.anonymous and q.kind is QuestionKind.EVALUATION for q in survey.questions]
    rows = [RawRow(p[0], p[1],
                   tuple(() if h else v[i] for v, h in zip(given, hide, strict=True)),
                   None if survey.anonymous else r.number,
                   None if survey.anonymous else r.name)
            for i, (r, p) in enumerate(zip(responses, pairs))]
    if survey.anonymous:  # by content, never in the order they were stored or submitted
        rows.sort(key=lambda r: (r.values, r.college, r.branch))
    else:
        rows.sort(key=lambda r: (r.number or "", r.name or "", r.values))
    return SurveyFigures(
        survey, audience, len(responses), tuple(out),
        {k: len(idx) for k, idx in members[0].items()},
        {k: len(idx) for k, idx in members[1].items()},
        tuple(rows), min_group, survey.anonymous)
