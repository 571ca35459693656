"""Web chat tokens and history on a real database: the token cache, the history window."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.web.tokens import TokenCache, issue_token, issue_tokens, revoke_tokens
from core.people.roster_validation import validate_roster
from storage.people.roster import apply_roster, read_roster
from storage.tables import OutboxRow
from tests.support.harness import ROSTER

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)
STUDENT = "2023010103"


async def test_a_revoked_token_is_refused_once_the_cached_answer_is_stale(sf) -> None:  # noqa: ANN001
    await apply_roster(sf, validate_roster(read_roster(ROSTER)), now=NOW)
    token = await issue_token(sf, STUDENT, NOW)
    cache = TokenCache(sf, timedelta(days=90), fresh_seconds=0.3)
    user = await cache.user(token, NOW)
    assert user is not None
    await revoke_tokens(sf, STUDENT)
    # Within the freshness window the cached answer stands (no database round trip) ...
    assert await cache.user(token, NOW) == user
    await asyncio.sleep(0.35)
    # ... after it, the database is asked again and the revocation holds.
    assert await cache.user(token, NOW) is None
    # Expiry is checked on every request, cached or not.
    fresh = await issue_token(sf, STUDENT, NOW)
    assert await cache.user(fresh, NOW) is not None
    assert await cache.user(fresh, NOW + timedelta(days=91)) is None
    # No caching at all: a revocation bites on the next request.
    strict = TokenCache(sf, timedelta(days=90), fresh_seconds=0)
    assert await strict.user(fresh, NOW) is not None
    await revoke_tokens(sf, STUDENT)
    assert await strict.user(fresh, NOW) is None
    assert await cache.user("", NOW) is None and await cache.user("x" * 201, NOW) is None


async def test_the_pickers_tokens_count_only_in_demo_mode(sf) -> None:  # noqa: ANN001
    await apply_roster(sf, validate_roster(read_roster(ROSTER)), now=NOW)
    demo = (await issue_tokens(sf, [STUDENT], NOW, demo=True))[STUDENT]
    link = await issue_token(sf, STUDENT, NOW)
    on = TokenCache(sf, timedelta(days=90), fresh_seconds=0, demo=True)
    off = TokenCache(sf, timedelta(days=90), fresh_seconds=0)
    assert await on.user(demo, NOW) is not None
    assert await off.user(demo, NOW) is None  # demo mode switched off: refused
    assert await off.user(link, NOW) is not None  # ordinary links are not affected


async def test_history_opens_at_the_newest_replies_and_pages_forward(sf) -> None:  # noqa: ANN001
    from core.model import Lane
    from core.replies import Reply
    from bot.web.history import LIMIT, sent_replies
    from storage.outbox import record_sent
    from storage.store import SqlStore

    total = LIMIT + 50
    async with sf() as s, s.begin():
        store = SqlStore(s)
        for _ in range(total):
            await store.enqueue("web", "web:1", Reply("help.text"), lane=Lane.INTERACTIVE,
                                locale="zh_CN", person_id=None, now=NOW)
    async with sf() as s:
        ids = list((await s.scalars(select(OutboxRow.id).order_by(OutboxRow.id))).all())
    assert len(ids) == total
    await record_sent(sf, [([i], str(i)) for i in ids], NOW)
    newest = [r.id for r, _ in await sent_replies(sf, "web:1", 0)]
    assert newest == ids[-LIMIT:]  # the latest ones, oldest first
    after = [r.id for r, _ in await sent_replies(sf, "web:1", ids[9])]
    assert after == ids[10:10 + LIMIT]  # forward from where the page was
    assert await sent_replies(sf, "web:2", 0) == []
