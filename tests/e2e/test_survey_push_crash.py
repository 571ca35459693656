"""kill -9 during a survey push, restart, and the push goes on (docs/decisions/0020).

The real bot (``python -m bot run``, its scheduler's push sweep included) pushes a survey
to 2,000 people through the fake Bot API with its flood control on (at a raised rate);
20 of them have blocked the bot. After some hundreds were sent it is killed with SIGKILL.
The bulk rows then still "sending" were in flight: by the documented rule they are never
sent again (at most once; the person can always open the survey from /surveys). After a
restart the push finishes and

* nobody is skipped: every reachable person got the invitation, except those whose
  row was in flight at the kill (the ambiguous ones, who got it at most once);
* nobody got it twice;
* ``python -m bot survey status CODE`` (a process of its own, zh_CN) counts as
  ambiguous exactly the rows that were "sending" at the kill, and the rest exactly;
* such a person still finds the survey in /surveys.
"""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.tables import OutboxRow
from tests.support.botprocess import ROOT, BotLauncher, bot_env
from tests.support.chat import ChatUser
from tests.support.crash_checks import Stopwatch, quiet
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN
from tests.support.push import (
    CODE,
    TITLE,
    create_and_push,
    deliveries,
    invitations,
    outbox_states,
    refused,
    seed_recipients,
    survey_text,
    until_open,
)

pytestmark = pytest.mark.slow

RECIPIENTS, FIRST_CHAT = 2000, 400_000
BLOCKED = {FIRST_CHAT + i for i in range(33, RECIPIENTS, 100)}  # 20 chats
RATE = 1000
KILL_AFTER = 400  # invitations delivered before the kill
STATUS = re.compile(r"问卷 (?P<code>\S+)（状态：(?P<status>\w+)）：已送达 (?P<sent>\d+)，失败 "
                    r"(?P<failed>\d+)，无法送达 (?P<unreachable>\d+)，不确定 (?P<ambiguous>\d+)"
                    r"（发送时程序中断，不再重发），已取消 (?P<cancelled>\d+)，待发 "
                    r"(?P<remaining>\d+)；")


@pytest.fixture(scope="module")
def launcher(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with BotLauncher(tmp_path_factory.mktemp("bots")) as bots:
        yield bots


async def _survey_status(launcher: BotLauncher, db_url: str) -> dict[str, str]:
    """`python -m bot survey status CODE` in a process of its own; its line, parsed."""
    cli = launcher.start({"XQ_CONFIG": str(ROOT / "config.toml"), "XQ_DATABASE__URL": db_url,
                          "XQ_APP__DEFAULT_LOCALE": "zh_CN"},
                         argv=("survey", "status", CODE), name="status")
    assert await cli.wait_exit(60) == 0, cli.tail()
    found = STATUS.search(cli.log())
    assert found, cli.tail()
    return found.groupdict()


async def test_kill_9_mid_push_then_restart(db_url: str, launcher: BotLauncher) -> None:
    engine = make_engine(db_url)
    sf = session_factory(engine)
    lap = Stopwatch()
    try:
        async with FakeBotAPI(token=TOKEN) as api:
            chats = await seed_recipients(sf, RECIPIENTS, FIRST_CHAT)
            api.add_chat(*chats)
            for chat in BLOCKED:
                api.block(chat)
            api.flood_control(per_chat=1.0, overall=RATE)
            assert await create_and_push(sf, survey_text()) == RECIPIENTS
            with launcher.diagnostics(api.describe):
                bot = launcher.start(bot_env(
                    db_url, api.base_url, TOKEN, XQ_OUTBOX__GLOBAL_PER_SECOND=RATE,
                    XQ_OUTBOX__PER_CHAT_PER_SECOND=1, XQ_SURVEYS__PUSH_WINDOW=300),
                    name="push")
                await bot.wait_ready()
                lap("bot ready")
                await api.wait_for(lambda a: sum(invitations(a).values()) >= KILL_AFTER,
                                   timeout=60, interval=0.01)
                deadline = time.monotonic() + 10
                while (await outbox_states(sf)).get("sending", 0) == 0:  # sends in flight
                    assert bot.alive and time.monotonic() < deadline, bot.tail()
                bot.kill()
                lap("killed")
                assert bot.returncode == -9
                await quiet(api)
                at_kill = invitations(api)
                async with sf() as s:
                    rows = (await s.execute(select(OutboxRow.id, OutboxRow.chat_id).where(
                        OutboxRow.status == "sending"))).all()
                in_flight = {int(chat) for _, chat in rows}
                print(f"at the kill: {sum(at_kill.values())} invitations delivered, outbox "
                      f"{await outbox_states(sf)}, deliveries {await deliveries(sf)}; in "
                      f"flight {len(in_flight)}, of which {len(in_flight & set(at_kill))} "
                      f"reached the API")
                assert in_flight, "the kill must catch sends in flight"
                assert (await deliveries(sf)).get("pending", 0) > 0, "the push was not done"

                again = launcher.restart(bot)
                await again.wait_ready()
                lap("restarted")
                await until_open(sf, timeout=90, alive=lambda: again.alive)
                lap("push done")
                status = await _survey_status(launcher, db_url)
                async with sf() as s:
                    ambiguous = set(await s.scalars(select(OutboxRow.id).where(
                        OutboxRow.status == "ambiguous")))
                lap("survey status")
                assert ambiguous == {i for i, _ in rows}, "exactly the rows in flight"
                for chat in sorted(in_flight - BLOCKED)[:1]:  # not sent again, never lost:
                    person = ChatUser(api, chat)  # /surveys offers it
                    person.say("/surveys")
                    listing = await person.expect("待填写的问卷", allow=(TITLE,))
                    assert person.labels(listing) == [f"📝 {TITLE}"]
                assert again.terminate(timeout=20) == 0, again.tail()
    finally:
        await engine.dispose()

    got = invitations(api)
    reachable = set(chats) - BLOCKED
    assert max(got.values()) == 1, "nobody got the invitation twice"
    assert set(got) <= reachable
    assert reachable - in_flight <= set(got), \
        f"skipped: {sorted(reachable - in_flight - set(got))[:5]}"
    assert {c for c in in_flight if got[c]} == {c for c in in_flight if at_kill[c]}, \
        "an invitation in flight at the kill is not sent again"
    unreachable = BLOCKED - in_flight  # a blocked chat's row in flight is ambiguous too
    assert unreachable <= {int(c.params["chat_id"]) for c in refused(api, 403)} <= BLOCKED
    assert not refused(api, 429), "the bot kept to the limits"
    assert status == {"code": CODE, "status": "作答中",
                      "sent": str(len(reachable - in_flight)), "failed": "0",
                      "unreachable": str(len(unreachable)), "ambiguous": str(len(in_flight)),
                      "cancelled": "0", "remaining": "0"}
    print(f"after the restart: {sum(got.values())} invitations, status {status}")
