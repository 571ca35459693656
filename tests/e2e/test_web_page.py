"""The web chat page in Debian's Chromium: photos as sent, refusals that say why, a chat
that reads in order (live and after a reload), and a layout that fits a phone.

Like tests/e2e/test_browser.py these skip without Chromium and fail under CI=true.
Screenshots land in var/test-artifacts/.
"""
from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from storage.tables import ChannelIdentity, InboxRow
from storage.tables import Person as PersonRow
from tests.e2e.test_browser import MEMBER, STUDENT, WAIT, Person, _concern
from tests.support.browser import chromium
from tests.support.db import query, sweep_followups
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import ROOT, TOKEN, seed_roster
from tests.support.images import png
from tests.support.web import WebBot, WebUser, _token

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

pytestmark = pytest.mark.slow

ARTIFACTS = ROOT / "var" / "test-artifacts"
GPS = b"GPS 31.2304N 121.4737E"
# A JPEG from Chromium's own encoder (a canvas drawn and saved as image/jpeg).
_CANVAS_JPEG = """
async () => {
  const c = document.createElement("canvas");
  c.width = 80; c.height = 60;
  const g = c.getContext("2d");
  g.fillStyle = "#36c"; g.fillRect(0, 0, 80, 60);
  g.fillStyle = "#fc3"; g.fillRect(20, 15, 40, 30);
  const blob = await new Promise(r => c.toBlob(r, "image/jpeg", 0.9));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = ""; for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
"""


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as b:
        yield b


async def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / name))


async def _upload(page: Page, name: str, mime: str, data: bytes) -> None:
    await page.locator("#photo").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}])


async def _no_retry_shown(page: Page) -> None:
    await page.wait_for_timeout(1500)  # the old page said "retrying" within a second
    assert "重试" not in (await page.locator("#status").text_content() or "")


async def test_photos_show_as_sent_and_a_refused_one_says_why(
        db_url: str, tmp_path: Path, browser: Browser) -> None:
    from playwright.async_api import expect

    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path,
                                                      max_upload_mb=1) as web:
        stu = await Person.open(browser, web.base, token)
        page = stu.page
        await stu.sees("您好，这里是示范大学「心桥」")
        await page.locator("#menu button", has_text="提交诉求").click()
        await stu.press("后勤生活")
        await stu.press("求助")
        await stu.sees("请描述您的诉求")

        # A real PNG (with a tEXt chunk, as an editor writes it), through the file input.
        await _upload(page, "水房.png", "image/png", png(size=(64, 48), text=GPS))
        mine = page.locator("#log .msg.mine img").last
        await expect(mine).to_be_visible(timeout=WAIT)
        assert await mine.evaluate("img => img.naturalWidth") == 64  # the picture itself
        await stu.sees("附件 1 个")
        # A real JPEG, encoded by Chromium.
        jpeg = base64.b64decode(await page.evaluate(_CANVAS_JPEG))
        assert jpeg.startswith(b"\xff\xd8\xff")
        await _upload(page, "走廊.jpg", "image/jpeg", jpeg)
        await stu.sees("附件 2 个")
        await expect(page.locator("#log .msg.mine img")).to_have_count(2)
        assert await page.locator("#log .msg.mine.failed").count() == 0
        await _no_retry_shown(page)

        # Refused by the server: shown as not sent, with its reason, and never retried.
        for name, mime, data, reason in (
                ("动画.gif", "image/gif", b"GIF89a" + bytes(64), "只能发送 JPEG 或 PNG 图片，未发送。"),
                ("大图.png", "image/png", png(size=(900, 900)) + bytes(2 * 2**20),
                 "图片太大，未发送（最大 1 MB）。")):
            await _upload(page, name, mime, data)
            failed = page.locator("#log .msg.mine.failed").last
            await expect(failed).to_contain_text(reason, timeout=WAIT)
        await _no_retry_shown(page)
        await expect(page.locator("#log .msg.mine.failed")).to_have_count(2)
        await _shot(page, "web-photos-360.png")

        # After a reload the person's photos are still shown as they sent them.
        await page.reload()
        await expect(page.locator("#log .msg.mine img")).to_have_count(2, timeout=WAIT)
        await expect(page.locator("#log .msg.mine img").first).to_have_js_property(
            "naturalWidth", 64, timeout=WAIT)
        assert stu.errors == []
        await stu.context.close()
    photos = [p["photo"]["mime_type"] for (p,) in await query(db_url, select(InboxRow.payload))
              if p.get("kind") == "photo"]
    assert photos == ["image/png", "image/jpeg"]  # the refused ones were never stored


