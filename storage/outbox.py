"""Outbox queries: what is due to send, and recording what happened to each row."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from storage.tables import ChannelIdentity, OutboxRow


@dataclass(frozen=True)
class Outgoing:
    id: int
    channel: str
    chat_id: str
    person_id: int | None
    lane: int
    reply: dict[str, Any]
    locale: str
    attempts: int


async def due_rows(sf: async_sessionmaker, now: datetime, limit: int,
                   exclude: set[int]) -> list[Outgoing]:
    """Pending rows, crisis lane first, then by age; at most ``limit``."""
    # Copy before querying: the caller's live set loses ids once their delivery is
    # recorded, which may happen while we wait here; our snapshot may predate that record
    # and still show those rows as pending, so they must stay excluded (else: re-sent).
    exclude = set(exclude)
    async with sf() as session:
        # Plain columns, not ORM objects: this runs after every send, so loading whole
        # entities (identity map, every column converted) was a hot spot.
        q = (select(OutboxRow.id, OutboxRow.channel, OutboxRow.chat_id, OutboxRow.person_id,
                    OutboxRow.lane, OutboxRow.reply, OutboxRow.locale, OutboxRow.attempts)
             .where(OutboxRow.status == "pending",
                    or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now))
             .order_by(OutboxRow.lane, OutboxRow.id).limit(limit + len(exclude)))
        rows = (await session.execute(q)).all()
    return [Outgoing(id=r.id, channel=r.channel, chat_id=r.chat_id, person_id=r.person_id,
                     lane=r.lane, reply=r.reply, locale=r.locale, attempts=r.attempts)
            for r in rows if r.id not in exclude][:limit]


async def record_sent(sf: async_sessionmaker, results: list[tuple[list[int], str | None]],
                      now: datetime) -> None:
    """Record a batch of deliveries: (row ids merged into one message, message id)."""
    if not results:
        return
    params = [{"id": i, "status": "sent", "message_id": message_id, "sent_at": now,
               "merged_into": ids[0] if len(ids) > 1 else None}
              for ids, message_id in results for i in ids]
    async with sf() as session, session.begin():
        # One executemany UPDATE ... WHERE id = ? for the whole batch, not one per message.
        await session.execute(update(OutboxRow), params)


async def backlog(sf: async_sessionmaker) -> dict[str, int]:
    async with sf() as session:
        rows = await session.execute(select(OutboxRow.status, func.count())
                                     .group_by(OutboxRow.status))
        return {s: n for s, n in rows}


async def unreachable_people(sf: async_sessionmaker) -> list[tuple[str, str, datetime]]:
    async with sf() as session:
        rows = await session.execute(select(ChannelIdentity.channel, ChannelIdentity.chat_id,
                                            ChannelIdentity.unreachable_at).where(
            ChannelIdentity.unreachable_at.is_not(None)).order_by(ChannelIdentity.unreachable_at))
        return [(c, i, t) for c, i, t in rows]
