"""The deadline ladder in the web chat (docs/decisions/0016): a concern submitted over the
web chat API, everyone on its ladder a web chat user. After `python -m bot sweep --now T
--only ladder` at 80% of the accept and first-contact limits, the handler's page shows the
催办 once, live on its event stream and in its history; then the branch secretary, the
college committee and (two sweep processes at once) the Organisation Department each see
their 督办 once, and nobody else sees anything."""
from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from storage.tables import Concern
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, seed_roster
from tests.support.ladder import (
    afternoon_start,
    move_clock_start,
    notices,
    outbox_drained,
    reminders,
    statuses,
    step_time,
    sweep,
    sweeps_at_once,
)
from tests.support.web import WebBot, WebUser, _token

STUDENT, HANDLER = "2023010103", "2022010202"  # a 3号楼 student; its logistics member
SECRETARY, COMMITTEE, ADMIN = "9001000003", ("9001000001", "9001000002"), "9104000001"
REMINDED = Counter({("催办", "签收"): 1, ("催办", "首次联系（响应）"): 1})
LEVEL = ("催办", "党支部书记", "学院党委", "组织部")


async def _submit(stu: WebUser, handler: WebUser, db_url: str) -> tuple[int, str]:
    await stu.say("3号楼水房没有热水")
    await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
    await stu.press(await stu.expect("请选择诉求性质"), "求助")
    await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
    await stu.expect("诉求已提交")
    (cid, number), = await query(db_url, select(Concern.id, Concern.number))
    await handler.expect(f"新诉求 {number}")
    return cid, number


async def _read(stream: object, events: list[dict], enough: int) -> None:
    while sum("催办" in e.get("html", "") for e in events) < enough:
        line = await stream.content.readline()  # type: ignore[attr-defined]
        if line.startswith(b"data: "):
            events.append(json.loads(line[6:]))


async def test_the_handler_sees_each_reminder_once_in_the_web_chat(
        db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    student_token, handler_token = await _token(db_url, STUDENT), await _token(db_url, HANDLER)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        stu, handler = WebUser(web, student_token), WebUser(web, handler_token)
        cid, number = await _submit(stu, handler, db_url)
        start = afternoon_start(datetime.now(timezone.utc))
        await move_clock_start(db_url, cid, start)
        planned = await sweep(db_url, None, "--only", "ladder")
        assert planned.planned == 1 and planned.sent == 0
        rows = await reminders(db_url, cid)
        at = step_time(rows, 0)

        since = (await handler.history())["events"][-1]["id"]
        events: list[dict] = []
        async with web.http.get(f"{web.base}/api/events?since={since}",
                                headers=handler._headers()) as stream:
            assert stream.status == 200
            run = await sweep(db_url, at, "--only", "ladder")
            assert run.sent == 2, run.out
            await asyncio.wait_for(_read(stream, events, 1), 15)  # one message names both
            with contextlib.suppress(TimeoutError):  # anything more that follows
                await asyncio.wait_for(_read(stream, events, 2), 0.5)
        await outbox_drained(db_url)
        assert {k: v for k, v in statuses(await reminders(db_url, cid)).items()
                if v == "sent"} == {("accept", 0): "sent", ("contact", 0): "sent"}

        live = [e["html"] for e in events if e.get("kind", "message") == "message"]
        assert notices(live, number) == REMINDED, live
        assert all(number in h and "还剩 4小时" in h for h in live), live
        shown = [e["html"] for e in (await handler.history(since))["events"]]
        assert shown == live  # the history (a reload) shows the same, nothing twice
        everything = [e["html"] for e in (await handler.history())["events"]]
        assert notices(everything, number) == REMINDED
        # The requester is not reminded of the handler's limits.
        assert not notices([e["html"] for e in (await stu.history())["events"]], number)

        # Up the ladder: each level's people see their 督办 once, in their own chat.
        ladder = [[WebUser(web, await _token(db_url, SECRETARY))],
                  [WebUser(web, await _token(db_url, n)) for n in COMMITTEE],
                  [WebUser(web, await _token(db_url, ADMIN))]]
        for step, people in enumerate(ladder, start=1):
            at = step_time(rows, step)
            runs = ([await sweep(db_url, at, "--only", "ladder")] if step < 3
                    else await sweeps_at_once(db_url, at, "--only", "ladder"))
            assert sum(r.sent for r in runs) == 2, [r.out for r in runs]
            await outbox_drained(db_url)
            for person in people:
                seen = [e["html"] for e in (await person.history())["events"]]
                assert notices(seen, number) == Counter(
                    {(LEVEL[step], "签收"): 1, (LEVEL[step], "首次联系（响应）"): 1}), seen
        for person in (handler, stu):  # the handler got only its 催办; the student nothing
            seen = [e["html"] for e in (await person.history())["events"]]
            assert notices(seen, number) == (REMINDED if person is handler else Counter())
