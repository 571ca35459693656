"""``core.surveys.results.ResultCharts`` for the chats: each question with choices drawn as
a bar chart (``charts.py``) and stored as a PNG in the web chat's upload folder, named by
its content (``web/<sha256>.png``, ``bot/files.py``). A reply carries it as a photo
attachment: the web chat shows it by a signed link, Telegram uploads it from there (once;
its file_id is reused). Drawing happens in a worker thread, one chart at a time."""
from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from bot.files import write_once
from bot.surveys import charts
from core.surveys.figures import SurveyFigures
from core.surveys.model import QuestionKind
from core.types import JSONObject
from locales import Catalog


class FolderCharts:
    def __init__(self, upload_dir: Path, catalog: Catalog) -> None:
        self.upload_dir, self.catalog = upload_dir, catalog

    async def draw(self, found: SurveyFigures, locale: str, limit: int) -> list[JSONObject]:
        return await asyncio.to_thread(self._draw_all, found, locale, limit)

    def _word(self, locale: str, key: str, **params: object) -> str:
        return self.catalog.render_plain(locale, key, params)

    def _draw_all(self, found: SurveyFigures, locale: str, limit: int) -> list[JSONObject]:
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
            ref = f"web/{hashlib.sha256(png).hexdigest()}.png"
            write_once(self.upload_dir / ref, png)
            out.append({"kind": "photo", "refs": {"web": ref}, "n": n})
        return out
