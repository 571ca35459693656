"""领导接待日 in a real headless Chromium (Debian's), demo mode, against the real bot
in-process, with the example roster: a student picked in the demo picker opens /reception,
books the next open session with a topic and sees it under 我的预约; the picker switches to
the leader (9200000001), who opens /reception and presses the session's 📋 接待议程 button
and sees the student's topic and name. A screenshot of the agenda is kept
(/tmp/reception_agenda.png) and Chinese must render as glyphs.

Without Chromium (or the playwright package) this skips and says why; under CI=true it
fails (tests/support/browser.py).
"""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from storage.tables import Person, ReceptionSchedule, ReceptionSession
from tests.support.browser import chromium, cjk_rendering, require_glyphs
from tests.support.db import materialise_reception, query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, seed_roster
from tests.support.web import WebBot

if TYPE_CHECKING:
    from playwright.async_api import Browser, Locator, Page

pytestmark = pytest.mark.slow

STUDENT, LEADER = "2023010103", "9200000001"
TOPIC = "图书馆自习座位不够，希望期末延长开放时间"
PHONE = {"width": 390, "height": 844}
WAIT = 10_000  # ms
SHOT = Path("/tmp/reception_agenda.png")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as b:
        yield b


async def _next_session_day(db_url: str) -> str:
    """The first leader's reception day (not a 下访) the student can still book: its cut-off
    at least 10 minutes away, and the only session of its leader that day (the agenda
    button names the day)."""
    rows = await query(db_url, select(
        ReceptionSession.local_date, ReceptionSession.cutoff_at,
        ReceptionSchedule.contact_unit_id, Person.number)
        .join(ReceptionSchedule, ReceptionSchedule.id == ReceptionSession.schedule_id)
        .join(Person, Person.id == ReceptionSchedule.leader_id)
        .where(ReceptionSession.status != "cancelled", ReceptionSchedule.active)
        .order_by(ReceptionSession.starts_at))
    soon = datetime.now(timezone.utc) + timedelta(minutes=10)
    for day, cutoff, unit, leader in rows:
        same_day = [r for r in rows if r[0] == day and r[3] == leader]
        if leader == LEADER and unit is None and len(same_day) == 1 and \
                cutoff.replace(tzinfo=cutoff.tzinfo or timezone.utc) > soon:
            return day.isoformat()
    raise AssertionError(f"no bookable session of {LEADER} in {rows}")


class Page1:
    """The one demo page; the picker switches who it acts as."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def message(self, text: str) -> Locator:
        return self.page.locator("#log .msg").filter(has_text=text).last

    async def sees(self, text: str) -> Locator:
        from playwright.async_api import expect

        msg = self.message(text)
        await expect(msg).to_be_visible(timeout=WAIT)
        return msg

    async def press(self, label: str, within: str) -> None:
        """The newest button labelled ``label`` (whole, but for a leading emoji) in the
        newest message containing ``within``."""
        whole = re.compile(rf"^(\S+ )?{re.escape(label)}$")
        await self.message(within).locator(".buttons button", has_text=whole).last.click(
            timeout=WAIT)

    async def type(self, text: str) -> None:
        await self.page.locator("#text").fill(text)
        await self.page.locator("#compose [type=submit]").click()

    async def act_as(self, number: str, role: str) -> str:
        """Pick the person in the demo picker; returns their name as the header shows it."""
        from playwright.async_api import expect

        await self.page.locator("#who").select_option(number)
        await expect(self.page.locator("#log .msg").first).to_be_visible(timeout=WAIT)
        chosen = await self.page.locator("#who option:checked").text_content()
        assert chosen and chosen.endswith(number)
        name = chosen.split(" · ")[0]
        await expect(self.page.locator("#me")).to_have_text(f"{name} · {role}")
        return name


async def test_a_student_books_and_the_leader_reads_the_agenda_in_the_browser(
        db_url: str, tmp_path: Path, browser: Browser) -> None:
    from playwright.async_api import expect

    await seed_roster(db_url)
    await materialise_reception(db_url)
    day = await _next_session_day(db_url)
    (student_name,), = await query(db_url, select(Person.name).where(Person.number == STUDENT))
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        context = await browser.new_context(viewport=PHONE, device_scale_factor=2,
                                            locale="zh-CN")
        me = Page1(await context.new_page())
        await me.page.goto(web.base + "/")
        await me.page.evaluate("window.__same_page = true")
        await expect(me.page.locator("#demo")).to_be_visible(timeout=WAIT)

        # The student books the next session with a topic.
        assert await me.act_as(STUDENT, "学生") == student_name
        await me.sees("您好，这里是示范大学「心桥」")
        await me.type("/reception")
        listing = await me.sees("领导接待日（未来四周）")
        await expect(listing).to_contain_text("我的预约")
        await me.press(f"预约 {day}", within="领导接待日（未来四周）")
        await me.sees("不提供匿名预约")
        await me.type(TOPIC)
        confirm = await me.sees("请确认预约")
        await expect(confirm).to_contain_text(f"议题：{TOPIC}")
        await me.press("确认预约", within="请确认预约")
        await me.sees(f"✅ 已预约 {day}")
        await me.type("/reception")
        await expect(me.page.locator("#log .msg").filter(has_text="领导接待日（未来四周）")
                     ).to_have_count(2, timeout=WAIT)
        mine = me.message("领导接待日（未来四周）")
        await expect(mine).to_contain_text(re.compile(
            rf"我的预约\s*· {day} \d\d:\d\d–\d\d:\d\d .+：{TOPIC}"))
        await expect(mine.locator(".buttons button", has_text=f"取消 {day} 的预约")
                     ).to_be_visible()

        # The leader, in the same page: /reception, then the session's agenda.
        await me.act_as(LEADER, "校领导")
        await expect(me.page.locator("#log")).not_to_contain_text(TOPIC)  # not the student's
        await me.type("/reception")
        await me.sees("领导接待日（未来四周）")
        await me.press(f"{day} 接待议程", within="领导接待日（未来四周）")
        agenda = me.message("领导接待日议程")
        await expect(agenda).to_be_visible(timeout=WAIT)
        await expect(agenda).to_contain_text(f"{day} ")
        await expect(agenda).to_contain_text(TOPIC)
        await expect(agenda).to_contain_text(f"反映人：{student_name}")
        await agenda.scroll_into_view_if_needed()
        await me.page.screenshot(path=str(SHOT))
        glyphs = await cjk_rendering(me.page)
        assert await me.page.evaluate("window.__same_page === true"), "the page reloaded"
        assert me.errors == []
        await context.close()
    assert SHOT.stat().st_size > 10_000
    require_glyphs(glyphs)
