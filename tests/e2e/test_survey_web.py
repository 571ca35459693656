"""The survey of tests/e2e/test_survey_chat.py pushed to a person who uses the web chat:
the push engine writes the invitation for the web chat's account (the bulk lane, the same
sweep), the page shows it with its button, and the person answers one question per
message (a rating, a multiple choice toggled, back, free text as a reply) to submission,
once; the delivery settles as sent and the push ends. The questions and answers are
sealed replies (an anonymous survey): the page sees them whole on its live event stream,
as read here, and its history afterwards only as a neutral line."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.clock import SystemClock
from scheduler.survey_push import push_sweep
from storage.tables import SurveyDraft, SurveyResponse
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, seed_roster
from tests.support.push import canteen_survey, create_and_push, deliveries, survey_status
from tests.support.web import WebBot, WebUser, _token

STUDENT = "2023010101"  # an ACC student of the example roster
CODE = "canteen-2026"


class Stream:
    """The page's live event stream (/api/events), read in order."""

    def __init__(self, response: Any) -> None:
        self.response = response

    async def expect(self, fragment: str, timeout: float = 10) -> dict:
        async def find() -> dict:
            while True:
                line = await self.response.content.readline()
                if line.startswith(b"data: "):
                    event = json.loads(line[6:])
                    if fragment in event["html"]:
                        return event
        return await asyncio.wait_for(find(), timeout)


def _labels(event: dict) -> list[str]:
    return [b["label"] for row in event["buttons"] for b in row]


async def _sweep(web: WebBot) -> None:
    assert web.bot.rt is not None
    await push_sweep(web.bot.rt.sf, SystemClock(), window=100, timezone="Asia/Shanghai",
                     default_locale="zh_CN")


async def test_a_pushed_survey_answered_in_the_web_chat(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        assert web.bot.rt is not None
        sf = web.bot.rt.sf
        stu = WebUser(web, token)
        async with web.http.get(f"{web.base}/api/events?since=0",
                                headers=stu._headers()) as response:
            assert response.status == 200
            page = Stream(response)
            assert await create_and_push(sf, canteen_survey(), CODE) >= 1
            await _sweep(web)
            invite = await page.expect("食堂满意度调查")
            assert "共 3 题" in invite["html"] and "匿名" in invite["html"]
            await stu.press(invite, "开始填写")
            q1 = await page.expect("1/2")
            assert "请根据本学期的体验作答" in q1["html"]
            assert _labels(q1) == ["1", "2", "3", "4", "5"]
            await stu.press(q1, "2")
            q2 = await page.expect("2/3")  # the low rating shows "why"
            await stu.press(q2, "价格")
            q2 = await page.expect("2/3")
            await stu.press(q2, "口味")
            q2 = await page.expect("2/3")
            assert {"✅ 价格", "✅ 口味"} <= set(_labels(q2))
            await stu.press(q2, "下一题 ➡️")
            q3 = await page.expect("3/3")
            await stu.press(q3, "⬅️ 上一题")
            q2 = await page.expect("2/3")
            await stu.press(q2, "下一题 ➡️")
            await page.expect("3/3")
            await stu.say("希望增加夜宵窗口")
            review = await page.expect("已回答全部 3 题")
            await stu.press(review, "提交问卷")
            await page.expect("✅ 已提交《食堂满意度调查》")
            await stu.press(review, "提交问卷")  # pressed again
            await page.expect("您已经提交过这份问卷")
            await stu.say("/surveys")
            await page.expect("目前没有需要您填写的问卷")
        shown = json.dumps(await stu.history(), ensure_ascii=False)
        assert "食堂满意度调查" in shown and "夜宵" not in shown and "1/2" not in shown

        await _sweep(web)  # settles the delivery from its outbox row
        got = await deliveries(sf, CODE)
        assert got["sent"] == 1 and set(got) <= {"sent", "unreachable"}, got
        assert await survey_status(sf, CODE) == "open"
    assert not api.sent(), "nothing went to Telegram"
    [(answers, person)] = await query(db_url, select(SurveyResponse.answers,
                                                     SurveyResponse.person_id))
    assert answers == {"overall": "2", "why": ["价格", "口味"], "say": "希望增加夜宵窗口"}
    assert person is None and await query(db_url, select(SurveyDraft.person_id)) == []