# --- The chat reads in order -------------------------------------------------------------

_SNAPSHOT = """
() => Array.from(document.querySelectorAll("#log .msg")).map(m => ({
  mine: m.classList.contains("mine"),
  text: Array.from(m.childNodes).filter(n => !(n.classList && n.classList.contains("buttons")))
          .map(n => n.textContent).join("").trim(),
  buttons: Array.from(m.querySelectorAll(".buttons button")).map(b => ({
    label: b.textContent, enabled: !b.disabled, chosen: b.classList.contains("chosen") })),
}))
"""


async def _snapshot(page: Page) -> list[dict[str, Any]]:
    return await page.evaluate(_SNAPSHOT)


def _index(snap: list[dict[str, Any]], fragment: str, start: int = 0,
           mine: bool = False) -> int:
    """The first bubble from ``start`` on (the person's own if ``mine``) with the text."""
    for i in range(start, len(snap)):
        if fragment in snap[i]["text"] and snap[i]["mine"] is mine:
            return i
    raise AssertionError(f"{fragment!r} not shown after #{start}: "
                         f"{[m['text'][:30] for m in snap]}")


def _choice(message: dict[str, Any]) -> tuple[list[str], bool]:
    """(labels marked chosen, without a leading emoji; whether any button is still enabled)."""
    return ([re.sub(r"^\S+ ", "", b["label"]) for b in message["buttons"] if b["chosen"]],
            any(b["enabled"] for b in message["buttons"]))


async def test_the_chat_reads_in_order_live_and_after_a_reload(
        db_url: str, tmp_path: Path, browser: Browser) -> None:
    await seed_roster(db_url)
    student_token, member_token = await _token(db_url, STUDENT), await _token(db_url, MEMBER)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        stu = await Person.open(browser, web.base, student_token)
        page = stu.page
        await stu.sees("您好，这里是示范大学「心桥」")
        await page.locator("#menu button", has_text="提交诉求").click()
        await stu.press("后勤生活")
        await stu.sees("请选择诉求性质")
        await stu.press("求助")
        await stu.sees("请描述您的诉求")
        await stu.type("3号楼二层水房没有热水")
        await stu.press("写好了", within="已收到")
        await stu.press("确认提交", within="请确认您的诉求")
        await stu.sees("诉求已提交，编号")
        number = (await _concern(db_url)).number

        # The member accepts and replies (through the API, as their page would).
        member = WebUser(web, member_token)
        card = await member.expect(f"新诉求 {number}")
        await member.press(card, "签收")
        await member.press(await member.expect("（已签收）"), "答复办结")
        await member.expect("请输入答复内容")
        await member.say("热水已恢复")
        await stu.sees("热水已恢复")

        assert await sweep_followups(db_url, 7) == (1, 0)
        await stu.press("联系过", within="负责的党员是否与您联系过")
        await stu.press("已解决", within="您的问题解决了吗")
        await stu.press("满意", within="您对办理情况满意吗")
        await stu.sees(f"感谢您的评价，诉求 {number} 已办结")
        live = await _snapshot(page)
        await _shot(page, "web-chat-order-live.png")

        # Read from the top: each question, then what answered it, then the next.
        at = 0
        steps = [("提交诉求", True), ("请选择诉求类别", False), ("请选择诉求性质", False),
                 ("请描述您的诉求", False), ("3号楼二层水房没有热水", True), ("已收到", False),
                 ("请确认您的诉求", False), ("诉求已提交", False), ("热水已恢复", False),
                 ("负责的党员是否与您联系过", False), ("您的问题解决了吗", False),
                 ("您对办理情况满意吗", False), ("感谢您的评价", False)]
        for fragment, mine in steps:
            at = _index(live, fragment, at, mine)
        # A pressed button is marked on its card, not echoed as the person's message.
        assert [m["text"] for m in live if m["mine"]] == ["提交诉求", "3号楼二层水房没有热水"]
        for fragment, chosen in (("请选择诉求类别", "后勤生活"), ("请选择诉求性质", "求助"),
                                 ("已收到", "写好了"), ("请确认您的诉求", "确认提交"),
                                 ("负责的党员是否与您联系过", "联系过"),
                                 ("您的问题解决了吗", "已解决"), ("您对办理情况满意吗", "满意")):
            assert _choice(live[_index(live, fragment)]) == ([chosen], False), fragment
        # The summary that was confirmed is still there to read.
        confirm = live[_index(live, "请确认您的诉求")]["text"]
        assert "内容：3号楼二层水房没有热水" in confirm

        # A reload shows the same conversation: order, texts, choices, dead buttons.
        await page.reload()
        await stu.sees(f"感谢您的评价，诉求 {number} 已办结")
        await page.wait_for_timeout(300)
        assert await _snapshot(page) == live
        # An answered 回访 question offers nothing to press, not even after the reload.
        for fragment in ("负责的党员是否与您联系过", "您的问题解决了吗", "您对办理情况满意吗"):
            assert await page.locator("#log .msg").filter(has_text=fragment).locator(
                ".buttons button:enabled").count() == 0, fragment
        assert stu.errors == []
        await stu.context.close()


