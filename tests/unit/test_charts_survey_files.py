"""bot/surveys/chart_files.py: a survey's figures drawn into the upload folder as the
chats' photo attachments: one bar chart per question with choices, and a rating's mean
per college when two colleges or more answered; content-addressed PNGs, limited."""
from __future__ import annotations

import asyncio
import io
import warnings
from pathlib import Path

from PIL import Image

from bot.files import REF, resolve
from bot.surveys.chart_files import FolderCharts
from core.surveys.definition import parse_survey
from core.surveys.figures import figures
from core.surveys.ports import Groups, ResponseRow
from locales import Catalog
from tests.support.push import canteen_survey


def _found(anonymous: bool, per_college: int):  # noqa: ANN202
    text = canteen_survey().replace("anonymous = true", f"anonymous = {str(anonymous).lower()}")
    survey, problems = parse_survey(text, list_files=None)
    assert survey is not None and problems == []
    rows = [ResponseRow({"overall": score}, Groups(college, f"{college}-S1", "student", "2023"))
            for college, score in (("ACC", "4"), ("ECO", "2")) for _ in range(per_college)]
    return figures(survey, rows, audience=len(rows))


def _draw(tmp_path: Path, found, limit: int = 10) -> list[dict]:  # noqa: ANN001
    """Drawn with every glyph in the font: matplotlib warns of none missing."""
    charts = FolderCharts(tmp_path, Catalog.load("zh_CN"))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        drawn = asyncio.run(charts.draw(found, {"ACC": "会计学院", "ECO": "经济学院"},
                                        "zh_CN", limit))
    assert [str(w.message) for w in seen if "missing from font" in str(w.message)] == []
    return drawn


def test_a_chart_per_choice_question_and_a_rating_by_college(tmp_path: Path) -> None:
    drawn = _draw(tmp_path, _found(anonymous=False, per_college=2))
    # overall (rating) and its college breakdown, why (multiple); say (text) has none
    assert [(a["n"], a.get("by")) for a in drawn] == [(1, None), (1, "college"), (2, None)]
    for a in drawn:
        ref = a["refs"]["web"]
        assert a["kind"] == "photo" and REF.match(ref)
        path = resolve(tmp_path, ref)
        assert path is not None
        with Image.open(io.BytesIO(path.read_bytes())) as img:
            assert img.format == "PNG" and img.size[0] >= 600
    again = _draw(tmp_path, _found(anonymous=False, per_college=2))
    assert again == drawn  # content-addressed: the same figures, the same files
    assert len(list((tmp_path / "web").iterdir())) == 3


def test_an_anonymous_survey_under_the_minimum_has_no_college_chart(tmp_path: Path) -> None:
    # 2 + 2 responses: both colleges merge into 其他, one group: nothing to compare
    assert [a.get("by") for a in _draw(tmp_path, _found(anonymous=True, per_college=2))] == [
        None, None]
    # 5 + 5: both shown
    assert [a.get("by") for a in _draw(tmp_path, _found(anonymous=True, per_college=5))] == [
        None, "college", None]


def test_at_most_the_limit(tmp_path: Path) -> None:
    assert len(_draw(tmp_path, _found(anonymous=False, per_college=2), limit=2)) == 2
