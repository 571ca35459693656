"""Leaders' calendar-feed tokens (``reception_feeds``): ``core.reception.ports.ReceptionFeedStore``
over the store's session (composed into ``storage/store.py`` ``SqlStore``), and the lookup
of a live token. The web server's and the CLI's own transactions are in
``storage/reception/feeds.py``.

A token is ``secrets.token_urlsafe(32)``; only its SHA-256 (hex) is stored, and a token is
found by that hash (an index lookup: nothing is compared character by character). A feed
is live while it is not revoked and its person is still on the roster with the
``leader`` role.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.model import Role
from storage import tables as T

_F = T.ReceptionFeed
#: what ``token_urlsafe(32)`` makes (43 characters); anything else is not looked up
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_feed(s: AsyncSession, leader_id: int, now: datetime) -> str:
    """A new token for the leader; their live ones are revoked first."""
    await revoke_feeds(s, leader_id, now)
    token = secrets.token_urlsafe(32)
    s.add(_F(leader_id=leader_id, token_hash=token_hash(token), created_at=now,
             revoked_at=None))
    await s.flush()
    return token


async def revoke_feeds(s: AsyncSession, leader_id: int, now: datetime) -> int:
    done = await s.execute(update(_F).where(_F.leader_id == leader_id, _F.revoked_at.is_(None))
                           .values(revoked_at=now).execution_options(synchronize_session=False))
    return cast("CursorResult[tuple[()]]", done).rowcount or 0


async def live_feed_leader(s: AsyncSession, token: str) -> tuple[int, str] | None:
    """(person id, roster number) of the leader whose live feed ``token`` is; None for a
    token of another shape, unknown, revoked, or of someone no longer a leader."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    found = (await s.execute(
        select(T.Person.id, T.Person.number).join(_F, _F.leader_id == T.Person.id)
        .join(T.RoleAssignment, (T.RoleAssignment.person_id == T.Person.id)
              & (T.RoleAssignment.role == Role.LEADER.value))
        .where(_F.token_hash == token_hash(token), _F.revoked_at.is_(None),
               T.Person.active.is_(True))
        .limit(1))).first()
    return None if found is None else (found.id, found.number or "")


class ReceptionFeedMixin:
    s: AsyncSession

    async def issue_reception_feed(self, leader_id: int, now: datetime) -> str:
        return await issue_feed(self.s, leader_id, now)

    async def revoke_reception_feeds(self, leader_id: int, now: datetime) -> int:
        return await revoke_feeds(self.s, leader_id, now)
