"""The web chat's group commit (bot/web/writer.py) on a real database."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.web.writer import InboxWriter
from core.clock import FixedClock
from storage.inbox import NewUpdate
from storage.tables import InboxRow

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)


class CountingSessions:
    """The session factory, counting the sessions (transactions) opened through it."""

    def __init__(self, sf) -> None:  # noqa: ANN001
        self.sf, self.opened = sf, 0

    def __call__(self):  # noqa: ANN204
        self.opened += 1
        return self.sf()


def _msg(person: int, client: str) -> NewUpdate:
    return NewUpdate(update_id=f"{person}:{client}", chat_key=f"web:web:{person}",
                     payload={"person_id": person, "client_id": client, "kind": "text",
                              "text": "/help"})


async def test_messages_that_arrive_together_share_one_transaction(sf) -> None:  # noqa: ANN001
    counting = CountingSessions(sf)
    woken = []
    writer = InboxWriter(counting, FixedClock(NOW), "web", "web",
                         on_stored=lambda: woken.append(1))
    # 100 requests at once, one of them sent twice (a client's retry).
    got = await asyncio.gather(*(writer.store(_msg(p, "m1")) for p in range(100)),
                               writer.store(_msg(7, "m1")))
    assert got[:100] == [True] * 100 and got[100] is False
    assert counting.opened == 1 and woken == [1]
    async with sf() as s:
        assert await s.scalar(select(func.count()).select_from(InboxRow)) == 100
    # Later, alone: its own transaction; a repeat of a stored message is a duplicate.
    assert await writer.store(_msg(1, "m2")) is True
    assert await writer.store(_msg(1, "m2")) is False
    assert counting.opened == 3


async def test_a_failed_commit_fails_each_waiting_request(sf) -> None:  # noqa: ANN001
    def broken():  # noqa: ANN202
        raise ConnectionError("database down")

    writer = InboxWriter(broken, FixedClock(NOW), "web", "web")
    results = await asyncio.gather(writer.store(_msg(1, "a")), writer.store(_msg(2, "a")),
                                   return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    # The writer keeps working once the database is back.
    writer.sf = sf
    assert await writer.store(_msg(1, "a")) is True


async def test_a_request_that_gives_up_does_not_disturb_the_others(sf) -> None:  # noqa: ANN001
    writer = InboxWriter(sf, FixedClock(NOW), "web", "web")
    gone = asyncio.ensure_future(writer.store(_msg(1, "x")))
    stays = asyncio.ensure_future(writer.store(_msg(2, "x")))
    await asyncio.sleep(0)
    gone.cancel()
    assert await stays is True
    with pytest.raises(asyncio.CancelledError):
        await gone
    async with sf() as s:  # the cancelled request's message was stored all the same
        assert await s.scalar(select(func.count()).select_from(InboxRow)) == 2
