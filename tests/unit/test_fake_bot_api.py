"""The fake Bot API must look like Telegram to a real aiogram Bot.

Everything goes through aiogram's own HTTP session so that a fake which
aiogram cannot parse, or errors aiogram would classify differently, fail here
rather than in confusing ways in the bot's own tests.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from tests.support.fake_bot_api import (
    FakeBotAPI,
    FakeBotAPIControl,
    Upload,
    spawn_standalone,
    stop_standalone,
)

TOKEN = "123:ABC"


class LoopbackSession(AiohttpSession):
    async def close(self) -> None:
        # aiogram sleeps 250 ms on close to let SSL connections drain; there is
        # no SSL on loopback, and that sleep would dominate this file's runtime.
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(base_url: str, token: str = TOKEN) -> Bot:
    return Bot(token, session=LoopbackSession(api=TelegramAPIServer.from_base(base_url)))


@pytest.fixture
async def api():
    async with FakeBotAPI(token=TOKEN) as fake:
        fake.add_chat(1, 3, 5, 6, 9, 11, 42, 43, 77)  # users who pressed Start before
        yield fake


@pytest.fixture
async def bot(api):
    client = make_bot(api.base_url)
    yield client
    await client.session.close()


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=d, callback_data=d) for d in data]]
    )


async def test_get_me_and_http_errors(api, bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123, True, "xinqiao_test_bot")

    wrong = make_bot(api.base_url, token="999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_me()
    finally:
        await wrong.session.close()

    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api.base_url}/bot{TOKEN}/noSuchMethod", json={}) as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404,
                                         "description": "Not Found"}
        # Plain JSON clients (curl, other tools) work too; reply_markup may
        # arrive as a JSON string and is still logged decoded.
        markup = '{"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}'
        async with http.post(f"{api.base_url}/bot{TOKEN}/SENDMESSAGE",
                             json={"chat_id": 5, "text": "123", "reply_markup": markup}) as resp:
            assert (await resp.json())["result"]["reply_markup"]["inline_keyboard"]
    assert [(c.method, c.response_status) for c in api.calls] == [
        ("getMe", 200), ("getMe", 401), ("noSuchMethod", 404), ("sendMessage", 200)]
    assert api.calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
    assert api.texts(5) == ["123"]


async def test_get_updates_offset_confirms_and_limit(api, bot):
    ids = [api.push_text(7, f"m{i}") for i in range(3)]
    assert ids == [1000, 1001, 1002]

    first = await bot.get_updates()
    assert [u.update_id for u in first] == ids
    assert first[0].message.text == "m0" and first[0].message.from_user.id == 7

    again = await bot.get_updates(offset=1002)
    assert [u.update_id for u in again] == [1002]
    # Confirmed updates are gone for good, even when polling without offset.
    assert [u.update_id for u in await bot.get_updates()] == [1002]
    assert api.confirmed_offset == 1002

    api.push_text(7, "m3")
    api.push_text(7, "m4")
    limited = await bot.get_updates(offset=1003, limit=1)
    assert [u.update_id for u in limited] == [1003]
    assert [u["update_id"] for u in api.pending_updates()] == [1003, 1004]

    # Simulated id restart: lower ids than the bot's offset are dropped.
    api.next_update_id = 1
    assert api.push_text(7, "after restart") == 1
    assert [u.update_id for u in await bot.get_updates(offset=1005)] == []


async def test_long_poll_times_out_and_wakes_on_push(api, bot):
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2.5

    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    api.push_text(8, "wake up")
    updates = await poll
    assert [u.message.text for u in updates] == ["wake up"]
    assert time.monotonic() - started < 1


async def test_second_long_poll_conflicts_first(api):
    first, second = make_bot(api.base_url), make_bot(api.base_url)
    try:
        poll = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        assert await second.get_updates(timeout=0) == []
        with pytest.raises(TelegramConflictError):
            await poll
    finally:
        await first.session.close()
        await second.session.close()


async def test_send_message_is_parsed_and_logged(api, bot):
    one = await bot.send_message(42, "你好", reply_markup=keyboard("yes", "no"))
    two = await bot.send_message(42, "second")
    other = await bot.send_message(43, "elsewhere")
    assert (one.message_id, two.message_id, other.message_id) == (1, 2, 1)
    assert one.chat.id == 42 and one.chat.type == "private"
    assert one.from_user.id == 123 and one.text == "你好"
    assert one.reply_markup.inline_keyboard[0][1].callback_data == "no"

    assert api.texts(42) == ["你好", "second"]
    sent = api.sent(chat_id=42)
    assert [c.method for c in sent] == ["sendMessage", "sendMessage"]
    assert sent[0].params["chat_id"] == 42  # form values decoded to their types
    assert sent[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    assert sent[0].at <= sent[1].at
    assert len(api.sent(method="sendMessage")) == 3


async def test_retry_after_injection(api, bot):
    api.inject("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(1, "x")
    assert info.value.retry_after == 7
    assert "retry after 7" in info.value.message
    await bot.send_message(1, "x")  # count=1: only one failure
    assert [c.response_status for c in api.calls] == [429, 200]
    assert api.texts(1) == ["x"]  # failed attempts are not "sent"
    assert len(api.sent(1, include_failed=True)) == 2


async def test_forbidden_injection_and_block(api, bot):
    api.inject("sendMessage", 403, chat_id=5)
    await bot.send_message(6, "other chat unaffected")
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(5, "x")

    api.block(5)
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_photo(5, "photo-id")
    api.unblock(5)
    await bot.send_message(5, "back")
    assert api.errors["sendMessage"] == 1 and api.errors["sendPhoto"] == 2


async def test_server_error_and_slow(api, bot):
    api.inject("*", 500, count=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(1, "x")
    api.slow("getMe", 0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3


async def test_telegram_bad_requests(api, bot):
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1, "长" * 4097)
    await bot.send_message(1, "长" * 4096)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1, "")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1, "x", reply_markup=keyboard("d" * 65))
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1, "你好 <张三>", parse_mode="HTML")
    await bot.send_message(1, "你好 &lt;张三&gt; <b>ok</b>", parse_mode="HTML")
    assert [c.response_status for c in api.calls] == [400, 200, 400, 400, 400, 200]


async def test_callback_round_trip_and_edits(api, bot):
    sent = await bot.send_message(77, "确认?", reply_markup=keyboard("yes", "no"))
    api.push_callback(77, "yes", sent.message_id)
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query.data == "yes" and query.from_user.id == 77
    assert query.message.message_id == sent.message_id and query.message.text == "确认?"

    assert await bot.answer_callback_query(query.id, text="ok") is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)

    edited = await bot.edit_message_text("已确认", chat_id=77, message_id=sent.message_id)
    assert edited.text == "已确认" and edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("已确认", chat_id=77, message_id=sent.message_id)
    marked = await bot.edit_message_reply_markup(
        chat_id=77, message_id=sent.message_id, reply_markup=keyboard("undo"))
    assert marked.reply_markup.inline_keyboard[0][0].callback_data == "undo"
    assert api.texts(77) == ["确认?"]  # edits are not new texts


async def test_update_builders_parse_in_aiogram(api, bot):
    api.push_command(1, "/start abc")
    api.push_photo(1, "ph-1", caption="cap")
    api.push_document(1, "doc-1", "roster.xlsx", "application/vnd.ms-excel", content=b"xlsx")
    api.push_sticker(1)
    api.push_voice(1)
    api.push_group_text(-100, 2, "hi group")
    updates = await bot.get_updates()
    messages = [u.message for u in updates]
    assert messages[0].entities[0].type == "bot_command"
    assert messages[1].photo[-1].file_id == "ph-1" and messages[1].caption == "cap"
    assert messages[2].document.file_name == "roster.xlsx"
    assert messages[3].sticker is not None and messages[4].voice is not None
    assert messages[5].chat.type == "group" and messages[5].chat.id == -100
    # Incoming and outgoing messages share the per-chat id sequence.
    assert [m.message_id for m in messages[:5]] == [1, 2, 3, 4, 5]

    file = await bot.get_file("doc-1")
    downloaded = await bot.download_file(file.file_path)
    assert downloaded.read() == b"xlsx"


async def test_uploads_and_commands(api, bot):
    photo = await bot.send_photo(3, "file-xyz", caption="see")
    assert photo.photo[-1].file_id == "file-xyz" and photo.caption == "see"
    doc = await bot.send_document(3, BufferedInputFile(b"a,b\n", filename="export.csv"))
    assert doc.document.file_name == "export.csv"
    upload = api.sent(3, method="sendDocument")[0].params["document"]
    assert isinstance(upload, Upload) and upload.data == b"a,b\n"
    assert api.texts(3) == ["see"]

    from aiogram.types import BotCommand

    assert await bot.set_my_commands([BotCommand(command="start", description="开始")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start", description="x")])
    assert await bot.delete_my_commands() and await bot.get_my_commands() == []
    assert await bot.delete_webhook(drop_pending_updates=True)
    # aiogram sends strings raw: numeric-looking text must not turn into an int.
    assert (await bot.send_message(3, "007")).text == "007"
    assert api.texts(3) == ["see", "007"]


async def test_wait_for_and_reset(api, bot):
    async def later():
        await asyncio.sleep(0.05)
        await bot.send_message(9, "done")

    task = asyncio.create_task(later())
    assert await api.wait_for(lambda a: a.texts(9), timeout=2) == ["done"]
    await task
    with pytest.raises(TimeoutError, match="sendMessage"):
        await api.wait_for(lambda a: len(a.texts(9)) > 1, timeout=0.05)
    api.reset_calls()
    assert api.calls == [] and api.texts(9) == []


async def test_standalone_process_with_control():
    proc, base_url = await spawn_standalone(TOKEN)
    bot = make_bot(base_url)
    try:
        async with FakeBotAPIControl(base_url) as control:
            ids = await control.push([
                {"kind": "text", "user_id": 11, "text": "来自控制"},
                {"message": {"message_id": 99, "date": 0, "chat": {"id": 12, "type": "private"},
                             "text": "raw"}},
            ])
            assert ids == [1000, 1001]
            updates = await bot.get_updates(timeout=1)
            assert [u.message.text for u in updates] == ["来自控制", "raw"]

            await bot.send_message(11, "reply")
            await control.inject("sendMessage", 429, retry_after=2)
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(11, "again")
            stats = await control.wait_for_count("sendMessage", 2, timeout=5)
            assert stats["pending_updates"] == 2 and stats["counts"]["getUpdates"] == 1

            calls = await control.calls(since=1)
            assert [(c["method"], c["response_status"]) for c in calls] == [
                ("sendMessage", 200), ("sendMessage", 429)]
            assert calls[0]["params"]["text"] == "reply"

            await control.block(11)
            with pytest.raises(TelegramForbiddenError):
                await bot.send_message(11, "blocked")
            await control.reset()
            assert (await control.stats())["total_calls"] == 0
    finally:
        await bot.session.close()
        assert await stop_standalone(proc) == 0
