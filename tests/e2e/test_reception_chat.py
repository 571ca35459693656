"""/reception through the real bot in the Telegram fake: a student lists the example
leader's sessions, is told anonymous booking is not offered, books one with a topic,
another joins the topic (同问) seeing only its first 30 characters, the first cancels; a
guest is refused. Every pressed button is answered once (the fake checks)."""
from __future__ import annotations

from sqlalchemy import select

from storage.tables import AuditLog, ReceptionBooking, ReceptionTopic
from tests.support.chat import ChatUser
from tests.support.db import materialise_reception, query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

STUDENT, OTHER = "2023010103", "2023010101"
TOPIC = "学生公寓晚上十一点后热水供应不足，希望学校协调后勤延长供应时间并公布维修电话"


async def _materialise(db_url: str) -> None:
    await materialise_reception(db_url)


async def test_book_join_and_cancel_a_reception_day(db_url: str) -> None:
    await seed_roster(db_url)
    await _materialise(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url)):
            stu = await bound_chat(api, db_url, STUDENT, 7101)
            other = await bound_chat(api, db_url, OTHER, 7102)
            guest = ChatUser(api, 7103, "访客")

            stu.say("/reception")
            listing = await stu.expect("领导接待日（未来四周）")
            text = stu.text_of(listing)
            assert "行政楼 201" in text and "剩余名额 6 个议题" in text and "（暂无预约）" in text
            book = [b["text"] for b in stu.buttons(listing) if b["text"].startswith("预约 ")][0]
            day = book.removeprefix("预约 ")
            await stu.press(listing, book)
            await stu.expect("不提供匿名预约")
            stu.say(TOPIC)
            ask = await stu.expect("请确认预约")
            assert TOPIC in stu.text_of(ask)
            await stu.press(ask, "确认预约")
            await stu.expect(f"✅ 已预约 {day} 14:30–16:30 的领导接待日（行政楼 201")

            stu.say("/reception")
            mine = await stu.expect("我的预约")
            assert TOPIC[:30] in stu.text_of(mine) and "剩余名额 5 个议题" in stu.text_of(mine)
            assert f"取消 {day} 的预约" in stu.labels(mine) and book not in stu.labels(mine)

            other.say("/reception")
            listing = await other.expect("领导接待日（未来四周）")
            await other.press(listing, f"议题 {day}")
            topics = await other.expect("已预约的议题")
            assert f"#1 {TOPIC[:30]}…（1/3 人）" in other.text_of(topics)
            assert TOPIC[30:] not in other.text_of(topics) and "测试" not in other.text_of(topics)
            await other.press(topics, "同问 #1")
            await other.expect("✅ 已加入")
            await other.press(topics, "同问 #1")  # pressed again: refused, audited
            await other.expect("您已预约（或同问）了该场接待日")

            guest.say("/reception")
            listing = await guest.expect("领导接待日（未来四周）", allow=("隐私说明",))
            await guest.press(listing, book)
            await guest.expect("只有花名册中的师生可以预约领导接待日", allow=("隐私说明",))

            await stu.press(mine, f"取消 {day} 的预约")
            await stu.expect(f"已取消 {day} 14:30–16:30 的预约")

    topics = await query(db_url, select(ReceptionTopic.text, ReceptionTopic.cancelled_at))
    assert [(t, c is None) for t, c in topics] == [(TOPIC, True)]  # the joiner is still on it
    live = await query(db_url, select(ReceptionBooking.id).where(
        ReceptionBooking.cancelled_at.is_(None)))
    assert len(live) == 1
    whys = await query(db_url, select(AuditLog.detail).where(AuditLog.kind == "refused"))
    assert [d["why"] for (d,) in whys] == ["already_booked", "not_on_roster"]
