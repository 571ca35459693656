"""The web chat's queries: its tokens (kept as channel identities), the history a page
shows, the demo picker's people, and what the page's header says about a person.

Reached as ``uow.web`` (``storage/uow.py``), over the unit of work's session: a method
never commits, the unit of work does. The channel is a parameter (``bot.web.CHANNEL``):
storage does not import the channels.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.outbox import Outgoing
from storage.tables import ChannelIdentity, InboxRow, OrgUnit, OutboxRow, Person, RoleAssignment


@dataclass(frozen=True)
class NewLink:
    """A token's identity to store for a person: ``external_id`` is the token's hash."""
    person_id: int
    external_id: str
    chat_id: str
    display_name: str | None


@dataclass(frozen=True)
class LinkOwner:
    """Whom a token's identity belongs to, and when the token was issued."""
    person_id: int
    display_name: str | None
    username: str | None
    created_at: datetime


class WebStore:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # -- tokens -------------------------------------------------------------------------
    async def active_people(self, numbers: list[str]) -> list[tuple[int, str, str | None]]:
        """(id, number, name) of the active people among ``numbers``."""
        return [tuple(r) for r in (await self.s.execute(
            select(Person.id, Person.number, Person.name).where(
                Person.number.in_(numbers), Person.active.is_(True)))).all()]

    async def add_links(self, channel: str, links: list[NewLink], now: datetime, *,
                        label: str | None = None) -> None:
        """Store the links' identities, linked to their people.

        ``label`` (the identities' username): a person keeps one identity with a label; a
        new link only replaces its hash, issue time and name (its old token stops
        working), so its locale and notices stay and no live identities pile up.
        """
        kept: dict[int, ChannelIdentity] = {}
        if label is not None and links:
            kept = await self._labelled(channel, label, [link.person_id for link in links])
        for link in links:
            row = kept.get(link.person_id)
            if row is not None:
                row.external_id, row.created_at = link.external_id, now
                row.display_name = link.display_name
            else:
                self.s.add(ChannelIdentity(channel=channel, external_id=link.external_id,
                                           chat_id=link.chat_id, person_id=link.person_id,
                                           username=label, display_name=link.display_name,
                                           created_at=now))

    async def _labelled(self, channel: str, label: str,
                        person_ids: list[int]) -> dict[int, ChannelIdentity]:
        """Each person's newest linked identity with ``label``; any older ones (from before
        labelled identities were reused) are unlinked, so their tokens stop working."""
        rows = (await self.s.execute(select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.username == label,
            ChannelIdentity.person_id.in_(person_ids)).order_by(ChannelIdentity.id))).scalars()
        kept: dict[int, ChannelIdentity] = {}
        for row in rows:
            if row.person_id is None:  # not selected (person_id IN ...); for the type check
                continue
            older = kept.get(row.person_id)
            if older is not None:
                older.person_id = None
            kept[row.person_id] = row
        return kept

    async def link_owner(self, channel: str, external_id: str) -> LinkOwner | None:
        """The active person an identity is linked to; None if unlinked, unknown or the
        person is no longer active."""
        row = (await self.s.execute(select(
            ChannelIdentity.person_id, ChannelIdentity.display_name, ChannelIdentity.username,
            ChannelIdentity.created_at).join(Person, Person.id == ChannelIdentity.person_id)
            .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id,
                   Person.active.is_(True)))).first()
        return None if row is None else LinkOwner(row.person_id, row.display_name,
                                                  row.username, row.created_at)

    async def unlink_person(self, channel: str, person_number: str) -> int | None:
        """Unlink every identity of the person on ``channel``; how many were linked, or
        None when no person has that number."""
        person_id = (await self.s.execute(select(Person.id).where(
            Person.number == person_number))).scalar_one_or_none()
        if person_id is None:
            return None
        result = await self.s.execute(update(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.person_id == person_id)
            .values(person_id=None))
        # an UPDATE's result is a CursorResult (the stubs say Result)
        return cast("CursorResult[tuple[()]]", result).rowcount or 0

    # -- history ------------------------------------------------------------------------
    async def sent(self, channel: str, chat_id: str, since: int,
                   limit: int) -> list[tuple[Outgoing, datetime, int | None]]:
        """Sent outbox rows of the chat after id ``since``, oldest first, with when they
        were queued and the row they were merged into; callback answers left out.

        From the start (``since`` 0) these are the newest ``limit`` rows; after ``since``,
        the first ``limit`` ones."""
        q = (select(OutboxRow.id, OutboxRow.channel, OutboxRow.chat_id, OutboxRow.person_id,
                    OutboxRow.lane, OutboxRow.reply, OutboxRow.locale, OutboxRow.attempts,
                    OutboxRow.created_at, OutboxRow.merged_into)
             .where(OutboxRow.channel == channel, OutboxRow.chat_id == chat_id,
                    OutboxRow.status == "sent", OutboxRow.id > since)
             .limit(limit))
        rows = list(await self.s.execute(
            q.order_by(OutboxRow.id.desc()) if since == 0 else q.order_by(OutboxRow.id)))
        if since == 0:
            rows.reverse()
        return [(Outgoing(id=r.id, channel=r.channel, chat_id=r.chat_id, person_id=r.person_id,
                          lane=r.lane, reply=r.reply, locale=r.locale, attempts=r.attempts),
                 r.created_at, r.merged_into)
                for r in rows
                if (r.reply or {}).get("kind", "message") != "callback_answer"]

    async def received(self, channel: str, chat_key: str,
                       limit: int) -> list[tuple[dict[str, Any], datetime]]:
        """The newest ``limit`` inbox payloads of the chat, newest first, with when each
        was received."""
        rows = await self.s.execute(
            select(InboxRow.payload, InboxRow.received_at)
            .where(InboxRow.channel == channel, InboxRow.chat_key == chat_key)
            .order_by(InboxRow.id.desc()).limit(limit))
        return [(payload, at) for payload, at in rows]

    # -- people -------------------------------------------------------------------------
    async def numbered_people(self) -> list[tuple[int, str, str | None, str, str | None]]:
        """(id, number, name, kind, unit name) of every active person with a number, by
        number."""
        return [tuple(r) for r in (await self.s.execute(
            select(Person.id, Person.number, Person.name, Person.kind, OrgUnit.name)
            .outerjoin(OrgUnit, OrgUnit.id == Person.unit_id)
            .where(Person.active.is_(True), Person.number.is_not(None))
            .order_by(Person.number))).all()]

    async def role_holders(self) -> list[tuple[int, str]]:
        """Every distinct (person id, role) assignment."""
        return [tuple(r) for r in (await self.s.execute(
            select(RoleAssignment.person_id, RoleAssignment.role).distinct())).all()]

    async def person_kind(self, person_id: int) -> str | None:
        return (await self.s.execute(select(Person.kind).where(
            Person.id == person_id))).scalar_one_or_none()

    async def identity_locale(self, channel: str, external_id: str) -> str | None:
        return (await self.s.execute(select(ChannelIdentity.locale).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id)))\
            .scalar_one_or_none()

    async def roles_of(self, person_id: int) -> set[str]:
        return set((await self.s.execute(select(RoleAssignment.role).where(
            RoleAssignment.person_id == person_id))).scalars())
