"""A leader's secret, revocable calendar-feed link for their reception days.

The link is ``<[web] base_url>/feeds/reception/<token>.ics`` (served by
``bot/web/feeds.py``); a calendar app subscribes to it. Only leaders (role ``leader``) get
one: anyone else is refused and the refusal audited. A new link revokes the leader's
previous ones (only a token's hash is kept, so a link cannot be shown twice); revoking
ends them all. Both are audited (``reception_feed``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.errors import AccessDenied, InputError
from core.model import Role
from core.ports import MessageStore, OrgStore
from core.reception.ports import ReceptionFeedStore

#: The feed's path on the web server; ``{token}`` is the secret.
FEED_PATH = "/feeds/reception/{token}.ics"
ISSUE, REVOKE = "issue", "revoke"


class FeedStore(ReceptionFeedStore, OrgStore, MessageStore, Protocol):
    """The feed tokens, the person's roles and the audit log."""


def feed_url(base_url: str, token: str) -> str:
    """The link a calendar app subscribes to (``base_url`` with or without a final /)."""
    return base_url.rstrip("/") + FEED_PATH.format(token=token)


async def _check_leader(store: FeedStore, leader_id: int | None, actor_id: int | None,
                        action: str, now: datetime) -> int:
    roles = {r for r, _ in await store.roles_of(leader_id)} if leader_id is not None else set()
    if leader_id is None or Role.LEADER.value not in roles:
        await store.audit("refused", actor_id, {"action": f"reception_feed_{action}",
                                                "why": "not_leader"}, now)
        raise AccessDenied("feed.leaders_only")
    return leader_id


async def renew_feed(store: FeedStore, leader_id: int | None, now: datetime, *,
                     actor_id: int | None, source: str, served: bool = True) -> str:
    """A new feed token for the leader (their earlier links stop working); returns the
    token. ``actor_id``: who asked (the leader in chat, None from the command line);
    ``source``: ``chat`` or ``cli``, for the audit row; ``served``: false when no web
    server serves feeds (nothing is issued, the leader is told)."""
    leader = await _check_leader(store, leader_id, actor_id, ISSUE, now)
    if not served:
        raise InputError("feed.unavailable")
    token = await store.issue_reception_feed(leader, now)
    await store.audit("reception_feed", actor_id, {"action": ISSUE, "leader_id": leader,
                                                   "source": source}, now)
    return token


async def revoke_feed(store: FeedStore, leader_id: int | None, now: datetime, *,
                      actor_id: int | None, source: str) -> int:
    """End every feed link of the leader; returns how many were live."""
    leader = await _check_leader(store, leader_id, actor_id, REVOKE, now)
    count = await store.revoke_reception_feeds(leader, now)
    await store.audit("reception_feed", actor_id, {"action": REVOKE, "leader_id": leader,
                                                   "source": source, "count": count}, now)
    return count
