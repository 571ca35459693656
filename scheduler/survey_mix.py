"""The mix sweep (every ``[surveys] mix_seconds``): rewrite the responses of each survey
that has new ones in the order of their random ids, so neither the database file nor
PostgreSQL's system columns keep the order they were submitted in
(storage/surveys/mix_store.py, docs/decisions/0023). On SQLite the write-ahead log, which
holds the pages as they were, is then checkpointed and truncated."""
from __future__ import annotations

import logging


from storage.uow import Sessions, unit_of_work

log = logging.getLogger(__name__)

#: at most this many surveys are mixed per run (each in its own transaction)
PER_RUN = 20


async def mix_sweep(sf: Sessions) -> int:
    """Mix every survey with unmixed responses; return how many surveys were mixed."""
    mixed = 0
    for _ in range(PER_RUN):
        async with unit_of_work(sf) as uow:
            done = await uow.store.mix_next_survey()
        if done is None:
            break
        mixed += 1
        log.info("survey %d: %d responses rewritten in key order", *done)
    if mixed:
        async with sf() as session:
            conn = await session.connection()
            if conn.dialect.name == "sqlite":  # best effort: a reader may hold old pages
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return mixed
