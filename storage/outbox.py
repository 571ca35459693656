"""Outbox queries: what is due to send, and recording what happened to each row.

A sealed reply's row (``core.replies.is_sealed``) is scrubbed in the transaction that
records it sent (``SCRUBBED``: no chat, channel, person, kind, message id or time finer
than the day; its chat and kind would count a person's survey steps, docs/decisions/
0023). It is kept, not deleted, so that row ids are never reused (SQLite gives a new row
the highest id plus one; the web chat's messages are named by row id). One that ends dead
or unreachable has its ``reply`` replaced by what the caller
passes as ``seal`` (``core.replies.sealed_remains``) in the transaction that records it:
never before (a retry needs the text), never later.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, func, or_, select, update

from storage.tables import ChannelIdentity, OutboxRow
from storage.uow import Sessions, UnitOfWork, read_only, unit_of_work


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


async def due_rows(sf: Sessions, now: datetime, limit: int,
                   exclude: set[int], cache: dict[int, Outgoing] | None = None,
                   channels: Collection[str] | None = None) -> list[Outgoing]:
    """Pending rows, crisis lane first, then by age; at most ``limit``.

    ``channels``: only rows for these channels (a channel that is not running, e.g.
    Telegram without a token, keeps its rows pending for when it runs again).

    ``cache``: rows the caller read before, by id. A row's channel, chat, reply and
    locale never change, so only rows not in it have their reply read (and JSON-decoded)
    again; their attempts are always read fresh. The caller drops ids from it once they
    leave the pending state. New rows are added to it.
    """
    # Copy before querying: the caller's live set loses ids once their delivery is
    # recorded, which may happen while we wait here; our snapshot may predate that record
    # and still show those rows as pending, so they must stay excluded (else: re-sent).
    exclude = set(exclude)
    cache = {} if cache is None else cache
    async with read_only(sf) as uow:
        session = uow.session
        # Light columns first, the excluded (in flight) rows left out by the database.
        q = (select(OutboxRow.id, OutboxRow.attempts)
             .where(OutboxRow.status == "pending",
                    or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now))
             .order_by(OutboxRow.lane, OutboxRow.id).limit(limit))
        if exclude:
            q = q.where(OutboxRow.id.not_in(sorted(exclude)))
        if channels is not None:
            q = q.where(OutboxRow.channel.in_(sorted(channels)))
        heads = (await session.execute(q)).all()
        missing = [i for i, _ in heads if i not in cache]
        for part in range(0, len(missing), 500):
            # Plain columns, not ORM objects: this runs after every send.
            rows = await session.execute(
                select(OutboxRow.id, OutboxRow.channel, OutboxRow.chat_id,
                       OutboxRow.person_id, OutboxRow.lane, OutboxRow.reply,
                       OutboxRow.locale, OutboxRow.attempts)
                .where(OutboxRow.id.in_(missing[part:part + 500])))
            for r in rows:
                cache[r.id] = Outgoing(id=r.id, channel=r.channel, chat_id=r.chat_id,
                                       person_id=r.person_id, lane=r.lane, reply=r.reply,
                                       locale=r.locale, attempts=r.attempts)
    out = []
    for i, attempts in heads:
        row = cache.get(i)
        if row is None or i in exclude:  # gone between the two reads
            continue
        out.append(row if row.attempts == attempts else replace(row, attempts=attempts))
    return out


async def record_sent(sf: Sessions, results: list[tuple[list[int], str | None]],
                      now: datetime, seal: Mapping[int, dict[str, Any]] | None = None) -> None:
    """Record a batch of deliveries: (row ids merged into one message, message id).

    ``seal``: the sealed rows among them (by id; their remains are not needed here): these
    rows are scrubbed (``SCRUBBED``), not kept as sent."""
    if not results:
        return
    gone = set(seal or {})
    params = [{"row_id": i, "status": "sent", "message_id": message_id, "sent_at": now,
               "merged_into": ids[0] if len(ids) > 1 else None}
              for ids, message_id in results for i in ids if i not in gone]
    async with unit_of_work(sf) as uow:
        # One executemany UPDATE ... WHERE id = ? for the whole batch, not one per message;
        # on the Core table, as ORM bulk UPDATE re-processes every value of every row.
        if params:
            await uow.session.execute(_RECORD_SENT, params)
        if gone:
            day = now.replace(hour=0, minute=0, second=0, microsecond=0)
            await uow.session.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(sorted(gone)))
                                      .values(**SCRUBBED, created_at=day, sent_at=day))


async def seal_rows(uow: UnitOfWork, remains: Mapping[int, dict[str, Any]]) -> None:
    """Replace these rows' ``reply`` with what each keeps (a sealed reply's remains)."""
    if remains:
        await uow.session.execute(_SEAL, [{"row_id": i, "reply": r}
                                          for i, r in sorted(remains.items())])


#: what a sealed row keeps once sent: that a message was sent that day
SCRUBBED: dict[str, Any] = {
    "channel": "-", "chat_id": "-", "person_id": None, "lane": 0, "reply": {"sealed": True},
    "locale": "-", "status": "sent", "attempts": 0, "next_attempt_at": None,
    "last_error": None, "message_id": None, "merged_into": None}


# The stubs type ``__table__`` as a FromClause; a mapped class's is its Table.
_OUTBOX = cast(Table, OutboxRow.__table__)
_RECORD_SENT = (update(_OUTBOX).where(_OUTBOX.c.id == bindparam("row_id"))
                .values({c: bindparam(c, type_=_OUTBOX.c[c].type)
                         for c in ("status", "message_id", "sent_at", "merged_into")}))
_SEAL = (update(_OUTBOX).where(_OUTBOX.c.id == bindparam("row_id"))
         .values(reply=bindparam("reply", type_=_OUTBOX.c.reply.type)))


async def backlog(sf: Sessions) -> dict[str, int]:
    async with read_only(sf) as uow:
        rows = await uow.session.execute(select(OutboxRow.status, func.count())
                                     .group_by(OutboxRow.status))
        return {s: n for s, n in rows}


async def unreachable_people(sf: Sessions) -> list[tuple[str, str, datetime]]:
    async with read_only(sf) as uow:
        rows = await uow.session.execute(select(ChannelIdentity.channel, ChannelIdentity.chat_id,
                                            ChannelIdentity.unreachable_at).where(
            ChannelIdentity.unreachable_at.is_not(None)).order_by(ChannelIdentity.unreachable_at))
        return [(c, i, t) for c, i, t in rows]


async def mark_sending(sf: Sessions, ids: list[int]) -> None:
    """Bulk rows about to be sent: a crash before they are recorded leaves them
    "sending", which the next start turns into "ambiguous" (``settle_in_flight``)."""
    async with unit_of_work(sf) as uow:
        await uow.session.execute(update(OutboxRow).where(
            OutboxRow.id.in_(ids), OutboxRow.status == "pending").values(status="sending"))


async def settle_in_flight(sf: Sessions) -> int:
    """At the sender's start: rows still "sending" were in flight at a crash. They may or
    may not have arrived; a bulk send is at most once, so they are not sent again."""
    async with unit_of_work(sf) as uow:
        done = await uow.session.execute(update(OutboxRow).where(
            OutboxRow.status == "sending").values(status="ambiguous"))
    return cast("CursorResult[tuple[()]]", done).rowcount or 0


async def retry_later(sf: Sessions, ids: list[int], *, at: datetime, error: str,
                      count_attempt: bool) -> None:
    """These rows wait until ``at`` (pending again if they were "sending");
    ``count_attempt``: the failure uses up an attempt."""
    async with unit_of_work(sf) as uow:
        values: dict[str, Any] = {"next_attempt_at": at, "last_error": error[:2000],
                                  "status": "pending"}
        if count_attempt:
            values["attempts"] = OutboxRow.attempts + 1
        await uow.session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids))
                                  .values(**values))


async def mark_unreachable(uow: UnitOfWork, ids: list[int], error: str,
                           seal: Mapping[int, dict[str, Any]] | None = None) -> None:
    """These rows cannot reach their chat (the person blocked the bot, or left).
    ``seal``: as in ``record_sent``."""
    await uow.session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(
        status="unreachable", last_error=error[:2000]))
    await seal_rows(uow, seal or {})


async def mark_dead(uow: UnitOfWork, ids: list[int], error: str,
                    seal: Mapping[int, dict[str, Any]] | None = None) -> None:
    """These rows are given up on; the attempt that failed is counted. ``seal``: as in
    ``record_sent``."""
    await uow.session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(
        status="dead", last_error=error[:2000], attempts=OutboxRow.attempts + 1))
    await seal_rows(uow, seal or {})
