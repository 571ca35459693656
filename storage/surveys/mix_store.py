"""Mixing a survey's responses (a mixin of SqlStore; docs/decisions/0023).

A response and its person's participation row are written in the same transaction, one
after the other. SQL cannot join them (no shared key, days not times, ``WITHOUT ROWID``
on SQLite), but the storage underneath keeps the order they were written in: SQLite
places each new cell below the earlier ones in its page (and in the index's), PostgreSQL
gives both rows the transaction's ``xmin`` and appends them in ``ctid`` order. Someone
reading the database file or its system columns could pair the two tables up.

So the mix sweep rewrites the responses of every survey that has new ones: all of that
survey's responses, and the ratings of its evaluation questions (docs/decisions/0024),
deleted and inserted again in the order of their random ids, in one transaction.
Afterwards their places in the pages and their ``xmin`` say nothing about when each was
submitted. Responses submitted since the last mix (``surveys.unmixed``)
keep their order until the next one (``[surveys] mix_seconds``)."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update

from storage import tables as T

_Sv = T.Survey
_RESPONSES = cast(Table, T.SurveyResponse.__table__)
_RATINGS = cast(Table, T.SurveyRating.__table__)


class SurveyMixMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def mix_next_survey(self) -> tuple[int, int] | None:
        """Rewrite the responses of one survey with unmixed ones, in id order; return
        (survey id, responses rewritten), or None when no survey needs it. A survey being
        mixed by another process is skipped (``SKIP LOCKED`` on PostgreSQL)."""
        due = select(_Sv.id).where(_Sv.unmixed > 0).order_by(_Sv.id).limit(1)
        if self.s.bind.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        survey_id = await self.s.scalar(due)
        if survey_id is None:
            return None
        rows = await self._rewrite(_RESPONSES, survey_id)
        await self._rewrite(_RATINGS, survey_id)
        await self.s.execute(update(_Sv).where(_Sv.id == survey_id).values(unmixed=0))
        return survey_id, rows

    async def _rewrite(self, table: Table, survey_id: int) -> int:
        """Delete the survey's rows of ``table`` and insert them again in id order."""
        cols = [c.name for c in table.columns]
        rows = [dict(zip(cols, r, strict=True)) for r in (await self.s.execute(
            select(*table.columns).where(table.c.survey_id == survey_id)
            .order_by(table.c.id))).all()]
        await self.s.execute(delete(table).where(table.c.survey_id == survey_id))
        if rows:  # inserted in this list's order: the ids' (random) order
            await self.s.execute(insert(table), rows)
        return len(rows)
