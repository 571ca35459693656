"""The web page for a person: it follows their language, names their main roles, and draws
emoji in colour. Split from test_web_page.py."""
from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import TYPE_CHECKING

from tests.e2e.test_browser import MEMBER, STUDENT, WAIT, Person
from tests.e2e.test_web_page import _shot, browser  # noqa: F401 - browser: the fixture
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, seed_roster
from tests.support.web import WebBot, WebUser, _token

if TYPE_CHECKING:
    from playwright.async_api import Browser


# --- Language --------------------------------------------------------------------------------

async def test_the_page_follows_a_lang_command_typed_in_the_chat(
        db_url: str, tmp_path: Path, browser: Browser) -> None:
    """`/lang en` typed in the chat turns the page English too (menu, header, placeholder,
    buttons); the page's own language button then sends no second /lang en, and a new
    page of the same link opens in the account's language."""
    from playwright.async_api import expect

    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        stu = await Person.open(browser, web.base, token)
        page = stu.page
        await stu.sees("您好，这里是示范大学「心桥」")
        await stu.type("/lang en")
        await stu.sees("Language set to English.")
        await expect(page.locator("h1")).to_have_text("Xinqiao", timeout=WAIT)
        await expect(page.locator("#menu button", has_text="New concern")).to_be_visible()
        await expect(page.locator("#compose [type=submit]")).to_have_text("Send")
        await expect(page.locator(".photo span")).to_have_text("Photo")
        assert await page.locator("#text").get_attribute("placeholder") == "Type a message…"
        await expect(page.locator("#me")).to_have_text(re.compile(r" · Student$"))
        await expect(page.locator("#lang")).to_have_text("中文")
        # Another page of the same link (no local setting): the account's language.
        other = await Person.open(browser, web.base, token)
        await expect(other.page.locator("h1")).to_have_text("Xinqiao", timeout=WAIT)
        await expect(other.page.locator("#lang")).to_have_text("中文")
        await other.page.wait_for_timeout(1000)
        # Back to Chinese with the page's button: one /lang, one answer.
        await page.locator("#lang").click()
        await stu.sees("已切换为中文")
        await expect(page.locator("h1")).to_have_text("心桥")
        await expect(other.page.locator("h1")).to_have_text("心桥", timeout=WAIT)  # live
        await page.wait_for_timeout(1000)
        history = await WebUser(web, token).history()
        said = [e["html"] for e in history["events"]]
        assert sum("Language set to English." in h for h in said) == 1, said
        assert sum("已切换为中文" in h for h in said) == 1, said
        assert [m["text"] for m in history["mine"]].count("/lang en") == 1
        assert stu.errors == [] and other.errors == []
        await stu.context.close()
        await other.context.close()


async def test_the_header_names_a_persons_main_roles(
        db_url: str, tmp_path: Path, browser: Browser) -> None:
    """陈浩然 is a counsellor (so on the crisis team), a Party member and a branch
    secretary: the header names the first two that say what he does, in that order."""
    from playwright.async_api import expect

    await seed_roster(db_url)
    expected = {"9003000003": ["counsellor", "branch_secretary"],  # 陈浩然
                "9001000001": ["college_committee"],               # also a Party member
                "9103000001": ["psych_centre"],                    # also on the crisis team
                "9104000001": ["admin"], MEMBER: ["party_member"], STUDENT: ["student"]}
    tokens = {n: await _token(db_url, n) for n in expected}
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        for number, roles in expected.items():
            async with web.http.get(web.base + "/api/me",
                                    headers=WebUser(web, tokens[number])._headers()) as r:
                assert (await r.json())["shown"] == roles, number
        person = await Person.open(browser, web.base, tokens["9003000003"])
        await expect(person.page.locator("#me")).to_have_text("陈浩然 · 辅导员 · 支部书记",
                                                              timeout=WAIT)
        await person.page.locator("#lang").click()
        await expect(person.page.locator("#me")).to_have_text(
            "陈浩然 · Counsellor · Branch secretary")
        assert person.errors == []
        await person.context.close()


# --- Emoji ----------------------------------------------------------------------------------

# The emoji as the page draws them: a message and a button of the page (its CSS, its
# lang="zh-CN", which makes Chromium prefer the CJK fonts' own monochrome glyphs), each
# emoji in a span of black text, screenshot and counted for clearly coloured pixels (not
# black, white or grey). A grey boxed "SOS" has none; a colour emoji font's 🆘 has many.
_PROBE_JS = """
(chars) => {
  const msg = document.createElement("div");
  msg.className = "msg";
  const box = document.createElement("div");
  box.className = "buttons";
  const button = document.createElement("button");
  box.appendChild(button);
  chars.forEach((ch, i) => {
    for (const [parent, where] of [[msg, "m"], [button, "b"]]) {
      const span = document.createElement("span");
      span.id = "probe-" + where + i;
      span.style.color = "#000";  // only the font may bring colour
      span.textContent = ch;
      parent.appendChild(span);
    }
  });
  msg.appendChild(box);
  document.getElementById("log").appendChild(msg);
}
"""
_COLOUR_JS = """
async (b64) => {
  // Decoded here, not loaded as an image: the page's CSP allows no data: URLs.
  const bytes = Uint8Array.from(atob(b64), ch => ch.charCodeAt(0));
  const img = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
  const c = document.createElement("canvas");
  c.width = img.width; c.height = img.height;
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0);
  const px = g.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 80) n++;
  }
  return n;
}
"""
EMOJI = ("🆘", "⚠️", "✅", "📝")


async def test_emoji_render_in_colour(db_url: str, tmp_path: Path, browser: Browser) -> None:
    """The crisis page's 🆘 (and the other emoji the texts use) come from a colour emoji
    font, in messages and on buttons, not as a CJK font's grey glyph."""
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        stu = await Person.open(browser, web.base, token)
        page = stu.page
        await stu.sees("您好，这里是示范大学「心桥」")
        await page.evaluate(_PROBE_JS, list(EMOJI))
        colour = {}
        for i, ch in enumerate(EMOJI):
            for where in ("m", "b"):
                shot = await page.locator(f"#probe-{where}{i}").screenshot()
                colour[where, ch] = await page.evaluate(_COLOUR_JS,
                                                        base64.b64encode(shot).decode())
        await _shot(page, "web-emoji.png")
        await stu.context.close()
    assert all(n > 20 for n in colour.values()), colour
