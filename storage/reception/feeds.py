"""The calendar feed for the processes, each function one transaction of its own: the web
server's read of a feed by its token, and the CLI's lookup of a person by number (the
CLI issues and revokes through ``core.reception.feed`` in a ``unit_of_work``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage import tables as T
from storage.reception.feed_store import live_feed_leader
from storage.reception.materialise import SessionRow, sessions_of
from storage.uow import Sessions, read_only


async def feed_of_token(sf: Sessions, token: str, *,
                        since: datetime) -> tuple[str, list[SessionRow]] | None:
    """(the leader's roster number, their sessions ending after ``since``, cancelled ones
    included) for a live feed token; None for any other token."""
    async with read_only(sf) as uow:
        leader = await live_feed_leader(uow.session, token)
        if leader is None:
            return None
        return leader[1], await sessions_of(uow.session, leader[0], since)


async def person_by_number(sf: Sessions, number: str) -> int | None:
    """The id of the person with roster number ``number``; None if nobody has it."""
    async with read_only(sf) as uow:
        return await uow.session.scalar(select(T.Person.id).where(T.Person.number == number))
