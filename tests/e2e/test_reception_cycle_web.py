"""A reception day's whole cycle in the web chat, everyone a web chat user, on a clock the
test moves (never sleeping): the same cycle as tests/e2e/test_reception_cycle.py (Telegram)
through the web chat's JSON API. The example schedule's 10-07 session moved by the
National Day holiday to 10-08 in /reception; a booking of the 09-30 session refused at its
cut-off; bookings with a real PNG uploaded as the page uploads it (multipart, no caption),
a 同问, a second topic; the agenda to the leader and both accompanying heads and the
reminders to the booked, each once though the sweep runs twice; the hour-before agenda;
the record card; a follow-up made a concern of 后勤保障处 due in 5 working days (its
handler gets the task with the photo), an answered one; then that concern's first 催办.
Every press gets exactly one answer (its toast row), and nothing anyone sees is English."""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.ladder_config import ladder_rules
from bot.web.sender import render_event
from bot.web.tokens import issue_tokens
from bot.workcalendar import ChinaWorkCalendar
from core.workdays import add_working_days
from locales import Catalog
from scheduler.ladder_sweep import ladder_sweep
from storage.db import make_engine, session_factory
from storage.outbox import Outgoing
from storage.tables import Concern, InboxRow, OutboxRow, Person, Reminder
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.reception import TZ, local, materialised_with_the_holiday_move, \
    reminder_sweeper
from tests.support.harness import TOKEN, MovableClock, bot_settings, seed_roster
from tests.support.images import png
from tests.support.ladder import outbox_drained
from tests.support.web import WebBot, WebUser

A, B, C, D = "2023010101", "2023010102", "2023010103", "2023010104"
LEADER, JWC, LOG = "9200000001", "9105000001", "9101000001"
PEOPLE = (A, B, C, D, LEADER, JWC, LOG)
PHOTO = png(size=(32, 24))
EVE_AGENDA = "领导接待日议程：2026-10-08 14:30–16:30"
REMINDED = "提醒：您预约的领导接待日在 2026-10-08 14:30–16:30"
SOON = "领导接待日即将开始"



async def _upload(user: WebUser, data: bytes) -> None:
    """A photo as the page sends it (app.js): multipart client_id, after, photo."""
    user.n += 1
    last = (await user.history())["events"][-1]["id"]
    form = aiohttp.FormData()
    form.add_field("client_id", f"m{user.n}")
    form.add_field("after", str(last))
    form.add_field("photo", data, filename="heater.png", content_type="image/png")
    async with user.web.http.post(user.web.base + "/api/messages", data=form,
                                  headers=user._headers()) as r:
        assert (r.status, await r.json()) == (202, {"stored": True, "duplicate": False})


async def _fetch(user: WebUser, url: str) -> tuple[int, bytes, str]:
    async with user.web.http.get(user.web.base + url, headers=user._headers()) as r:
        return r.status, await r.read(), r.content_type


def _labels(event: dict) -> list[str]:
    return [b["label"] for row in event["buttons"] for b in row]


async def _seen(user: WebUser) -> list[str]:
    return [e["html"] for e in (await user.history())["events"]]


async def _count(user: WebUser, fragment: str) -> int:
    return sum(h.count(fragment) for h in await _seen(user))


async def _presses_answered_once(db_url: str) -> int:
    """Every press stored from the web chat got exactly one answer (a toast row), sent;
    no answer without a press. Returns how many presses there were."""
    pressed = {(f"web:{p['person_id']}", p["client_id"]) for (p,) in await query(
        db_url, select(InboxRow.payload).where(InboxRow.channel == "web"))
        if p.get("kind") == "button"}
    answers = Counter((chat, r["callback_id"]) for chat, r, status in await query(
        db_url, select(OutboxRow.chat_id, OutboxRow.reply, OutboxRow.status).where(
            OutboxRow.channel == "web")) if r.get("kind") == "callback_answer"
        and status == "sent")
    assert {k: n for k, n in answers.items() if n != 1} == {}, answers
    assert set(answers) == pressed, (pressed - set(answers), set(answers) - pressed)
    return len(pressed)


