"""/receptions through the real bot in the Telegram fake: a student books the example
leader's next session; a student is refused the admin command; the admin lists the
schedules, gets the specific message for a bad date, moves the booked session (the student
is told once), then cancels it through a confirmation button, answered exactly once (a
second press of the spent button is stale). docs/decisions/0018."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta

from sqlalchemy import select

from storage.tables import AuditLog, ReceptionOverride
from tests.support.chat import ChatUser, unanswered_or_twice
from tests.support.db import materialise_reception, query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

ADMIN, STUDENT = "9104000001", "2023010103"  # 党委组织部's admin; a student
CODE = "R-LEADER1"


async def _book_first(stu: ChatUser) -> str:
    stu.say("/reception")
    listing = await stu.expect("领导接待日（未来四周）")
    book = next(b["text"] for b in stu.buttons(listing) if b["text"].startswith("预约 "))
    await stu.press(listing, book)
    await stu.expect("不提供匿名预约")
    stu.say("图书馆晚上闭馆太早，希望考试周延长开放时间")
    await stu.press(await stu.expect("请确认预约"), "确认预约")
    await stu.expect("✅ 已预约")
    return book.removeprefix("预约 ")


async def test_an_admin_moves_and_cancels_a_booked_session(db_url: str) -> None:
    await seed_roster(db_url)
    await materialise_reception(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            admin = await bound_chat(api, db_url, ADMIN, 7401)
            stu = await bound_chat(api, db_url, STUDENT, 7402)
            day = await _book_first(stu)
            new_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()

            stu.say("/receptions")
            await stu.expect("只有组织部管理员可以管理领导接待日安排。本次尝试已记录。")
            stu.say(f"/receptions cancel {CODE} {day}")
            await stu.expect("只有组织部管理员可以管理领导接待日安排")

            admin.say("/receptions")
            shown = admin.text_of(await admin.expect("领导接待日安排"))
            assert f"<b>{CODE}</b>｜" in shown and "行政楼 201｜14:30–16:30｜每周三" in shown
            assert f"· {day} " in shown and "已预约 1 个议题" in shown and "用法：" in shown
            admin.say(f"/receptions move {CODE} 2026-02-30 {new_day}")
            await admin.expect("「2026-02-30」不是有效日期，请写成 2026-10-14 这样的格式。")
            admin.say("/receptions shift")
            await admin.expect("用法：")

            admin.say(f"/receptions move {CODE} {day} {new_day} 09:00-11:00")
            moved = await admin.expect(f"已将接待安排 {CODE} 原定 {day} 的接待日改到 "
                                       f"{new_day} 09:00–11:00")
            assert "已通知已预约的 1 位师生。" in admin.text_of(moved)
            await stu.expect(f"您预约的领导接待日已调整：现为 {new_day} 09:00–11:00")

            admin.say(f"/receptions cancel {CODE} {new_day}")
            ask = await admin.expect(f"接待安排 {CODE} 在 {new_day} 的接待日已有 1 位师生预约")
            assert admin.labels(ask) == ["确认取消这一场", "不改动"]
            await stu.assert_quiet()  # nothing is cancelled before the confirmation
            await admin.press(ask, "确认取消这一场")
            await admin.expect(f"已取消接待安排 {CODE} 在 {new_day} 的接待日")
            await stu.expect("您预约的领导接待日（原定")
            await admin.press(ask, "确认取消这一场")  # the spent button: stale, said once
            await admin.expect("这个按钮已过期")
            await asyncio.sleep(0.5)  # a second notice or answer would have arrived by now
            await stu.assert_quiet()
            assert unanswered_or_twice([admin, stu]) == {}

    overrides = await query(db_url, select(ReceptionOverride.day, ReceptionOverride.action,
                                           ReceptionOverride.source)
                            .where(ReceptionOverride.source == "command")
                            .order_by(ReceptionOverride.action))
    assert [(d.isoformat(), a, s) for d, a, s in overrides] == [
        (new_day, "cancel", "command"), (day, "move", "command")]
    audits = await query(db_url, select(AuditLog.kind, AuditLog.detail).where(
        AuditLog.kind.in_(("reception_override", "refused"))).order_by(AuditLog.id))
    assert [(k, d.get("action"), d.get("why")) for k, d in audits] == [
        ("refused", "receptions", "not_admin"), ("refused", "receptions", "not_admin"),
        ("reception_override", "move", None), ("reception_override", "cancel", None),
        ("refused", None, "stale_version")]
