"""Answering a survey through the real bot in the Telegram fake: the invitation in the
bulk lane; one question per message with "n/N", a rating, a multiple choice toggled with
its maximum, back and edit, free text as a reply; the bot restarted halfway and /surveys
resumes where the person was; submitting once (a second press refused); every press
answered exactly once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import SystemClock
from core.surveys.admin import create_survey
from core.surveys.push import start_push
from scheduler.survey_push import push_sweep
from storage.db import make_engine, session_factory
from storage.tables import SurveyDraft, SurveyResponse
from storage.uow import unit_of_work
from tests.integration.test_survey_answering import SURVEY
from tests.support.chat import unanswered_or_twice
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

STUDENT = "2023010101"


def _now_survey(college: str = "ACC") -> str:
    """The test survey, open from an hour ago for a week (the bot runs on the real clock)."""
    now = SystemClock().now()
    opens = (now - timedelta(hours=1)).isoformat(timespec="seconds")
    closes = (now + timedelta(days=7)).isoformat(timespec="seconds")
    return SURVEY.format(anonymous="true").replace('"ACC"]', f'"{college}"]').replace(
        "opens = 2026-12-01T09:00:00+08:00", f"opens = {opens}").replace(
        "closes = 2026-12-15T18:00:00+08:00", f"closes = {closes}")


async def _create_and_push(db_url: str, college: str = "ACC") -> None:
    engine = make_engine(db_url)
    try:
        sf = session_factory(engine)
        async with unit_of_work(sf) as uow:
            await create_survey(uow.store, text=_now_survey(college), list_files=None, person_id=None,
                                now=SystemClock().now(), max_reminders=3)
        async with unit_of_work(sf) as uow:
            await start_push(uow.store, "canteen-2026", person_id=None, now=SystemClock().now())
        await push_sweep(sf, SystemClock(), window=100, timezone="Asia/Shanghai",
                         default_locale="zh_CN")
    finally:
        await engine.dispose()


async def test_answering_a_survey_in_telegram_with_a_restart(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url)):
            stu = await bound_chat(api, db_url, STUDENT, 7601)
            stu.ignore("隐私说明")
            await _create_and_push(db_url)
            invite = await stu.expect("食堂满意度调查")
            assert "共 3 题" in stu.text_of(invite) and "匿名" in stu.text_of(invite)
            await stu.press(invite, "📝 开始填写")
            q1 = await stu.expect("1/2")
            assert "请根据本学期的体验作答" in stu.text_of(q1)
            assert stu.labels(q1) == ["1", "2", "3", "4", "5"]
            await stu.press(q1, "2")
            q2 = await stu.expect("2/3")  # the low rating shows "why"
            await stu.press(q2, "价格")
            q2 = await stu.expect("2/3")
            assert "✅ 价格" in stu.labels(q2)
            await stu.press(q2, "口味")
            q2 = await stu.expect("2/3")
            await stu.press(q2, "卫生")
            await stu.expect("最多只能选 2 项")
        # The bot restarts; the person comes back later with /surveys.
        async with RunningBot(bot_settings(db_url, api.base_url)):
            stu.say("/surveys")
            listing = await stu.expect("待填写的问卷")
            await stu.press(listing, "📝 食堂满意度调查")
            q2 = await stu.expect("2/3")
            assert {"✅ 价格", "✅ 口味"} <= set(stu.labels(q2))
            await stu.press(q2, "下一题 ➡️")
            q3 = await stu.expect("3/3")
            await stu.press(q3, "⬅️ 上一题")
            q2 = await stu.expect("2/3")
            await stu.press(q2, "下一题 ➡️")
            await stu.expect("3/3")
            stu.say("希望增加夜宵窗口")
            review = await stu.expect("已回答全部 3 题")
            await stu.press(review, "✅ 提交问卷")
            await stu.expect("✅ 已提交《食堂满意度调查》")
            await stu.press(review, "✅ 提交问卷")  # pressed again
            await stu.expect("您已经提交过这份问卷")
            stu.say("/surveys")
            await stu.expect("目前没有需要您填写的问卷")
            assert unanswered_or_twice([stu]) == {}
    [(answers, person)] = await query(db_url, select(SurveyResponse.answers,
                                                     SurveyResponse.person_id))
    assert answers == {"overall": "2", "why": ["价格", "口味"], "say": "希望增加夜宵窗口"}
    assert person is None and await query(db_url, select(SurveyDraft.person_id)) == []
