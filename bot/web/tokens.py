"""Web chat tokens, kept as channel identities: only the sha256 of a token is stored."""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.web import CHANNEL, chat_id_of
from storage.uow import Sessions, read_only, unit_of_work
from storage.web_store import NewLink


class UnknownPerson(Exception):
    """No active person has that number."""


@dataclass(frozen=True)
class WebUser:
    person_id: int
    identity: str  # the token's hash: the identity's external id
    display_name: str | None
    # The identity's username: DEMO_LABEL for a picker's token. Sent with each message so
    # that the handlers' upsert of the identity keeps it.
    label: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(sf: Sessions, person_number: str, now: datetime) -> str:
    """A new token for the person; earlier tokens of theirs keep working until they expire
    or ``revoke_tokens`` ends them all."""
    tokens = await issue_tokens(sf, [person_number], now)
    if person_number not in tokens:
        raise UnknownPerson(person_number)
    return tokens[person_number]


DEMO_LABEL = "demo"  # kept in the identity's username: a token the demo picker issued


async def issue_tokens(sf: Sessions, person_numbers: list[str], now: datetime, *,
                       demo: bool = False) -> dict[str, str]:
    """New tokens for the active people among ``person_numbers``, in one transaction.

    ``demo``: tokens for the demo picker. A person keeps one demo identity: a new demo
    token only replaces its hash (the old token then answers 401), so a restart changes
    no one's locale nor shows the privacy notice again, and no live identities pile up.
    """
    out: dict[str, str] = {}
    async with unit_of_work(sf) as uow:
        links = []
        for person_id, number, name in await uow.web.active_people(person_numbers):
            token = secrets.token_urlsafe(32)
            links.append(NewLink(person_id, token_hash(token), chat_id_of(person_id), name))
            out[number] = token
        await uow.web.add_links(CHANNEL, links, now, label=DEMO_LABEL if demo else None)
    return out


async def _lookup(sf: Sessions, digest: str) -> tuple[WebUser, datetime] | None:
    async with read_only(sf) as uow:
        owner = await uow.web.link_owner(CHANNEL, digest)
    return None if owner is None else (
        WebUser(owner.person_id, digest, owner.display_name, owner.username), owner.created_at)


class TokenCache:
    """The person a token belongs to, answered from memory for ``fresh_seconds``.

    A page makes a request per message; a lookup per request was a database session each
    (bench/web.py). Only known tokens are kept, and only briefly: a revocation (another
    process, ``python -m bot web revoke``) or a deactivation takes effect within
    ``fresh_seconds``; expiry is checked on every request.
    """

    def __init__(self, sf: Sessions, ttl: timedelta, *, fresh_seconds: float = 10.0,
                 size: int = 10_000, demo: bool = False) -> None:
        """``demo``: whether the picker's tokens count; outside demo mode they never do."""
        self.sf, self.ttl, self.fresh, self.size = sf, ttl, fresh_seconds, size
        self.demo = demo
        self._known: dict[str, tuple[WebUser, datetime, float]] = {}

    async def user(self, token: str, now: datetime) -> WebUser | None:
        if not token or len(token) > 200:
            return None
        digest = token_hash(token)
        hit = self._known.get(digest)
        if hit is None or time.monotonic() - hit[2] >= self.fresh:
            found = await _lookup(self.sf, digest)
            if found is None:
                self._known.pop(digest, None)
                return None
            if len(self._known) >= self.size:
                self._known.clear()
            hit = self._known[digest] = (*found, time.monotonic())
        user, created_at, _ = hit
        if user.label == DEMO_LABEL and not self.demo:
            return None  # a token the demo picker handed out, kept after demo mode ended
        return None if created_at + self.ttl < now else user


async def web_user(sf: Sessions, token: str, now: datetime,
                   ttl: timedelta) -> WebUser | None:
    """The person a token belongs to, asked of the database now: None if unknown, revoked
    (unlinked), expired (older than ``ttl``), or the person is no longer active."""
    return await TokenCache(sf, ttl, fresh_seconds=0, demo=True).user(token, now)


async def revoke_tokens(sf: Sessions, person_number: str) -> int:
    """End every web link of the person at once; return how many were live."""
    async with unit_of_work(sf) as uow:
        live = await uow.web.unlink_person(CHANNEL, person_number)
    if live is None:
        raise UnknownPerson(person_number)
    return live
