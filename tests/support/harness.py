"""Run the real bot in-process against the fake Bot API, on a test database."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import Runtime, build_runtime
from bot.config import Settings, load_settings
from core.clock import Clock, SystemClock
from core.people.roster_validation import validate_roster
from storage.db import make_engine, session_factory
from storage.people.roster import apply_roster, issue_codes, read_roster
from tests.support.chat import ChatUser
from tests.support.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "examples" / "roster.xlsx"
TOKEN = "123456:TEST-token"


def bot_settings(db_url: str, api_base: str, **overrides: Any) -> Settings:
    sections: dict[str, Any] = {
        "database": {"url": db_url},
        "telegram": {"token": TOKEN, "api_base": api_base, "poll_timeout": 1},
        "inbox": {"retry_base_seconds": 0.05},
    }
    for key, value in overrides.items():
        sections.setdefault(key, {}).update(value)
    return load_settings(ROOT / "config.toml", **sections)


async def seed_roster(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await apply_roster(session_factory(engine), validate_roster(read_roster(ROSTER)),
                           now=SystemClock().now())
    finally:
        await engine.dispose()


async def seed_with_chats(sf: Any, now: datetime) -> dict[str, int]:
    """The example roster (as of a day before ``now``) with a reachable Telegram chat for
    everyone (chat id = roster number), so a message to the wrong person would show;
    returns person id by roster number."""
    from sqlalchemy import select

    from storage.store import SqlStore
    from storage.tables import Person

    await apply_roster(sf, validate_roster(read_roster(ROSTER)), now=now - timedelta(days=1))
    async with sf() as s, s.begin():
        store = SqlStore(s)
        ids = {n: i for n, i in (await s.execute(select(Person.number, Person.id))).all()}
        for number, pid in ids.items():
            ident = await store.upsert_identity("telegram", number, number, username=None,
                                                display_name=None, now=now)
            await store.link_identity(ident.id, pid)
    return ids


async def binding_code(db_url: str, number: str) -> str:
    engine = make_engine(db_url)
    try:
        codes = await issue_codes(session_factory(engine), now=SystemClock().now(),
                                  ttl=timedelta(hours=1), person_numbers=[number])
    finally:
        await engine.dispose()
    return codes[0].code


class MovableClock:
    """A clock a test sets (never sleeping): the running bot's and the sweeps' ``now``."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class RunningBot:
    """The production runtime (poller, inbox worker, sender) as background tasks."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings, self.clock = settings, clock
        self.stop = asyncio.Event()
        self.rt: Runtime | None = None
        self.tasks: list[asyncio.Task] = []

    async def __aenter__(self) -> RunningBot:
        self.rt = await build_runtime(self.settings, self.clock)
        self.tasks = [asyncio.create_task(c) for c in self.rt.workers(self.stop)]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        await asyncio.wait(self.tasks, timeout=10)
        for t in self.tasks:
            if not t.done():
                t.cancel()
        for t in self.tasks:
            if t.done() and not t.cancelled() and t.exception():
                raise t.exception()  # a crashed loop must fail the test
        assert self.rt is not None
        await self.rt.aclose()


async def bound_chat(api: FakeBotAPI, db_url: str, number: str, user_id: int,
                     name: str = "测试") -> ChatUser:
    """A Telegram user who has bound the roster person ``number`` with a fresh code."""
    user = ChatUser(api, user_id, name)
    user.say(f"/start {await binding_code(db_url, number)}")
    await user.expect("绑定成功")
    return user


__all__ = ["FakeBotAPI", "RunningBot", "binding_code", "bound_chat", "seed_roster",
           "bot_settings"]
