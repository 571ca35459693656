"""``core.surveys.results.ResultCharts`` for the chats: each question with choices drawn as
a bar chart (``charts.py``) and stored as a PNG in the web chat's upload folder, named by
its content (``web/<sha256>.png``, ``bot/files.py``); a rating answered in two colleges or
more also as its mean per college (merged groups as 其他, as the figures have them). A reply carries it as a photo
attachment: the web chat shows it by a signed link, Telegram uploads it from there (once;
its file_id is reused). Drawing happens in a worker thread, one chart at a time."""
from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from bot.files import write_once
from bot.surveys import charts
from core.surveys.figures import NONE, OTHER, SurveyFigures
from core.surveys.model import QuestionKind
from core.types import JSONObject
from locales import Catalog


class FolderCharts:
    def __init__(self, upload_dir: Path, catalog: Catalog) -> None:
        self.upload_dir, self.catalog = upload_dir, catalog

    async def draw(self, found: SurveyFigures, units: dict[str, str], locale: str,
                   limit: int) -> list[JSONObject]:
        return await asyncio.to_thread(self._draw_all, found, units, locale, limit)

    def _word(self, locale: str, key: str, **params: object) -> str:
        return self.catalog.render_plain(locale, key, params)

    def _group(self, locale: str, label: str, units: dict[str, str]) -> str:
        if label == OTHER:
            return self._word(locale, "survey_results.other")
        if label == NONE:
            return self._word(locale, "survey_results.none")
        return units.get(label, label)

    def _save(self, png: bytes, n: int) -> JSONObject:
        ref = f"web/{hashlib.sha256(png).hexdigest()}.png"
        write_once(self.upload_dir / ref, png)
        return {"kind": "photo", "refs": {"web": ref}, "n": n}

    def _by_college(self, found: SurveyFigures, n: int, units: dict[str, str],
                    locale: str) -> JSONObject | None:
        """A rating's mean per college, when the answers come from two groups or more."""
        q = found.questions[n - 1]
        groups = [(k, g) for k, g in q.by_college.items() if g.answered]
        if q.question.kind is not QuestionKind.RATING or len(groups) < 2:
            return None
        title = self._word(locale, "survey_results.chart_by_college_title", n=n,
                           text=q.question.text)
        png = charts.grouped_chart(
            title, [self._group(locale, k, units) for k, _ in groups],
            {self._word(locale, "survey_results.mean"): [g.mean for _, g in groups]},
            empty=self._word(locale, "survey_results.chart_empty"), limit=5)
        return {**self._save(png, n), "by": "college"}

    def _draw_all(self, found: SurveyFigures, units: dict[str, str], locale: str,
                  limit: int) -> list[JSONObject]:
        out: list[JSONObject] = []
        empty = self._word(locale, "survey_results.chart_empty")
        for n, q in enumerate(found.questions, 1):
            if not q.counts or len(out) >= limit:
                continue
            rating = q.question.kind is QuestionKind.RATING
            labels = [self._word(locale, "survey_results.rating_label", score=c) if rating
                      else c for c in q.counts]
            png = charts.bar_chart(
                f"{n}. {q.question.text}", labels, list(q.counts.values()), empty=empty,
                total=q.answered if q.question.kind is QuestionKind.MULTIPLE else None)
            out.append(self._save(png, n))
            college = self._by_college(found, n, units, locale) if len(out) < limit else None
            if college is not None:
                out.append(college)
        return out
