"""The Telegram HTML checker (tests/support/telegram_html.py) and the sender's cut to
Telegram's length (bot/telegram/render.fit): what Telegram refuses is refused here too."""
from __future__ import annotations

import html

import pytest

from bot.telegram.render import CAPTION_LIMIT, TEXT_LIMIT, fit
from handlers.inbound import content_name
from locales import Catalog
from tests.support.telegram_html import check_message, problems, utf16_length, visible_text


@pytest.mark.parametrize("text", [
    "plain", "<b>bold</b> &amp; <i>it</i>", "&lt;&gt;&quot;&#39;&#x1F600;",
    '<a href="https://t.me/x?a=1&amp;b=2">link</a>', '<span class="tg-spoiler">s</span>',
    "<pre><code class=\"language-python\">x</code></pre>", "<blockquote expandable>q</blockquote>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "<b><i>nested</i></b>", "🙂 中文"])
def test_what_telegram_accepts(text: str) -> None:
    assert problems(text) == []


@pytest.mark.parametrize(("text", "why"), [
    ("Usage: /merge <duplicate number> <original>", "unsupported tag"),
    ("Campus life & logistics", "bare '&'"),
    ("a &nbsp; b", "bare '&'"),
    ("<script>x</script>", "unsupported tag"),
    ("<b>open", "never closed"),
    ("<b><i>x</b></i>", "does not match"),
    ("x</b>", "closes nothing"),
    ("1 < 2", "bare '<'"),
    ("2 > 1", "bare '>'"),
    ('<span class="red">x</span>', "bad value"),
    ("<a>x</a>", "lacks 'href'"),
    ('<b class="x">x</b>', "not allowed"),
    ("<code><b>x</b></code>", "inside <code>"),
])
def test_what_telegram_refuses(text: str, why: str) -> None:
    found = problems(text)
    assert any(why in f for f in found), found


def test_length_is_counted_as_telegram_does() -> None:
    assert utf16_length("<b>a&amp;b</b>") == 3  # tags are free, an entity is one character
    assert utf16_length("👍") == 2  # outside the BMP: two UTF-16 units
    assert check_message("<b>" + "x" * TEXT_LIMIT + "</b>") == []
    assert check_message("x" * (TEXT_LIMIT + 1)) != []
    assert check_message("<b> </b>") != []  # empty once parsed


@pytest.mark.parametrize("limit", [TEXT_LIMIT, CAPTION_LIMIT])
@pytest.mark.parametrize("body", ["&lt;" * 5000, "中" * 5000, "👍" * 3000, "ab&amp;" * 2000])
def test_fit_cuts_long_html_to_valid_html_within_the_limit(body: str, limit: int) -> None:
    text = f"<b>Title</b>\n<i>{body}</i>"
    cut = fit(text, limit)
    assert problems(cut) == [] and utf16_length(cut) <= limit
    assert cut.endswith("…</i>") and utf16_length(cut) >= limit - 2


def test_fit_leaves_a_text_within_the_limit_alone() -> None:
    text = "<b>x</b> &amp; " + "y" * (TEXT_LIMIT - 10)
    assert fit(text) == text
    exact = "<b>x</b> &amp; " + "y" * (TEXT_LIMIT - 4)  # exactly the limit once parsed
    assert utf16_length(exact) == TEXT_LIMIT and fit(exact) == exact


def test_an_unsupported_message_is_named_never_by_its_raw_type() -> None:
    cat = Catalog.load()
    say = lambda loc, kind: visible_text(cat.render(  # noqa: E731
        loc, "error.unsupported", {"content": content_name(kind)}, html.escape))
    assert say("zh_CN", "sticker").startswith("暂不支持贴纸。")
    assert say("zh_CN", "location").startswith("暂不支持位置。")
    assert say("zh_CN", "giveaway").startswith("暂不支持这类消息。")
    assert say("zh_CN", None).startswith("暂不支持这类消息。")
    assert say("en", "voice").startswith("I can't read voice messages yet.")
    assert say("en", "<b>").startswith("I can't read this kind of message yet.")