# --- Layout --------------------------------------------------------------------------------

_MENU = """
() => {
  const menu = document.getElementById("menu").getBoundingClientRect();
  const chips = Array.from(document.querySelectorAll("#menu button")).filter(b => !b.hidden);
  return { menu: { left: menu.left, right: menu.right },
           scroll: document.getElementById("menu").scrollWidth - document.getElementById("menu").clientWidth,
           page: document.documentElement.scrollWidth - window.innerWidth,
           chips: chips.map(b => { const r = b.getBoundingClientRect();
             return { text: b.textContent, left: r.left, right: r.right, height: r.height,
                      clipped: b.scrollWidth > b.clientWidth || b.scrollHeight > b.clientHeight }; }) };
}
"""


async def _menu(page: Page) -> dict[str, Any]:
    return await page.evaluate(_MENU)


async def _account_in_chinese(db_url: str, number: str) -> None:
    """Until the person's web account is stored as zh_CN (the page's /lang is a message
    the bot handles a moment later); a page opened before that would start in English."""
    for _ in range(100):
        rows = await query(db_url, select(ChannelIdentity.locale)
                           .join(PersonRow, PersonRow.id == ChannelIdentity.person_id)
                           .where(PersonRow.number == number, ChannelIdentity.channel == "web"))
        if rows and all(locale in ("zh_CN", None) for (locale,) in rows):  # None: default
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the web account of {number} stayed {rows}")


async def test_the_menu_fits_a_phone_and_follows_the_role(
        db_url: str, tmp_path: Path, browser: Browser) -> None:
    from playwright.async_api import expect

    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        for number, role, chips in ((STUDENT, "学生", ["提交诉求", "我的诉求", "接待日", "帮助"]),
                                    (MEMBER, "党员", ["提交诉求", "我的诉求", "我的待办", "帮助"])):
            token = await _token(db_url, number)
            for size in ({"width": 360, "height": 740}, {"width": 1280, "height": 800}):
                context = await browser.new_context(viewport=size, locale="zh-CN")
                page = await context.new_page()
                await page.goto(f"{web.base}/#token={token}")
                await expect(page.locator("#me")).to_have_text(re.compile(rf" · {role}$"),
                                                               timeout=WAIT)
                await expect(page.locator("#log .msg").first).to_be_visible(timeout=WAIT)
                for lang, labels in (("zh", chips), ("en", None)):
                    if lang == "en":
                        await page.locator("#lang").click()
                        await expect(page.locator("h1")).to_have_text("Xinqiao")
                    shown = await _menu(page)
                    if labels:
                        assert [c["text"] for c in shown["chips"]] == labels
                    assert len(shown["chips"]) == len(chips)
                    for chip in shown["chips"]:
                        assert chip["height"] >= 44, chip  # a finger-sized target
                        assert shown["menu"]["left"] <= chip["left"] < chip["right"] \
                            <= shown["menu"]["right"], (lang, size, chip)
                        assert not chip["clipped"], (lang, size, chip)
                    assert shown["scroll"] <= 0 and shown["page"] <= 0, (lang, size, shown)
                    await _shot(page, f"web-menu-{role}-{lang}-{size['width']}.png")
                # The role in the header follows the language too.
                await expect(page.locator("#me")).to_have_text(
                    re.compile(r" · (Student|Party member)$"))
                await page.locator("#lang").click()  # back to Chinese for the next page
                await expect(page.locator("#me")).to_have_text(re.compile(rf" · {role}$"))
                await _account_in_chinese(db_url, number)  # stored before the next page
                await context.close()
        async with web.http.get(web.base + "/favicon.ico") as r:
            assert r.status == 200 and r.content_type.startswith("image/")
            assert b"<svg" in await r.read()
