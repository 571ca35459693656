"""The fake Bot API refuses what Telegram refuses, so a bot that gets it wrong fails here
before it fails in production: HTML, unknown chats and messages, callback answers, and
(opt-in) flood control."""
from __future__ import annotations

import asyncio

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter

from tests.support.fake_bot_api import FakeBotAPI
from tests.unit.test_fake_bot_api import TOKEN, make_bot


@pytest.fixture
async def api():  # noqa: ANN201
    async with FakeBotAPI(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(api):  # noqa: ANN001, ANN201
    client = make_bot(api.base_url)
    yield client
    await client.session.close()


@pytest.mark.parametrize("text", [
    "用法：/merge <number> <duplicate>",  # a placeholder that looks like a tag
    "<b>没有关闭", "A & B", "<b><i>交叉</b></i>", '<a href="x" onclick="y">链接</a>',
    "<span>无 class</span>", "1 > 0",
])
async def test_html_telegram_cannot_parse_is_refused(api, bot, text: str) -> None:  # noqa: ANN001
    api.add_chat(5)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(5, text, parse_mode="HTML")
    # The same text without parse_mode is plain text and goes out.
    assert (await bot.send_message(5, text)).text == text


async def test_length_counts_what_the_reader_sees(api, bot) -> None:  # noqa: ANN001
    api.add_chat(5)
    await bot.send_message(5, "<b>" + "字" * 4096 + "</b>", parse_mode="HTML")  # tags are free
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(5, "&amp;" * 4097, parse_mode="HTML")  # each entity is one


async def test_only_chats_that_talked_to_the_bot_can_be_written_to(api, bot) -> None:  # noqa: ANN001
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await bot.send_message(31, "你好")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(-1001234, "大家好")
    api.push_text(31, "/start")
    assert (await bot.send_message(31, "你好")).chat.id == 31


async def test_an_edit_needs_a_message_the_bot_sent(api, bot) -> None:  # noqa: ANN001
    api.push_text(32, "你好")
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("改", chat_id=32, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("改", chat_id=32, message_id=1)  # the user's own
    sent = await bot.send_message(32, "原文")
    assert (await bot.edit_message_text("改", chat_id=32, message_id=sent.message_id)).text == "改"


async def test_callback_answers_follow_telegrams_rules(api, bot) -> None:  # noqa: ANN001
    api.push_text(33, "/start")
    msg = await bot.send_message(33, "选一个")
    api.push_callback(33, "x1:new::0", msg.message_id)
    first, second = api.callback_ids[-1], None
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("cbq-never-pushed")
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(first, text="长" * 201)
    assert await bot.answer_callback_query(first, text="好" * 200)
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(first)  # a second answer
    api.callback_ttl = 0.05
    api.push_callback(33, "x1:new::0", msg.message_id)
    second = api.callback_ids[-1]
    await asyncio.sleep(0.1)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(second)
    assert api.callback_answers() == {first: 3, second: 1, "cbq-never-pushed": 1}


async def test_flood_control_is_opt_in_and_answers_429_with_retry_after(api, bot) -> None:  # noqa: ANN001
    api.add_chat(*range(100, 160))
    for _ in range(3):  # off by default: Telegram's limits are not what most tests test
        await bot.send_message(100, "快")
    api.flood_control(per_chat=1.0, overall=30.0)
    await bot.send_message(101, "一")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(101, "二")
    assert caught.value.retry_after >= 1
    sent, refused = 0, 0
    for chat in range(102, 160):  # 58 chats at once: far above 30/s overall
        try:
            await bot.send_message(chat, "群发")
            sent += 1
        except TelegramRetryAfter:
            refused += 1
    # The fake allows a quarter more than the rate (jitter between send and arrival).
    assert sent <= 37 and refused >= 20
