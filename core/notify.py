"""Sending to a person rather than to a chat: every reachable channel identity gets it."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.model import Lane, Role
from core.ports import IdentityView, MessageStore, NotifyStore
from core.replies import Reply


async def notify_person(store: NotifyStore, person_id: int, reply: Reply, *, lane: Lane,
                        now: datetime, default_locale: str) -> int:
    """Queue ``reply`` to each reachable identity of the person; return how many.

    A person with no reachable identity gets an audit row instead, so an undelivered
    notice is visible to admins rather than silently lost.
    """
    sent = 0
    chats: set[tuple[str, str]] = set()
    for ident in await store.identities_of(person_id):
        # Several web links of one person share one chat: one copy per chat.
        if ident.unreachable or (ident.channel, ident.chat_id) in chats:
            continue
        chats.add((ident.channel, ident.chat_id))
        await store.enqueue(ident.channel, ident.chat_id, reply, lane=lane,
                            locale=ident.locale or default_locale, person_id=person_id, now=now)
        sent += 1
    if not sent:
        await store.audit("undeliverable", None, {"person_id": person_id, "key": reply.key}, now)
    return sent


async def alert_admins(store: NotifyStore, reply: Reply, *, now: datetime,
                       default_locale: str) -> int:
    """Queue an alert to every admin; an alert is never itself a reason for another alert."""
    total = 0
    for admin_id in await store.people_with_role(Role.ADMIN.value):
        chats: set[tuple[str, str]] = set()
        for ident in await store.identities_of(admin_id):
            if not ident.unreachable and (ident.channel, ident.chat_id) not in chats:
                chats.add((ident.channel, ident.chat_id))
                await store.enqueue(ident.channel, ident.chat_id, reply, lane=Lane.INTERACTIVE,
                                    locale=ident.locale or default_locale, person_id=admin_id,
                                    now=now)
                total += 1
    if not total:
        await store.audit("admin_alert_undeliverable", None, {"key": reply.key}, now)
    return total


class ManyNotifyStore(MessageStore, Protocol):
    async def identities_of_people(self, ids: Sequence[int]) -> dict[int, list[IdentityView]]:
        ...


async def notify_people(store: ManyNotifyStore, sends: Sequence[tuple[Sequence[int], Reply]],
                        *, lane: Lane, now: datetime, default_locale: str) -> int:
    """``notify_person`` for many people at once, with one identity query in all (a
    sweep's notices, a whole college's announcement); return how many chats were queued."""
    identities = await store.identities_of_people(
        sorted({p for people, _ in sends for p in people}))
    total = 0
    for people, reply in sends:
        for person in people:
            chats: set[tuple[str, str]] = set()
            for ident in identities.get(person, []):
                if ident.unreachable or (ident.channel, ident.chat_id) in chats:
                    continue
                chats.add((ident.channel, ident.chat_id))
                await store.enqueue(ident.channel, ident.chat_id, reply, lane=lane,
                                    locale=ident.locale or default_locale, person_id=person,
                                    now=now)
            if not chats:
                await store.audit("undeliverable", None, {"person_id": person,
                                                          "key": reply.key}, now)
            total += len(chats)
    return total
