"""The 催办/督办 ladder through the real bot process (docs/decisions/0016): a student submits
a concern over Telegram, the handler does nothing, and `python -m bot sweep --now T --only
ladder` runs at successive times. Each step's notices reach the right chats once, through
the running bot's sender, in Chinese: 催办 to the handler at 80% of each open limit, 督办 to
the branch secretary at the limit, to the college committee two working days later (swept
while the bot is down, delivered once after its restart), and to the Organisation
Department five working days later (two sweep processes at once)."""
from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from storage.tables import Concern, ConcernEvent, OutboxRow
from tests.support.botprocess import BotLauncher, bot_env
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, bound_chat, seed_roster
from tests.support.ladder import (
    SUBJECTS,
    Row,
    afternoon_start,
    expected,
    move_clock_start,
    notices,
    outbox_drained,
    outcome,
    reminders,
    statuses,
    step_time,
    sweep,
    sweeps_at_once,
)

pytestmark = pytest.mark.slow

STUDENT, HANDLER, SECRETARY = "2023010103", "2022010202", "9001000003"  # 3号楼; ACC-S1
COMMITTEE = ("9001000001", "9001000002")  # the ACC college Party committee
ADMIN = "9104000001"  # 组织部 (the roster's one admin)
EVENTS = ("ladder_remind", "ladder_supervise", "ladder_college", "ladder_orgdept")


