"""/feed through the real bot (Telegram fake) with its web server on a free port: a leader
gets a calendar link that the web server serves, and a button that stops it; a student
and a guest are refused (and the refusals audited). Every press is answered once."""
from __future__ import annotations

import re
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from storage.tables import AuditLog
from tests.support.chat import ChatUser
from tests.support.db import materialise_reception, query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, bound_chat, seed_roster
from tests.support.web import WebBot

LEADER, STUDENT = "9200000001", "2023010101"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/feeds/reception/[A-Za-z0-9_-]{43}\.ics")


async def test_a_leader_gets_and_stops_a_feed_link_others_are_refused(
        db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    await materialise_reception(db_url, weeks=4)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        student = await bound_chat(api, db_url, STUDENT, 7401)
        guest = ChatUser(api, 7402, "访客")
        leader = await bound_chat(api, db_url, LEADER, 7403)
        for refused in (student, guest):
            refused.say("/feed")
            await refused.expect("只有校领导可以获取接待日日历订阅链接", allow=("隐私说明",))

        leader.say("/feed")
        shown = await leader.expect("接待日日历订阅链接")
        assert leader.labels(shown) == ["停止订阅链接"]
        [link] = LINK.findall(leader.text_of(shown))
        assert link.startswith(web.base + "/")
        async with web.http.get(link) as r:  # no web chat token
            assert (r.status, r.headers["Content-Type"]) == (200, "text/calendar; charset=utf-8")
            events = Calendar.from_ical(await r.read()).walk("VEVENT")
        assert sum(str(e["location"]) == "行政楼 201" for e in events) >= 3

        await leader.press(shown, "停止订阅链接")
        await leader.expect("已停用您的接待日日历订阅链接")
        async with web.http.get(link) as r:
            assert r.status == 404
    kinds = [(k, d.get("why") or d.get("action"))
             for k, d in await query(db_url, select(AuditLog.kind, AuditLog.detail).where(
                 AuditLog.kind.in_(["refused", "reception_feed"])).order_by(AuditLog.id))]
    assert kinds == [("refused", "not_leader"), ("refused", "not_leader"),
                     ("reception_feed", "issue"), ("reception_feed", "revoke")]
