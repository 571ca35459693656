"""Survey pushes in end-to-end tests (tests/e2e/test_survey_push*.py): thousands of roster
people with bound Telegram chats inserted directly, a one-question survey for them (open
from an hour ago for a week: the bot runs on the real clock), and what the fake Bot API
delivered of it."""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select

from core.clock import SystemClock
from core.surveys.admin import create_survey
from core.surveys.push import start_push
from storage import tables as T
from storage.uow import Sessions, unit_of_work
from tests.support.fake_bot_api import FakeBotAPI

CODE = "push-e2e"
TITLE = "推送压力测试问卷"
GRADE = "2099"  # nobody in the example roster: the audience is exactly the people seeded here

SURVEY = """
code = "{code}"
title = "{title}"
anonymous = true
opens = {opens}
closes = {closes}

[audience]
grades = ["{grade}"]
kinds = ["student"]

[[questions]]
id = "overall"
kind = "rating"
text = "您对本次推送的满意度？"
"""


def survey_text(code: str = CODE, title: str = TITLE, grade: str = GRADE) -> str:
    now = SystemClock().now()
    return SURVEY.format(code=code, title=title, grade=grade,
                         opens=(now - timedelta(hours=1)).isoformat(timespec="seconds"),
                         closes=(now + timedelta(days=7)).isoformat(timespec="seconds"))


async def seed_recipients(sf: Sessions, count: int, first_chat: int,
                          grade: str = GRADE) -> list[int]:
    """``count`` students of ``grade``, each bound to the Telegram chat ``first_chat + i``
    (privacy notice already shown, so the invitation is all they get); returns the chats."""
    now = SystemClock().now()
    chats = [first_chat + i for i in range(count)]
    async with sf() as s, s.begin():
        await s.execute(insert(T.Person), [
            {"number": f"P{chat}", "name": f"学生{chat}", "kind": "student", "grade": grade,
             "verified": True, "active": True, "created_at": now, "updated_at": now}
            for chat in chats])
        ids = dict((await s.execute(select(T.Person.number, T.Person.id).where(
            T.Person.grade == grade))).all())
        await s.execute(insert(T.ChannelIdentity), [
            {"channel": "telegram", "external_id": str(chat), "chat_id": str(chat),
             "person_id": ids[f"P{chat}"], "locale": "zh_CN", "privacy_noticed_at": now,
             "created_at": now} for chat in chats])
    return chats


async def create_and_push(sf: Sessions, text: str, code: str = CODE) -> int:
    """Store the survey and start its push (the deliveries written); returns how many
    it reaches."""
    async with unit_of_work(sf) as uow:
        await create_survey(uow.store, text=text, list_files=None, person_id=None,
                            now=SystemClock().now(), max_reminders=3)
    async with unit_of_work(sf) as uow:
        found = await start_push(uow.store, code, person_id=None, now=SystemClock().now())
    return found.counts()["reachable"]


def invitations(api: FakeBotAPI, title: str = TITLE) -> Counter[int]:
    """Invitations Telegram accepted, by chat."""
    return Counter(int(c.params["chat_id"]) for c in api.sent(method="sendMessage")
                   if title in (c.params.get("text") or ""))


def refused(api: FakeBotAPI, status: int, method: str = "sendMessage") -> list[Any]:
    """Calls of ``method`` the fake answered with ``status``."""
    return [c for c in api.calls if c.method == method and c.response_status == status]


async def deliveries(sf: Sessions, code: str = CODE) -> dict[str, int]:
    """The survey's deliveries by state."""
    async with sf() as s:
        rows = await s.execute(select(T.SurveyDelivery.status, func.count())
                               .join(T.Survey, T.Survey.id == T.SurveyDelivery.survey_id)
                               .where(T.Survey.code == code)
                               .group_by(T.SurveyDelivery.status))
        return dict(rows.all())


async def survey_status(sf: Sessions, code: str = CODE) -> str:
    async with sf() as s:
        return str(await s.scalar(select(T.Survey.status).where(T.Survey.code == code)))


async def outbox_states(sf: Sessions) -> dict[str, int]:
    """The bulk lane's rows (the survey's) by state."""
    async with sf() as s:
        rows = await s.execute(select(T.OutboxRow.status, func.count()).where(
            T.OutboxRow.survey_delivery_id.is_not(None)).group_by(T.OutboxRow.status))
        return dict(rows.all())


async def until_open(sf: Sessions, timeout: float, code: str = CODE,
                     alive: Any = lambda: True) -> float:
    """Wait until the push is done (the survey ``open``); returns the seconds waited."""
    start = time.monotonic()
    while (status := await survey_status(sf, code)) != "open":
        assert alive(), "the bot died"
        assert time.monotonic() - start < timeout, (
            f"push not done in {timeout}s: survey {status}, deliveries "
            f"{await deliveries(sf, code)}, outbox {await outbox_states(sf)}")
        await asyncio.sleep(0.1)
    return time.monotonic() - start


def canteen_survey(college: str = "ACC") -> str:
    """tests/e2e/test_survey_chat.py's survey (three questions, a skip rule) for a college
    of the example roster, open from an hour ago for a week."""
    from tests.integration.test_survey_answering import SURVEY as CANTEEN

    now = SystemClock().now()
    return CANTEEN.format(anonymous="true").replace('"ACC"]', f'"{college}"]').replace(
        "opens = 2026-12-01T09:00:00+08:00",
        f"opens = {(now - timedelta(hours=1)).isoformat(timespec='seconds')}").replace(
        "closes = 2026-12-15T18:00:00+08:00",
        f"closes = {(now + timedelta(days=7)).isoformat(timespec='seconds')}")