@pytest.fixture(scope="module")
def launcher(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with BotLauncher(tmp_path_factory.mktemp("ladder-bots")) as bots:
        yield bots


async def _submit(stu: ChatUser, handler: ChatUser, db_url: str) -> tuple[int, str]:
    stu.say("3号楼水房没有热水")
    await stu.press(await stu.expect("请选择诉求类别"), "后勤生活")
    await stu.press(await stu.expect("请选择诉求性质"), "求助")
    await stu.press(await stu.expect("请确认您的诉求"), "确认提交")
    await stu.expect("诉求已提交")
    await handler.expect("新诉求")
    (cid, number, status), = await query(db_url, select(Concern.id, Concern.number,
                                                        Concern.status))
    assert status == "dispatched"
    return cid, number


class Walk:
    """The concern, the chats of each step's recipients, and what was sent so far."""

    def __init__(self, db_url: str, cid: int, number: str, student: ChatUser,
                 steps: list[list[ChatUser]]) -> None:
        self.db_url, self.cid, self.number = db_url, cid, number
        self.student, self.steps = student, steps
        self.sent: set[tuple[str, int]] = set()
        self.dropped: set[tuple[str, int]] = set()

    async def rows(self) -> list[Row]:
        return await reminders(self.db_url, self.cid)

    async def sweep(self, at: datetime, *, processes: int = 1,
                    delivered: bool = True) -> set[tuple[str, int]]:
        """Sweep at ``at`` (in ``processes`` processes at once); check the rows it sent and
        dropped, and (``delivered``: the bot runs) that each chat got exactly its notices."""
        before = await self.rows()
        sends, drops = outcome(before, at)
        if processes == 1:
            runs = [await sweep(self.db_url, at, "--only", "ladder")]
        else:
            runs = await sweeps_at_once(self.db_url, at, "--only", "ladder", n=processes)
        assert sum(r.sent for r in runs) == len(sends), [r.out for r in runs]
        assert sum(r.dropped for r in runs) == len(drops), [r.out for r in runs]
        for run in runs:
            assert run.planned == 0
        self.sent, self.dropped = self.sent | sends, self.dropped | drops
        after = statuses(await self.rows())
        assert {k for k, v in after.items() if v == "sent"} == self.sent
        assert {k for k, v in after.items() if v == "dropped"} == self.dropped
        if delivered:
            await self.check_chats(sends)
        return sends

    async def check_chats(self, sends: set[tuple[str, int]]) -> None:
        await outbox_drained(self.db_url)
        for step, users in enumerate(self.steps):
            for user in users:
                texts = [user.text_of(c) for c in user.read_rest()]
                parts = [p for t in texts for p in t.split("\n\n")]
                assert all(self.number in p for p in parts), (user.user_id, parts)
                assert notices(texts, self.number) == expected(sends, step), (step, texts)
        assert not self.student.read_rest()

    async def level(self) -> int:
        (level,), = await query(self.db_url, select(Concern.escalation_level).where(
            Concern.id == self.cid))
        return level


async def test_a_concern_left_alone_climbs_the_ladder_through_the_running_bot(
        db_url: str, launcher: BotLauncher) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api:
        with launcher.diagnostics(api.describe):
            # The bot's own sweep runs at its start only (then hourly): the CLI drives time.
            env = bot_env(db_url, api.base_url, TOKEN, XQ_LADDER__SWEEP_SECONDS=3600)
            bot = launcher.start(env, name="ladder")
            await bot.wait_ready()
            stu = await bound_chat(api, db_url, STUDENT, 5001)
            handler = await bound_chat(api, db_url, HANDLER, 6001)
            sec = await bound_chat(api, db_url, SECRETARY, 6002)
            committee = [await bound_chat(api, db_url, n, 6003 + i)
                         for i, n in enumerate(COMMITTEE)]
            admin = await bound_chat(api, db_url, ADMIN, 6009)
            cid, number = await _submit(stu, handler, db_url)
            walk = Walk(db_url, cid, number, stu, [[handler], [sec], committee, [admin]])

            # Planned at the real time by the CLI (nothing is due yet).
            start = afternoon_start(datetime.now(timezone.utc))
            await move_clock_start(db_url, cid, start)
            planned = await sweep(db_url, None, "--only", "ladder")
            assert planned.sent == 0 and planned.planned == 1
            (due_accept, due_contact, created), = await query(db_url, select(
                Concern.due_accept_at, Concern.due_contact_at, Concern.created_at))
            assert _utc(due_accept) == _utc(due_contact) == start + timedelta(hours=24)
            assert _utc(created) < start
            rows = await walk.rows()
            assert sorted(statuses(rows)) == sorted(
                (s, step) for s in SUBJECTS for step in range(4))
            assert set(statuses(rows).values()) == {"pending"}

            # 80% of the 24 h accept and first-contact limits.
            t1 = step_time(rows, 0)
            assert t1 == start + timedelta(hours=19.2, minutes=1) < _utc(due_accept)
            # A plain sweep at a chosen time leaves the ladder alone, and says so.
            plain = await sweep(db_url, t1)
            assert "已跳过催办/督办" in plain.out and "--only ladder" in plain.out
            assert "催办/督办提醒" not in plain.out
            assert await walk.rows() == rows
            assert not await _ladder_outbox(db_url)
            assert await walk.sweep(t1) == {("accept", 0), ("contact", 0)}
            assert await walk.level() == 0
            remind = [t for t in api.texts(handler.user_id) if "催办" in t]
            assert remind and all("还剩 4小时" in t for t in remind)

            # At the limit: 督办 to the branch secretary, naming the handler.
            t2 = step_time(rows, 1)
            assert t2 == _utc(due_accept) + timedelta(minutes=1)
            assert await walk.sweep(t2) == {("accept", 1), ("contact", 1)}
            supervised = [t for t in api.texts(sec.user_id) if "督办" in t]
            assert supervised and all("已超时 1分钟" in t and "处理人：徐子涵" in t
                                      for t in supervised)
            assert await walk.level() == 1

            # +2 working days, swept while the bot is down: written, not delivered...
            os.kill(bot.pid, signal.SIGTERM)  # the graceful stop; the loop serves the API
            assert await bot.wait_exit() == 0, bot.tail()
            t3 = step_time(rows, 2)
            assert t3 - t2 >= timedelta(days=2)
            assert await walk.sweep(t3, delivered=False) == {("accept", 2), ("contact", 2)}
            waiting = await _ladder_outbox(db_url, "pending")
            assert sorted(chat for chat, _ in waiting) == sorted(  # one message, both limits
                str(u.user_id) for u in committee)
            assert not any(u.read_rest() for u in committee)
            # ...until the bot is back: each committee member gets each 督办 once.
            bot = launcher.start(env, name="ladder")
            await bot.wait_ready()
            await walk.check_chats({("accept", 2), ("contact", 2)})
            assert await walk.level() == 2

            # +5 working days, by two sweep processes at once: each notice exactly once.
            t4 = step_time(rows, 3)
            sends = await walk.sweep(t4, processes=2)
            assert {("accept", 3), ("contact", 3)} <= sends
            orgdept = [t for t in api.texts(admin.user_id) if number in t and "组织部" in t]
            assert notices(orgdept, number) == expected({("accept", 3), ("contact", 3)}, 3)
            assert await walk.level() == 3
            await asyncio.sleep(0.5)  # nothing more arrives later
            for user in (stu, handler, sec, *committee, admin):
                await user.assert_quiet(0)
            assert await _events(db_url, cid) == Counter(
                EVENTS[step] for _, step in walk.sent)


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


async def _ladder_outbox(db_url: str, status: str | None = None) -> list[tuple[str, str]]:
    rows = await query(db_url, select(OutboxRow.chat_id, OutboxRow.reply, OutboxRow.status))
    return [(chat, reply["key"]) for chat, reply, st in rows
            if reply.get("key", "").startswith("ladder.") and status in (None, st)]


async def _events(db_url: str, cid: int) -> Counter[str]:
    rows = await query(db_url, select(ConcernEvent.kind, func.count()).where(
        ConcernEvent.concern_id == cid, ConcernEvent.kind.like("ladder_%"))
        .group_by(ConcernEvent.kind))
    return Counter(dict(rows))
