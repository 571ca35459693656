"""What the crisis end-to-end tests share: people by number, the pages, bound chats."""
from __future__ import annotations

from sqlalchemy import select

from storage.tables import CrisisPage, Person
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import bound_chat

STUDENT = "2023010103"          # ACC, lives in 3号楼
COUNSELLOR = "9001000003"       # ACC counsellor (level 0)
PSY_1 = "9103000001"            # psych centre (level 0, and the fallback)
ECO_COUNSELLOR = "9002000003"   # crisis team (level 1)


async def person_id(db_url: str, number: str) -> int:
    return (await query(db_url, select(Person.id).where(Person.number == number)))[0][0]


async def pages(db_url: str) -> list[tuple[int, int]]:
    """(level, person id) of every page, in order."""
    return [(lv, p) for lv, p in await query(
        db_url, select(CrisisPage.level, CrisisPage.person_id).order_by(CrisisPage.id))]


async def bind_all(db_url: str, api: FakeBotAPI, people: dict[str, int]) -> dict[str, ChatUser]:
    """A bound Telegram chat for each person number (number → Telegram user id)."""
    return {number: await bound_chat(api, db_url, number, uid)
            for number, uid in people.items()}
