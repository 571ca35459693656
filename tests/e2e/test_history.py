"""A concern's history: /history through the real bot (requester, handler of an anonymous
concern, an unrelated student, a long record) and `python -m bot history` for operators."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.tables import AuditLog, Concern, ConcernEvent, Person
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, bot_settings, bound_chat, seed_roster

ROOT = Path(__file__).resolve().parents[2]
STUDENT, MEMBER, OTHER = "2023010103", "2022010202", "2023030102"  # 3号楼; its member; another
NUMBER = "DEMO-2026-000001"
TZ = ZoneInfo("Asia/Shanghai")  # config.toml's [app] timezone
TIME = re.compile(r"^\d\d-\d\d \d\d:\d\d ")


async def _people(db_url: str) -> dict[str, tuple[int, str]]:
    return {n: (i, name) for i, n, name in await query(db_url, select(
        Person.id, Person.number, Person.name).where(Person.number.in_([STUDENT, MEMBER])))}


async def _add_events(db_url: str, concern_id: int, count: int, start: datetime) -> None:
    engine = make_engine(db_url)
    try:
        async with session_factory(engine)() as s, s.begin():
            for i in range(count):
                s.add(ConcernEvent(concern_id=concern_id, kind="ladder_remind",
                                   from_status=None, to_status=None, actor_id=None,
                                   detail={"subject": "reply", "late_minutes": 0},
                                   created_at=start + timedelta(minutes=i)))
    finally:
        await engine.dispose()


async def test_history_in_chat_respects_access_and_anonymity(db_url: str) -> None:
    await seed_roster(db_url)
    people = await _people(db_url)
    student_name, member_name = people[STUDENT][1], people[MEMBER][1]
    async with FakeBotAPI(token=TOKEN) as api:
        async with RunningBot(bot_settings(db_url, api.base_url,
                                           outbox={"per_chat_per_second": 50.0})):
            stu = await bound_chat(api, db_url, STUDENT, 5001, name="小陈的号")
            m = await bound_chat(api, db_url, MEMBER, 6001)
            other = await bound_chat(api, db_url, OTHER, 5002)
            stu.say("水房没有热水")
            await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
            await stu.press(await stu.expect("请选择诉求性质"), "求助")
            await stu.press(await stu.expect("请确认您的诉求"), "🙈 匿名提交")
            await stu.expect("诉求已提交")
            await m.press(await m.expect("新诉求"), "✅ 签收")
            await m.expect("已签收")
            await stu.expect("已由负责的党员签收")

            # The requester: every event, oldest first, in the configured zone; "您" for them.
            stu.say(f"/history {NUMBER.lower()}")
            text = stu.text_of(await stu.expect("办理记录"))
            head, *lines = text.split("\n")
            assert f"诉求 {NUMBER} 的办理记录" in head and "共 3 条" in head
            assert all(TIME.match(line) for line in lines), lines
            assert [line[12:] for line in lines] == [
                "您：提交诉求", "系统：派单", f"{member_name}：签收"]
            (first,) = await query(db_url, select(ConcernEvent.created_at).where(
                ConcernEvent.kind == "received"))
            assert lines[0].startswith(first[0].astimezone(TZ).strftime("%m-%d %H:%M"))

            # The handler: the anonymous requester is never named.
            m.say(f"/history {NUMBER}")
            text = m.text_of(await m.expect("办理记录"))
            assert [line[12:] for line in text.split("\n")[1:]] == [
                "匿名诉求人：提交诉求", "系统：派单", "您：签收"]
            assert student_name not in text and "小陈的号" not in text

            # Someone unrelated: the same answer as for a number that does not exist.
            other.say(f"/history {NUMBER}")
            refused = other.text_of(await other.expect("找不到诉求"))
            other.say("/history DEMO-2026-999999")
            unknown = other.text_of(await other.expect("找不到诉求"))
            assert refused.replace(NUMBER, "N") == unknown.replace("DEMO-2026-999999", "N")
            assert "签收" not in refused and member_name not in refused
            other.say("/history")
            assert "用法：/history 诉求编号" in other.text_of(await other.expect("用法"))
            other.say("/help")
            assert "/history 诉求编号" in other.text_of(await other.expect("心桥使用帮助"))

            # A long record: the newest events only, with a note of how many are left out.
            (cid,) = await query(db_url, select(Concern.id).where(Concern.number == NUMBER))
            later = datetime.now(timezone.utc) + timedelta(days=1)
            await _add_events(db_url, cid[0], 80, later)
            stu.say(f"/history {NUMBER}")
            text = stu.text_of(await stu.expect("办理记录"))
            assert len(text) < 4096 and "共 83 条" in text
            assert "较早的 53 条记录未显示" in text
            lines = text.split("\n")[2:]
            assert len(lines) == 30 and all(line.endswith("系统：催办：答复时限将到")
                                            for line in lines)
            newest = (later + timedelta(minutes=79)).astimezone(TZ).strftime("%m-%d %H:%M")
            assert lines[-1].startswith(newest)
            await stu.assert_quiet()
            await m.assert_quiet()
            await other.assert_quiet()
    audits = [d for (d,) in await query(db_url, select(AuditLog.detail).where(
        AuditLog.kind == "refused")) if d.get("action") == "history"]
    assert sorted(d["why"] for d in audits) == ["no_access", "not_found"]


def _history(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env["XQ_DATABASE__URL"] = db_url
    return subprocess.run([sys.executable, "-m", "bot", "history", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


async def test_history_cli_prints_every_event_and_keeps_anonymity(db_url: str) -> None:
    await seed_roster(db_url)
    people = await _people(db_url)
    (student, student_name), (member, member_name) = people[STUDENT], people[MEMBER]
    at = datetime(2026, 11, 30, 1, 15, tzinfo=timezone.utc)  # 09:15 in Asia/Shanghai
    engine = make_engine(db_url)
    try:
        async with session_factory(engine)() as s, s.begin():
            c = Concern(number=NUMBER, requester_id=student, type="help", category="logistics",
                        urgency="P2", status="accepted", anonymous=True, text="水房没有热水",
                        assigned_member_id=member, routing_reason="zone",
                        source_channel="telegram", created_at=at, updated_at=at)
            s.add(c)
            await s.flush()
            for minutes, kind, actor, detail in (
                    (0, "received", student, {}), (0, "dispatched", None, {}),
                    (30, "accepted", member, {}),
                    (60 * 51, "ladder_college", None, {"subject": "reply",
                                                       "late_minutes": 2 * 1440 + 180}),
                    (60 * 52, "something_new", member, {})):
                s.add(ConcernEvent(concern_id=c.id, kind=kind, from_status=None,
                                   to_status=None, actor_id=actor, detail=detail,
                                   created_at=at + timedelta(minutes=minutes)))
    finally:
        await engine.dispose()

    out = _history(db_url, NUMBER.lower())
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "2026-11-30 09:15  匿名诉求人  提交诉求",
        "2026-11-30 09:15  系统  派单",
        f"2026-11-30 09:45  {member_name}  签收",
        "2026-12-02 12:15  系统  督办（学院党委）：答复超时 2天3小时",
        f"2026-12-02 13:15  {member_name}  something_new",
    ]
    assert student_name not in out.stdout + out.stderr
    en = _history(db_url, NUMBER, "--lang", "en")
    assert en.returncode == 0, en.stderr
    assert en.stdout.splitlines()[0] == "2026-11-30 09:15  Anonymous requester  Concern submitted"
    assert en.stdout.splitlines()[3] == ("2026-12-02 12:15  System  Supervision (college "
                                         "committee): reply overdue by 2 days 3 hours")

    unknown = _history(db_url, "DEMO-2026-999999")
    assert unknown.returncode == 1
    assert unknown.stdout == ""
    assert "没有编号为 DEMO-2026-999999 的诉求。" in unknown.stderr
    assert "Traceback" not in unknown.stderr
