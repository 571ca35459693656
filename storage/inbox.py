"""The inbox: raw updates stored before they are acknowledged, handled in order per chat."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, Table, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.tables import InboxRow
from storage.uow import Sessions, UnitOfWork, read_only, unit_of_work

#: Telegram re-delivers an unconfirmed update for at most 24 h. An id seen before that is
#: not a re-delivery but a recycled id (ids restart after a week without updates).
REDELIVERY_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class NewUpdate:
    update_id: str
    chat_key: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class InboxHead:
    id: int
    chat_key: str
    next_attempt_at: datetime | None


# The stubs type ``__table__`` as a FromClause; a mapped class's is its Table.
_INBOX = cast(Table, InboxRow.__table__)


def _insert(dialect: str) -> postgresql.Insert | sqlite.Insert:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_INBOX)


async def store_updates(sf: Sessions, channel: str, bot_id: str,
                        updates: list[NewUpdate], now: datetime) -> int:
    """Store a fetched batch in one transaction; re-deliveries are ignored. Returns new rows."""
    return len(await store_new_updates(sf, channel, bot_id, updates, now))


async def store_new_updates(sf: Sessions, channel: str, bot_id: str,
                            updates: list[NewUpdate], now: datetime) -> set[str]:
    """As ``store_updates``; returns the update ids that were new (not re-deliveries)."""
    if not updates:
        return set()
    ids = [u.update_id for u in updates]
    async with unit_of_work(sf) as uow:
        session = uow.session
        hashed = {redacted_update_id(channel, bot_id, i): i for i in ids}
        handled = {hashed[h] for (h,) in (await session.execute(select(InboxRow.update_id).where(
            InboxRow.channel == channel, InboxRow.bot_id == bot_id,
            InboxRow.update_id.in_(list(hashed))))).all()}
        updates = [u for u in updates if u.update_id not in handled]  # redacted re-deliveries
        ids = [u.update_id for u in updates]
        if not updates:
            return set()
        old = (await session.execute(select(InboxRow.id, InboxRow.update_id).where(
            InboxRow.channel == channel, InboxRow.bot_id == bot_id,
            InboxRow.update_id.in_(ids), InboxRow.received_at < now - REDELIVERY_WINDOW))).all()
        for row_id, uid in old:  # move the recycled id out of the way; keep the old row
            await session.execute(update(InboxRow).where(InboxRow.id == row_id)
                                  .values(update_id=f"{uid}#{row_id}"))
        # One statement compiled once and executed for the list of rows (SQLAlchemy's
        # "insertmanyvalues"), on the Core table: a multi-VALUES insert() built per batch
        # was compiled afresh every time, every value coerced through the ORM (~10% of the
        # bot's CPU under load). RETURNING gives the rows actually inserted.
        stmt = _insert(session.bind.dialect.name).on_conflict_do_nothing(
            index_elements=["channel", "bot_id", "update_id"]).returning(_INBOX.c.update_id)
        res = await session.execute(stmt, [
            dict(channel=channel, bot_id=bot_id, update_id=u.update_id, chat_key=u.chat_key,
                 payload=u.payload, status="pending", attempts=0, received_at=now)
            for u in updates
        ])
        return {uid for (uid,) in res.all()}


async def pending_heads(sf: Sessions, limit: int) -> list[InboxHead]:
    """The oldest pending row of each chat, oldest chats first (per-chat order)."""
    async with read_only(sf) as uow:
        session = uow.session
        heads = (select(func.min(InboxRow.id).label("id")).where(InboxRow.status == "pending")
                 .group_by(InboxRow.chat_key).order_by(func.min(InboxRow.id)).limit(limit)
                 .subquery())
        rows = await session.execute(select(InboxRow.id, InboxRow.chat_key,
                                            InboxRow.next_attempt_at)
                                     .join(heads, heads.c.id == InboxRow.id)
                                     .order_by(InboxRow.id))
        return [InboxHead(i, k, n) for i, k, n in rows]


async def backlog(sf: Sessions) -> dict[str, int]:
    async with read_only(sf) as uow:
        rows = await uow.session.execute(select(InboxRow.status, func.count())
                                     .group_by(InboxRow.status))
        return {s: n for s, n in rows}


async def lock_pending(uow: UnitOfWork, ids: list[int]) -> list[InboxRow]:
    """These rows locked for this unit of work, in id order: those still pending."""
    return [r for r in (await uow.session.execute(
        select(InboxRow).where(InboxRow.id.in_(ids)).order_by(InboxRow.id)
        .with_for_update())).scalars() if r.status == "pending"]


async def lock_pending_row(uow: UnitOfWork, row_id: int) -> InboxRow | None:
    """This row locked for this unit of work; None when it is gone or no longer pending."""
    row = (await uow.session.execute(select(InboxRow).where(InboxRow.id == row_id)
                                     .with_for_update())).scalar_one_or_none()
    if row is None or row.status != "pending":
        return None
    return row


def mark_done(row: InboxRow, now: datetime, *, redact: bool = False) -> None:
    """The row is handled; written when its unit of work commits, with the row's effects.

    ``redact``: in that same commit the row stops saying whose message it was and what
    (docs/decisions/0023): the payload becomes ``REDACTED``, the error of an earlier
    attempt is dropped, the chat key becomes ``REDACTED_CHAT``, the update id its hash
    (``redacted_update_id``: a re-delivery is still recognised, ``store_new_updates``)
    and both times the day's start. A handled row orders nothing any more, so nothing
    needs its chat; kept rows of a person would otherwise count their survey steps."""
    row.status, row.handled_at = "done", now
    if redact:
        day = day_start(now)
        row.payload, row.last_error = dict(REDACTED), None
        row.chat_key = REDACTED_CHAT
        row.update_id = redacted_update_id(row.channel, row.bot_id, row.update_id)
        row.received_at = row.handled_at = day


#: what a redacted row keeps of its message: that it was one
REDACTED: dict[str, Any] = {"redacted": True}
#: the chat key of every redacted row
REDACTED_CHAT = "-"


def redacted_update_id(channel: str, bot_id: str, update_id: str) -> str:
    """A redacted row's update id: a hash that recognises a re-delivery of that update
    and does not give back the original (a web update id names its person; the page
    makes its part random, 128 bits, so the hash cannot be searched)."""
    digest = hashlib.sha256(f"{channel}:{bot_id}:{update_id}".encode()).hexdigest()
    return "r:" + digest[:40]


def day_start(at: datetime) -> datetime:
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


async def record_failure(
        uow: UnitOfWork, row_id: int, error: str, now: datetime, *, max_attempts: int,
        retry_base: float) -> Literal["dead", "retry"] | None:
    """Count a failed attempt on the row: parked as dead at ``max_attempts`` ("dead"),
    else due again in ``retry_base * 2 ** (attempts - 1)`` seconds ("retry"). None: the
    row is gone."""
    row = await uow.session.get(InboxRow, row_id)
    if row is None:
        return None
    row.attempts += 1
    row.last_error = error[:2000]
    if row.attempts >= max_attempts:
        row.status = "dead"
        return "dead"
    row.next_attempt_at = now + timedelta(seconds=retry_base * 2 ** (row.attempts - 1))
    return "retry"


async def purge_done(sf: Sessions, before: datetime) -> int:
    """Delete the rows handled before ``before``; return how many."""
    async with unit_of_work(sf) as uow:
        res = await uow.session.execute(delete(InboxRow).where(
            InboxRow.status == "done", InboxRow.handled_at < before))
        # a DELETE's result is a CursorResult (the stubs say Result)
        return cast("CursorResult[tuple[()]]", res).rowcount or 0
