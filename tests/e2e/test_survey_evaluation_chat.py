"""A 民主测评 answered through the real bot in the Telegram fake (examples/surveys/
evaluation.toml, open now): one message per subject found for the student ("请评价：
徐子涵（负责 3号楼）") with the grades as buttons, each subject a step of "n/N", back and
edit, the skip rule hiding the branches; submitted once; the response names no subject,
the grades are ratings of their own; nothing of a subject stays in the outbox or the
inbox (sealed and redacted like every step); every press answered exactly once."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from core.clock import SystemClock
from core.surveys.admin import create_survey
from core.surveys.push import start_push
from scheduler.survey_push import push_sweep
from storage.db import make_engine, session_factory
from storage.tables import InboxRow, OutboxRow, SurveyRating, SurveyResponse
from storage.uow import unit_of_work
from tests.support.chat import unanswered_or_twice
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import ROOT, TOKEN, RunningBot, bot_settings, bound_chat, \
    seed_roster

STUDENT = "2023010103"  # 会计2301, 3号楼: rates 徐子涵 (3号楼) and 杨子涵 (会计2301)
GRADES = ["优秀", "合格", "基本合格", "不合格"]


def _now_survey() -> str:
    now = SystemClock().now()
    text = (ROOT / "examples/surveys/evaluation.toml").read_text(encoding="utf-8")
    return text.replace("opens = 2026-12-01T09:00:00+08:00",
                        f"opens = {(now - timedelta(hours=1)).isoformat(timespec='seconds')}"
                        ).replace("closes = 2026-12-20T18:00:00+08:00",
                                  f"closes = {(now + timedelta(days=14)).isoformat(timespec='seconds')}")


async def _create_and_push(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        sf = session_factory(engine)
        async with unit_of_work(sf) as uow:
            await create_survey(uow.store, text=_now_survey(), list_files=None,
                                person_id=None, now=SystemClock().now(), max_reminders=3)
        async with unit_of_work(sf) as uow:
            await start_push(uow.store, "evaluation-2026", person_id=None,
                             now=SystemClock().now())
        await push_sweep(sf, SystemClock(), window=100, timezone="Asia/Shanghai",
                         default_locale="zh_CN")
    finally:
        await engine.dispose()


async def test_an_evaluation_in_telegram_one_message_per_subject(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url)):
            stu = await bound_chat(api, db_url, STUDENT, 7631)
            stu.ignore("隐私说明")
            await _create_and_push(db_url)
            invite = await stu.expect("2026年度党员和党支部民主测评")
            await stu.press(invite, "📝 开始填写")
            first = await stu.expect("1/4")
            assert "请评价：<b>徐子涵（负责 3号楼）</b>" in stu.text_of(first)
            assert stu.labels(first) == GRADES
            await stu.press(first, "合格")
            second = await stu.expect("2/4")
            assert "请评价：<b>杨子涵（负责 会计2301）</b>" in stu.text_of(second)
            assert stu.labels(second) == [*GRADES, "⬅️ 上一题"]
            await stu.press(second, "⬅️ 上一题")
            first = await stu.expect("1/4")
            assert "✅ 合格" in stu.labels(first) and "下一题 ➡️" in stu.labels(first)
            await stu.press(first, "优秀")
            second = await stu.expect("2/4")
            await stu.press(second, "基本合格")
            know = await stu.expect("3/4")
            await stu.press(know, "不了解")  # the branches stay hidden
            advice = await stu.expect("4/4")
            await stu.press(advice, "下一题 ➡️")
            review = await stu.expect("已回答全部 4 题")
            await stu.press(review, "✅ 提交问卷")
            await stu.expect("✅ 已提交《2026年度党员和党支部民主测评》")
            # The admin reads the results: one rater is under the minimum of 5, so each
            # subject is listed without its figures.
            admin = await bound_chat(api, db_url, "9104000001", 7632)
            admin.say("/survey results evaluation-2026")
            text = ""
            while "民主测评，按测评对象" not in text:
                text += admin.text_of(await admin.expect("evaluation-2026" if not text
                                                         else "", timeout=10))
            assert "少于 5 人的对象不单独显示" in text
            assert "· 徐子涵（2022010202）：人数不足，不单独显示" in text
            assert "基本合格 1" not in text and "优秀 1" not in text
            assert unanswered_or_twice([stu, admin]) == {}
    [answers] = await query(db_url, select(SurveyResponse.answers))
    assert answers == ({"members": "rated", "know_branches": "不了解"},)
    ratings = await query(db_url, select(SurveyRating.question, SurveyRating.subject,
                                         SurveyRating.grade))
    assert sorted(ratings) == [("members", "p:2022010202", "优秀"),
                               ("members", "p:2023010101", "基本合格")]
    kept = [json.dumps(r, ensure_ascii=False) for (r,) in  # the admin's results aside
            await query(db_url, select(OutboxRow.reply).where(OutboxRow.chat_id != "7632"))]
    kept += [json.dumps(p, ensure_ascii=False) for (p,) in
             await query(db_url, select(InboxRow.payload))]
    assert not any(word in row for row in kept for word in ("徐子涵", "杨子涵", "基本合格"))
