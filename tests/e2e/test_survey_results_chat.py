"""``/survey results CODE`` in chat, through the real bot: the canteen survey answered by
its four respondents (two low ratings opening the multiple choice), then read by an admin
in Telegram and in the web chat. Counted by hand:

- 1. overall rating: 2, 2, 4, 5 -> "2 分：2（50.0%）", "4 分：1（25.0%）", mean 3.25;
- 2. why (only the two low ratings): 价格 ×2, 口味 ×1, 卫生 ×1 -> 价格 100.0%, 口味 50.0%
  (a multiple choice's shares are over those who answered it);
- 3. free text: two answers, counted, not listed;
- four responses, anonymous, under the minimum group of 5: the merge note shows.

Each choice question comes as a chart: Telegram gets two real PNG uploads (decoded here),
the web chat two photos whose signed links serve PNGs. A student is refused, a typo in the
code says so, and no code gives the usage."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from core.clock import SystemClock
from core.surveys import answering as A
from storage.db import make_engine, session_factory
from storage.tables import Survey, SurveyDelivery
from storage.uow import unit_of_work
from tests.support.chat import unanswered_or_twice
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster
from tests.support.push import canteen_survey, create_and_push
from tests.support.web import WebBot, WebUser, _token

ADMIN, STUDENT, CODE = "9104000001", "2023010101", "canteen-2026"
ANSWERS = [("2", ["价格", "口味"], "希望增加夜宵窗口"), ("2", ["价格", "卫生"], ""),
           ("4", [], "饭菜不错"), ("5", [], "")]


async def _answered(db_url: str) -> None:
    engine = make_engine(db_url)
    sf = session_factory(engine)
    try:
        await create_and_push(sf, canteen_survey(), CODE)  # nobody bound yet: unreachable
        async with sf() as s:
            people = sorted(await s.scalars(select(SurveyDelivery.person_id)))
            (sid,) = (await s.scalars(select(Survey.id).where(Survey.code == CODE))).all()
        assert len(people) == len(ANSWERS)
        now = SystemClock().now()
        for pid, (rating, why, say) in zip(people, ANSWERS, strict=True):
            async with unit_of_work(sf) as uow:
                step = await A.answer(uow.store, pid, sid, 0, rating, now)
                for pick in why:
                    step = await A.answer(uow.store, pid, sid, 1, pick, now)
                if why:
                    step = await A.move(uow.store, pid, sid, 1, True, now)
                if say:
                    step = await A.answer(uow.store, pid, sid, step.index, say, now)
                await A.submit(uow.store, pid, sid, now=now, tz="Asia/Shanghai")
    finally:
        await engine.dispose()


def _png(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return img.size


def _check_text(text: str) -> None:
    for part in ("问卷 canteen-2026《食堂满意度调查》结果", "已收 4 份答卷", "调查对象 4 人",
                 "回收率 100.0%", "少于 5 份的分组已合并",
                 "1. 您对食堂的总体满意度？", "（作答 4 份答卷，平均分 3.25）",
                 "2 分：2（50.0%）", "4 分：1（25.0%）", "1 分：0（0.0%）",
                 "2. 不满意的原因？", "价格：2（100.0%）", "口味：1（50.0%）", "排队：0（0.0%）",
                 "文字回答 2 条"):
        assert part in text, part
    assert "希望增加夜宵窗口" not in text  # texts are in the workbook, not the chat


async def test_an_admin_reads_results_and_charts_in_telegram(db_url: str) -> None:
    await seed_roster(db_url)
    await _answered(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url)):
            admin = await bound_chat(api, db_url, ADMIN, 7721)
            stu = await bound_chat(api, db_url, STUDENT, 7722)
            stu.say(f"/survey results {CODE}")
            await stu.expect("您没有查看问卷 canteen-2026 结果的权限")
            admin.say("/survey results canteen-2027")
            await admin.expect("找不到代码为 canteen-2027 的问卷")
            admin.say("/survey results")
            await admin.expect("用法：/survey results 问卷代码")
            admin.say(f"/survey results {CODE}")
            text = admin.text_of(await admin.expect("问卷 canteen-2026《食堂满意度调查》结果"))
            if "（作答" not in text:  # sent apart, not merged with the totals by the sender
                text += admin.text_of(await admin.expect("（作答 4 份答卷"))
            _check_text(text)
            first = await admin.expect("📊 1. 您对食堂的总体满意度？")
            second = await admin.expect("📊 2. 不满意的原因？")
            photos = [c for c in api.calls if c.method == "sendPhoto"
                      and c.params.get("chat_id") == admin.user_id]
            assert len(photos) == 2
            assert [c.params.get("caption") for c in photos] == [
                admin.text_of(first), admin.text_of(second)]
            for c in photos:
                width, height = _png(c.params["photo"].data)
                assert width >= 600 and height >= 300
            assert unanswered_or_twice([admin, stu]) == {}


async def test_an_admin_reads_results_and_charts_in_the_web_chat(db_url: str,
                                                                 tmp_path: Path) -> None:
    await seed_roster(db_url)
    await _answered(db_url)
    token = await _token(db_url, ADMIN)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        admin = WebUser(web, token)
        await admin.say(f"/survey results {CODE}")
        text = (await admin.expect("问卷 canteen-2026《食堂满意度调查》结果"))["html"]
        if "（作答" not in text:
            text += (await admin.expect("（作答 4 份答卷"))["html"]
        _check_text(text)
        charts = [await admin.expect("📊 1. 您对食堂的总体满意度？"),
                  await admin.expect("📊 2. 不满意的原因？")]
        for event in charts:
            (shown,) = event["attachments"]
            assert shown["kind"] == "photo" and shown["url"].startswith("/api/files/")
            async with web.http.get(web.base + shown["url"],
                                    headers=admin._headers()) as r:
                assert r.status == 200 and r.content_type == "image/png"
                width, _ = _png(await r.read())
                assert width >= 600
