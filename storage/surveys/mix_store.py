"""Mixing a survey's responses (a mixin of SqlStore; docs/decisions/0023).

A response and its person's participation row are written in the same transaction, one
after the other. SQL cannot join them (no shared key, days not times, ``WITHOUT ROWID``
on SQLite), but the storage underneath keeps the order they were written in: SQLite
places each new cell below the earlier ones in its page (and in the index's), PostgreSQL
gives both rows the transaction's ``xmin`` and appends them in ``ctid`` order. Someone
reading the database file or its system columns could pair the two tables up.

So the mix sweep rewrites the responses of every survey that has new ones: all of that
survey's responses, and the ratings of its evaluation questions (docs/decisions/0024),
deleted and inserted again in the order of their random ids. It does so a slice of ids at
a time, each slice its own short transaction (``mix_chunk``), so that the bot's other
writes never wait behind a whole survey (bench/survey_mix.py). Afterwards their places in
the pages and their ``xmin`` say nothing about when each was submitted: a slice is a range
of random ids, not a stretch of time. Responses submitted since the last mix
(``surveys.unmixed``) keep their order until the next one (``[surveys] mix_seconds``).

A slice deletes exactly the rows it read, by id: a response submitted meanwhile is neither
lost nor doubled, and counts for the next mix."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update

from storage import tables as T

_Sv = T.Survey
_RESPONSES = cast(Table, T.SurveyResponse.__table__)
_RATINGS = cast(Table, T.SurveyRating.__table__)
#: ids per DELETE ... IN (...): SQLite and asyncpg cap bind parameters
_BIND = 500


class SurveyMixMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def survey_to_mix(self, skip: Collection[int] = ()) -> tuple[int, int] | None:
        """(survey id, unmixed responses) of the next survey with unmixed responses,
        leaving out ``skip``; None when there is none."""
        due = select(_Sv.id, _Sv.unmixed).where(_Sv.unmixed > 0).order_by(_Sv.id).limit(1)
        if skip:
            due = due.where(_Sv.id.not_in(list(skip)))
        row = (await self.s.execute(due)).first()
        return (row[0], row[1]) if row else None

    async def mix_chunk(self, survey_id: int, ratings: bool, after: str,
                        size: int) -> tuple[str | None, int]:
        """Delete the survey's next ``size`` responses (or ratings) with ids above ``after``
        and insert them again in id order: (the last id, or None when this was the last
        slice; how many rows). On PostgreSQL the survey's row is locked first, so submits
        to it wait for the slice and two processes never rewrite a slice at once."""
        if self.s.bind.dialect.name == "postgresql":
            await self.s.execute(select(_Sv.id).where(_Sv.id == survey_id).with_for_update())
        table = _RATINGS if ratings else _RESPONSES
        cols = [c.name for c in table.columns]
        rows = [dict(zip(cols, r, strict=True)) for r in (await self.s.execute(
            select(*table.columns).where(table.c.survey_id == survey_id, table.c.id > after)
            .order_by(table.c.id).limit(size))).all()]
        ids = [r["id"] for r in rows]
        for start in range(0, len(ids), _BIND):  # exactly the rows read, nothing else
            await self.s.execute(delete(table).where(table.c.id.in_(ids[start:start + _BIND])))
        if rows:  # inserted in this list's order: the ids' (random) order
            await self.s.execute(insert(table), rows)
        return (ids[-1] if len(rows) == size else None), len(rows)

    async def mark_mixed(self, survey_id: int, count: int) -> None:
        """``count`` responses mixed: those submitted since stay counted for the next mix."""
        await self.s.execute(update(_Sv).where(_Sv.id == survey_id).values(
            unmixed=func.max(_Sv.unmixed - count, 0) if self.s.bind.dialect.name == "sqlite"
            else func.greatest(_Sv.unmixed - count, 0)))
