"""core.surveys.results: counts per rating and option, a rating's mean, skipped and
hidden questions not counted, text answers counted (hand-computed)."""
from __future__ import annotations

from core.surveys.definition import parse_survey
from tests.integration.test_survey_answering import SURVEY
from core.surveys.results import results


def test_counts_and_means_by_hand() -> None:
    survey, problems = parse_survey(SURVEY.format(anonymous="true"))
    assert survey is not None and problems == []
    answers = [{"overall": "2", "why": ["价格", "口味"], "say": "贵"},
               {"overall": "1", "why": ["价格"]},
               {"overall": "5"},
               {"overall": "4", "say": ""}]
    overall, why, say = results(survey, answers)
    assert overall.answered == 4 and overall.mean == 3.0
    assert overall.counts == {"1": 1, "2": 1, "3": 0, "4": 1, "5": 1}
    assert why.answered == 2 and why.counts == {"价格": 2, "口味": 1, "卫生": 0, "排队": 0}
    assert why.mean is None
    assert say.answered == 1 and say.counts == {}


def test_an_empty_survey_has_zero_everywhere() -> None:
    survey, _ = parse_survey(SURVEY.format(anonymous="true"))
    assert survey is not None
    for r in results(survey, []):
        assert r.answered == 0 and r.mean is None and set(r.counts.values()) <= {0}
