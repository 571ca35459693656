"""Notices that came due while the bot was down (docs/decisions/0016, "Downtime"): the bot
sweeps the ladder at its start; a notice due within ``[ladder] grace_hours`` (24) is sent
once, an older one is marked ``dropped`` with a WARNING naming its key and sent to nobody;
the sweeps that follow (every ``sweep_seconds``) send what comes due, nothing twice."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from storage.tables import ConcernEvent, Reminder
from tests.support.botprocess import BotLauncher, bot_env
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN
from tests.support.ladder import add_reminder, notices, open_concern, outbox_drained

pytestmark = pytest.mark.slow

STUDENT, HANDLER, SECRETARY = "2023010103", "2022010202", "9001000003"
CHATS = {HANDLER: 6101, SECRETARY: 6102}


@pytest.fixture(scope="module")
def launcher(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with BotLauncher(tmp_path_factory.mktemp("ladder-restart")) as bots:
        yield bots


async def _statuses(db_url: str, keys: list[str]) -> list[str]:
    rows = dict(await query(db_url, select(Reminder.key, Reminder.status).where(
        Reminder.key.in_(keys))))
    return [rows[k] for k in keys]


async def _settled(db_url: str, keys: list[str], want: list[str], timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while (got := await _statuses(db_url, keys)) != want:
        assert loop.time() < end, f"reminder rows {got}, waited for {want}"
        await asyncio.sleep(0.1)
    await outbox_drained(db_url)


async def test_notices_due_while_down_are_sent_once_or_dropped_at_start(
        db_url: str, launcher: BotLauncher) -> None:
    # P1: its notices ignore the quiet hours, so the real time of the run does not matter.
    cid, number = await open_concern(db_url, STUDENT, CHATS, urgency="P1")
    now = datetime.now(timezone.utc)
    # With the bot stopped: one notice due an hour ago, one 30 h ago (beyond the grace).
    recent = await add_reminder(db_url, cid, "accept", 0, due=now - timedelta(hours=1),
                                limit_due=now + timedelta(hours=3, minutes=30), urgent=True)
    stale = await add_reminder(db_url, cid, "contact", 1, due=now - timedelta(hours=30),
                               limit_due=now - timedelta(hours=30), urgent=True)
    keys = [recent, stale]
    async with FakeBotAPI(token=TOKEN) as api:
        api.add_chat(*CHATS.values())  # both pressed Start long ago
        handler, secretary = ChatUser(api, CHATS[HANDLER]), ChatUser(api, CHATS[SECRETARY])
        with launcher.diagnostics(api.describe):
            bot = launcher.start(bot_env(db_url, api.base_url, TOKEN,
                                         XQ_LADDER__SWEEP_SECONDS=5), name="restart")
            await bot.wait_ready()
            await _settled(db_url, keys, ["sent", "dropped"])
            card = await handler.expect("新诉求")  # queued at submission, before the stop
            assert number in handler.text_of(card)
            first = [handler.text_of(c) for c in handler.read_rest()]
            assert notices(first, number) == {("催办", "签收"): 1}, first
            assert any("还剩 3小时" in t for t in first), first
            assert not secretary.messages()  # the dropped 督办 went to nobody

            lines = [line for line in bot.log().splitlines() if stale in line]
            assert len(lines) == 1 and "WARNING" in lines[0] and "dropped" in lines[0], lines
            assert recent not in bot.log()

            # A notice coming due now goes with the next periodic sweep; nothing twice.
            soon = await add_reminder(db_url, cid, "reply", 0, due=datetime.now(timezone.utc),
                                      limit_due=now + timedelta(hours=20, minutes=30),
                                      urgent=True)
            await _settled(db_url, [*keys, soon], ["sent", "dropped", "sent"])
            later = [handler.text_of(c) for c in handler.read_rest()]
            assert notices(later, number) == {("催办", "答复"): 1}, later
            await asyncio.sleep(0.3)
            await handler.assert_quiet(0)
            await secretary.assert_quiet(0)
    events = await query(db_url, select(ConcernEvent.kind, ConcernEvent.detail).where(
        ConcernEvent.concern_id == cid, ConcernEvent.kind.like("ladder_%"))
        .order_by(ConcernEvent.id))
    assert [(k, d["subject"]) for k, d in events] == [("ladder_remind", "accept"),
                                                     ("ladder_remind", "reply")]
