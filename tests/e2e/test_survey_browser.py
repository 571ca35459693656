"""A survey's whole life in a real headless Chromium (Debian's), demo mode, against the
real bot in-process: the admin (9104000001) lists the survey files, creates the canteen
survey from one after its confirmation, pushes it (confirmed) and watches the progress
message; the student (2023010101, picked in the same page) gets the invitation, answers
one question at a time (a low rating opens the multiple choice, two picks, next, a typed
answer) and submits; the admin reads /survey results with its two charts, which the page
shows as loaded images. Screenshots: /tmp/survey_answer.png, /tmp/survey_results.png;
Chinese must render as glyphs. No page errors, no reload.

Without Chromium (or the playwright package) this skips and says why; under CI=true it
fails (tests/support/browser.py)."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from core.clock import SystemClock
from scheduler.survey_push import push_sweep
from storage.tables import SurveyResponse
from tests.e2e.test_reception_browser import PHONE, WAIT, Page1
from tests.support.browser import chromium, cjk_rendering, require_glyphs
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, seed_roster
from tests.support.push import canteen_survey
from tests.support.web import WebBot

if TYPE_CHECKING:
    from playwright.async_api import Browser

pytestmark = pytest.mark.slow

ADMIN, STUDENT = "9104000001", "2023010101"
ANSWER_SHOT, RESULTS_SHOT = Path("/tmp/survey_answer.png"), Path("/tmp/survey_results.png")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as b:
        yield b


async def test_a_survey_created_pushed_answered_and_read_in_the_browser(
        db_url: str, tmp_path: Path, browser: Browser) -> None:
    from playwright.async_api import expect

    await seed_roster(db_url)
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "canteen.toml").write_text(canteen_survey(), encoding="utf-8")
    async with FakeBotAPI(token=TOKEN) as api, \
            WebBot(db_url, api, tmp_path, sections={"surveys": {"folder": str(folder)}}) as web:
        context = await browser.new_context(viewport=PHONE, device_scale_factor=2,
                                            locale="zh-CN")
        me = Page1(await context.new_page())
        await me.page.goto(web.base + "/")
        await me.page.evaluate("window.__same_page = true")
        await expect(me.page.locator("#demo")).to_be_visible(timeout=WAIT)

        # The student opens the chat once, so the push can reach the web account.
        await me.act_as(STUDENT, "党员")  # a student who is also a Party member
        await me.sees("您好，这里是示范大学「心桥」")

        # The admin creates the survey from its file and pushes it.
        await me.act_as(ADMIN, "组织部管理员")
        await me.type("/survey files")
        await expect(await me.sees("可用于创建问卷的文件")).to_contain_text("canteen.toml")
        await me.type("/survey create canteen.toml")
        ask = await me.sees("将从文件 canteen.toml 创建问卷 canteen-2026")
        await expect(ask).to_contain_text("匿名问卷")
        await me.press("创建问卷", within="将从文件 canteen.toml")
        await me.sees("已创建问卷 canteen-2026")
        await me.type("/survey push canteen-2026")
        await me.press("确认", within="确定推送问卷 canteen-2026")
        progress = await me.sees("📤 问卷 canteen-2026")
        assert web.bot.rt is not None
        for _ in range(10):  # the bot's push sweep (not scheduled in tests), once a second
            await push_sweep(web.bot.rt.sf, SystemClock(), window=100,
                             timezone="Asia/Shanghai", default_locale="zh_CN")
            await asyncio.sleep(1)
            if "待发 0" in (await progress.text_content() or ""):
                break
        # Demo mode links everyone's web account: all four of the audience reached.
        await expect(progress).to_contain_text("已送达 4", timeout=WAIT)
        await expect(progress).to_contain_text("状态：作答中")

        # The student answers in the same page.
        await me.act_as(STUDENT, "党员")  # a student who is also a Party member
        await me.sees("食堂满意度调查")
        await me.press("开始填写", within="食堂满意度调查")
        await me.sees("1/2")
        await me.press("2", within="1/2")
        await me.sees("2/3")
        await me.press("价格", within="2/3")
        await expect(me.message("2/3").locator(".buttons button", has_text="✅ 价格")
                     ).to_be_visible(timeout=WAIT)
        await me.press("口味", within="2/3")
        await expect(me.message("2/3").locator(".buttons button", has_text="✅ 口味")
                     ).to_be_visible(timeout=WAIT)
        await me.press("下一题 ➡️", within="2/3")
        await me.sees("3/3")
        await me.type("希望增加夜宵窗口")
        review = await me.sees("已回答全部 3 题")
        await me.page.screenshot(path=str(ANSWER_SHOT))
        await me.press("✅ 提交问卷", within="已回答全部 3 题")
        await me.sees("✅ 已提交《食堂满意度调查》")
        del review

        # The admin reads the results and their charts.
        await me.act_as(ADMIN, "组织部管理员")
        await me.type("/survey results canteen-2026")
        text = await me.sees("问卷 canteen-2026《食堂满意度调查》结果")
        await expect(me.page.locator("#log")).to_contain_text("价格：1（100.0%）",
                                                              timeout=WAIT)
        await expect(text).to_contain_text("已收 1 份答卷")
        for caption in ("📊 1. 您对食堂的总体满意度？", "📊 2. 不满意的原因？"):
            chart = (await me.sees(caption)).locator("img")
            await expect(chart).to_be_visible(timeout=WAIT)
            await chart.scroll_into_view_if_needed()
            width = await chart.evaluate("img => img.complete ? img.naturalWidth : 0")
            assert width >= 600, f"{caption}: the chart did not load ({width})"
        await me.page.screenshot(path=str(RESULTS_SHOT))
        glyphs = await cjk_rendering(me.page)
        assert await me.page.evaluate("window.__same_page === true"), "the page reloaded"
        assert me.errors == []
        await context.close()
    assert await query(db_url, select(SurveyResponse.answers)) == [
        ({"overall": "2", "why": ["价格", "口味"], "say": "希望增加夜宵窗口"},)]
    require_glyphs(glyphs)
