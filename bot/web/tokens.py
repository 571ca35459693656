"""Web chat tokens, kept as channel identities: only the sha256 of a token is stored."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.web import CHANNEL, chat_id_of
from storage.tables import ChannelIdentity, Person


class UnknownPerson(Exception):
    """No active person has that number."""


@dataclass(frozen=True)
class WebUser:
    person_id: int
    identity: str  # the token's hash: the identity's external id
    display_name: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(sf: async_sessionmaker, person_number: str, now: datetime) -> str:
    """A new token for the person; earlier tokens of theirs keep working (no revocation yet)."""
    token = secrets.token_urlsafe(32)
    async with sf() as session, session.begin():
        person = (await session.execute(select(Person).where(
            Person.number == person_number, Person.active.is_(True)))).scalar_one_or_none()
        if person is None:
            raise UnknownPerson(person_number)
        session.add(ChannelIdentity(channel=CHANNEL, external_id=token_hash(token),
                                    chat_id=chat_id_of(person.id), person_id=person.id,
                                    display_name=person.name, created_at=now))
    return token


async def web_user(sf: async_sessionmaker, token: str) -> WebUser | None:
    """The person a token belongs to, or None (unknown token, or unlinked identity)."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    async with sf() as session:
        row = (await session.execute(select(
            ChannelIdentity.person_id, ChannelIdentity.display_name).where(
            ChannelIdentity.channel == CHANNEL,
            ChannelIdentity.external_id == digest))).first()
    if row is None or row.person_id is None:
        return None
    return WebUser(row.person_id, digest, row.display_name)
