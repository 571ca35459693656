"""Attachments Telegram refuses: the member learns at once that one could not be shown
(and how many there are), nothing is retried for minutes, and admins never see raw
library errors."""
from __future__ import annotations

from sqlalchemy import select

from storage.tables import OutboxRow
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

STUDENT, MEMBER, ADMIN = "2023010103", "2022010202", "9104000001"
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"
RAW = ("Telegram", "Bad Request", "wrong file", "Exception", "Error", "Traceback")


async def _submit_with_photos(api: FakeBotAPI, stu, photos: int) -> None:  # noqa: ANN001
    stu.say("3号楼水管漏水，见照片")
    await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
    await stu.press(await stu.expect("请选择诉求性质"), "求助")
    await stu.expect("请确认您的诉求")
    for n in range(1, photos + 1):
        api.push_photo(stu.user_id, f"photo-{n}")
        added = await stu.expect(f"附件 {n} 个")
    await stu.press(added, "✅ 写好了")
    await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
    await stu.expect("诉求已提交")


async def test_a_refused_photo_falls_back_to_a_line_at_once(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            stu = await bound_chat(api, db_url, STUDENT, 5001)
            member = await bound_chat(api, db_url, MEMBER, 6001)
            admin = await bound_chat(api, db_url, ADMIN, 9001)
            # The second photo's file_id is one Telegram will not take from this bot.
            api.inject("sendPhoto", 400, count=None, chat_id=6001, description=WRONG_FILE,
                       when={"photo": "photo-2"})
            await _submit_with_photos(api, stu, 3)
            card = await member.expect("新诉求")
            assert "附件：3 个" in member.text_of(card)
            first = await member.expect("附件 1/3")
            assert first.method == "sendPhoto" and first.params["photo"] == "photo-1"
            line = await member.expect("附件 2/3", timeout=5)
            assert "图片无法在此显示" in member.text_of(line)
            assert line.method == "sendMessage"
            third = await member.expect("附件 3/3")
            assert third.method == "sendPhoto" and third.params["photo"] == "photo-3"
            await admin.assert_quiet(wait=0.5)  # no alert: nothing was parked
    rows = await query(db_url, select(OutboxRow.status, OutboxRow.reply).where(
        OutboxRow.chat_id == "6001"))
    assert {s for s, _ in rows} == {"sent"}  # none parked as dead, none waiting


async def test_admins_get_a_sentence_not_a_library_error(db_url: str) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            stu = await bound_chat(api, db_url, STUDENT, 5001)
            await bound_chat(api, db_url, MEMBER, 6001)
            admin = await bound_chat(api, db_url, ADMIN, 9001)
            api.inject("sendMessage", 400, count=None, chat_id=6001,
                       description="Bad Request: chat not found")
            stu.say("3号楼水管漏水")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
            await stu.expect("诉求已提交")
            alert = admin.text_of(await admin.expect("无法发送"))
            assert not [w for w in RAW if w in alert], alert
            assert "会话" in alert
