"""The mix sweep (every ``[surveys] mix_seconds``): rewrite the responses of each survey
that has new ones in the order of their random ids, so neither the database file nor
PostgreSQL's system columns keep the order they were submitted in
(storage/surveys/mix_store.py, docs/decisions/0023). On SQLite the write-ahead log, which
holds the pages as they were, is then checkpointed and truncated."""
from __future__ import annotations

import logging


from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)

#: at most this many surveys are mixed per run
PER_RUN = 20
#: rows per slice, each slice its own transaction (bench/survey_mix.py: a few tens of
#: milliseconds on SQLite, the longest the bot's other writes wait)
CHUNK = 1000


async def mix_sweep(sf: Sessions, chunk: int = CHUNK) -> int:
    """Mix every survey with unmixed responses; return how many surveys were mixed."""
    mixed: list[int] = []
    for _ in range(PER_RUN):
        async with unit_of_work(sf) as uow:
            due = await uow.store.survey_to_mix(mixed)
        if due is None:
            break
        survey_id, unmixed = due
        rewritten = 0
        for ratings in (False, True):
            after: str | None = ""
            while after is not None:
                async with unit_of_work(sf) as uow:
                    after, rows = await uow.store.mix_chunk(survey_id, ratings, after, chunk)
                rewritten += 0 if ratings else rows
        async with unit_of_work(sf) as uow:
            await uow.store.mark_mixed(survey_id, unmixed)
        mixed.append(survey_id)
        log.info("survey %d: %d responses rewritten in key order", survey_id, rewritten)
    if mixed:
        async with sf() as session:
            conn = await session.connection()
            if conn.dialect.name == "sqlite":  # best effort: a reader may hold old pages
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(mixed)
