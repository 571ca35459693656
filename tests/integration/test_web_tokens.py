"""Web chat tokens on a real database: the short cache in front of the token look-up."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from core.roster import validate_roster
from bot.web.tokens import TokenCache, issue_token, issue_tokens, revoke_tokens
from storage.roster import apply_roster, read_roster
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