async def _nothing_in_english(db_url: str) -> int:
    """Every web row (messages and toasts) in zh_CN, rendered, with no English word left
    once tags, /commands, concern numbers and file URLs are taken out."""
    catalog = Catalog.load("zh_CN")
    rows = await query(db_url, select(OutboxRow).where(OutboxRow.channel == "web"))
    for (r,) in rows:
        assert r.locale == "zh_CN", (r.id, r.reply.get("key"))
        shown = render_event(catalog, Outgoing(r.id, r.channel, r.chat_id, r.person_id,
                                               r.lane, r.reply, r.locale, r.attempts))
        text = " ".join([shown["html"], *(b["label"] for row in shown.get("buttons", ())
                                          for b in row)])
        bare = re.sub(r"<[^>]+>|/[a-z]+\b|[A-Z]+-\d{4}-\d+", "", text)
        assert not re.search(r"[A-Za-z]{3,}", bare), (r.reply.get("key"), text)
        assert "{" not in text and "reception." not in text, text
    return len(rows)


async def test_a_reception_day_in_the_web_chat(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    clock = MovableClock(local(2026, 9, 25, 9))  # Friday
    settings = bot_settings(db_url, "http://unused")
    china = ChinaWorkCalendar()
    engine = make_engine(db_url)
    sf = session_factory(engine)
    tokens = await issue_tokens(sf, list(PEOPLE), clock.now())  # issued "today"

    reminders_at = reminder_sweeper(sf, clock, settings, china)
    await materialised_with_the_holiday_move(db_url, sf, clock, china)
    async with FakeBotAPI(token=TOKEN) as api, \
            WebBot(db_url, api, tmp_path, clock=clock) as web:
        users = {n: WebUser(web, tokens[n]) for n in PEOPLE}
        a, b, c, d, leader, jwc, log = users.values()

        # D starts booking the 09-30 session; by the time the topic is confirmed, the
        # cut-off (Tuesday 16:00) has passed.
        await d.say("/reception")
        listing = await d.expect("领导接待日（未来四周）")
        assert "2026-10-08 14:30–16:30 行政楼 201" in listing["html"]
        assert "原定 2026-10-07" in listing["html"]
        await d.press(listing, "预约 2026-09-30")
        await d.expect("不提供匿名预约")
        clock.at = local(2026, 9, 29, 16, 1)
        await d.say("教学楼电梯经常故障")
        await d.press(await d.expect("请确认预约"), "确认预约")
        await d.expect("该场接待日的预约已截止")

        # A: the topic in words, then a photo from the page's upload button.
        await a.say("/reception")
        await a.press(await a.expect("领导接待日（未来四周）"), "预约 2026-10-08")
        await a.expect("不提供匿名预约")
        await a.say("宿舍楼热水器坏了两周没人修")
        assert "附件 0 个" in (await a.expect("请确认预约"))["html"]
        await _upload(a, PHOTO)
        ask = await a.expect("请确认预约")
        assert "附件 1 个" in ask["html"] and "宿舍楼热水器坏了两周没人修" in ask["html"]
        await a.press(ask, "确认预约")
        await a.expect("✅ 已预约 2026-10-08 14:30–16:30")
        await b.say("/reception")
        await b.press(await b.expect("领导接待日（未来四周）"), "议题 2026-10-08")
        await b.press(await b.expect("已预约的议题"), "同问 #1")
        await b.expect("✅ 已加入")
        await c.say("/reception")
        await c.press(await c.expect("领导接待日（未来四周）"), "预约 2026-10-08")
        await c.expect("不提供匿名预约")
        await c.say("希望图书馆延长开放时间")
        await c.press(await c.expect("请确认预约"), "确认预约")
        await c.expect("✅ 已预约")

        # The working day before (09-30; 10-01..07 are the holiday) at 17:00, twice.
        eve = local(2026, 9, 30, 17)
        assert await reminders_at(eve) >= 2 and await reminders_at(eve) == 0
        for host in (leader, jwc, log):
            agenda = (await host.expect(EVE_AGENDA))["html"]
            assert "宿舍楼热水器坏了两周没人修" in agenda and "希望图书馆延长开放时间" in agenda
            assert "杨子涵（会计学院本科生第一党支部）、黄子涵" in agenda
        for u in (a, b, c):
            await u.expect(REMINDED)

        # 10-01 15:00, a week before: the 下访 of 10-08 is announced to 信息工程学院
        # (nobody here is of that college)
        assert await reminders_at(local(2026, 10, 1, 15)) == 1
        assert await reminders_at(local(2026, 10, 8, 13, 30)) == 1
        for host in (leader, jwc, log):
            await host.expect(SOON)
        end = local(2026, 10, 8, 16, 30)
        assert await reminders_at(end) == 2  # the session's record row and the 下访's
        card = await leader.expect("2026-10-08 14:30–16:30 接待结果记录")
        assert _labels(card)[:2] == ["#1 当场答复", "#1 跟进办理"]

        clock.at = end + timedelta(minutes=5)
        await leader.press(card, "#1 跟进办理")
        await leader.press(await leader.expect("请选择负责跟进"), "后勤保障处")
        made = (await leader.expect("✅ 已转为诉求"))["html"]
        number = re.sub(r"<[^>]+>", "", made).split("已转为诉求 ")[1].split("，")[0]
        card = await leader.expect("尚有 1 个议题待记录")
        assert _labels(card) == ["#2 当场答复", "#2 跟进办理"]
        await leader.press(card, "#2 当场答复")
        await leader.expect("尚有 0 个议题待记录")
        await log.expect(f"新诉求 {number}")
        attached = await log.expect(f"诉求 {number} 的附件 1/1")  # the topic's photo
        [photo] = attached["attachments"]
        assert await _fetch(log, photo["url"]) == (200, PHOTO, "image/png")
        for u in (a, b):
            await u.expect(f"已转为诉求 {number}，由 后勤保障处 跟进办理")
        await c.expect("已记录为当场答复")

        (cid, due, origin, member), = await query(db_url, select(
            Concern.id, Concern.due_reply_at, Concern.origin, Concern.assigned_member_id)
            .where(Concern.number == number))
        assert origin == "reception" and due == add_working_days(clock.at, 5, china, TZ)
        assert [(member,)] == await query(db_url, select(Person.id).where(Person.number == LOG))

        # The ladder takes over: its first 催办 (签收 and 首次联系 at 80% of their limits)
        # to 后勤保障处's contact, and nothing else yet.
        rules = ladder_rules(settings, china)
        await ladder_sweep(sf, clock, rules=rules)
        rows = await query(db_url, select(Reminder.due_at).where(
            Reminder.concern_id == cid, Reminder.step == 0))
        clock.at = min(r for r, in rows) + timedelta(minutes=1)
        await ladder_sweep(sf, clock, rules=rules)
        await log.expect("催办")
        done = await query(db_url, select(Reminder.subject, Reminder.step, Reminder.status)
                           .where(Reminder.concern_id == cid, Reminder.status != "pending"))
        assert sorted(done) == [("accept", 0, "sent"), ("contact", 0, "sent")]
        await outbox_drained(db_url)

        # Each notice once, to exactly the people it is for.
        for host in (leader, jwc, log):
            assert (await _count(host, EVE_AGENDA), await _count(host, SOON)) == (1, 1)
        for u in (a, b, c, d):
            assert await _count(u, REMINDED) == (u is not d)
            assert await _count(u, EVE_AGENDA) == await _count(u, SOON) == 0
        assert await _count(jwc, "接待结果记录") == await _count(log, "接待结果记录") == 0
        assert sum("催办" in h for h in await _seen(log)) == 1
        for u in (a, b, c, d, leader, jwc):
            assert not any("催办" in h for h in await _seen(u))
    assert await _presses_answered_once(db_url) == 11
    assert await _nothing_in_english(db_url) > 40
    await engine.dispose()
