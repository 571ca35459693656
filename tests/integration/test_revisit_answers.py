"""Every combination of the three 回访 answers, through the real router on a real database.

Reopened (退回重办) exactly when the requester says "not solved" or 不满意; otherwise closed.
Whether they were contacted is recorded but decides nothing.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.app import flow_config
from bot.config import load_settings
from core.actions import Verb, encode
from core.concerns.handling import act
from core.concerns.intake import submit_concern
from core.concerns.lifecycle import Action
from core.model import ConcernStatus, Draft
from core.people.roster_validation import validate_roster
from handlers import router
from handlers.inbound import Inbound
from storage.people.roster import apply_roster, read_roster
from storage.store import SqlStore
from storage.tables import Concern, Person
from tests.support.harness import ROOT, ROSTER

NOW = datetime(2026, 11, 4, 2, 0, tzinfo=timezone.utc)
STUDENT = "2023010103"  # 会计学院, 3号楼: the zone's member handles it
CONFIG = flow_config(load_settings(ROOT / "config.toml"))

CASES = list(itertools.product("yn", "yn", "sbu"))


def _expected(contacted: str, solved: str, rating: str) -> ConcernStatus:
    return ConcernStatus.REOPENED if solved == "n" or rating == "u" else ConcernStatus.CLOSED


async def _concern_in_revisit(sf) -> tuple[int, int]:  # noqa: ANN001
    await apply_roster(sf, validate_roster(read_roster(ROSTER)), now=NOW - timedelta(days=1))
    async with sf() as s, s.begin():
        store = SqlStore(s)
        ids = dict((await s.execute(select(Person.number, Person.id))).all())
        for number, person in ids.items():  # everyone has a reachable chat
            ident = await store.upsert_identity("telegram", number, number, username=None,
                                                display_name=None, now=NOW)
            await store.link_identity(ident.id, person)
        pid = ids[STUDENT]
        new = await submit_concern(store, now=NOW, rules=CONFIG.rules, requester_id=pid,
                                   draft=Draft(category="logistics", type="help",
                                               texts=["水房没有热水"]),
                                   channel="telegram", source_key="t:1")
        member = (await s.get(Concern, new.id)).assigned_member_id
        assert member is not None
        for step in (Action.ACCEPT, Action.FIRST_CONTACT, Action.REPLY):
            await act(store, now=NOW, person_id=member, concern_id=new.id, action=step,
                      reason="已修好" if step == Action.REPLY else None,
                      extra={"reply_summary": "已修好"} if step == Action.REPLY else None)
        await act(store, now=NOW, person_id=None, concern_id=new.id,
                  action=Action.START_REVISIT, extra={"revisit_sent_at": NOW})
    return new.id, pid


async def _press(sf, cid: int, answer: str, n: int) -> None:  # noqa: ANN001
    inbound = Inbound(channel="telegram", chat_id=STUDENT, chat_type="private", kind="callback",
                      source_key=f"t:press:{n}", user_id=STUDENT,
                      callback_data=encode(Verb.REVISIT, f"{cid}.{answer}"),
                      callback_id=f"cb{n}", message_id="1")
    async with sf() as s, s.begin():
        await router.handle(inbound, SqlStore(s), now=NOW + timedelta(minutes=n),
                            config=CONFIG, default_locale="zh_CN")


@pytest.mark.parametrize(("contacted", "solved", "rating"), CASES,
                         ids=["".join(c) for c in CASES])
async def test_each_answer_combination(sf, contacted: str, solved: str,  # noqa: ANN001
                                       rating: str) -> None:
    cid, _ = await _concern_in_revisit(sf)
    await _press(sf, cid, f"c{contacted}", 1)
    await _press(sf, cid, f"s{solved}", 2)
    await _press(sf, cid, f"r{rating}", 3)
    async with sf() as s:
        c = await s.get(Concern, cid)
    want = _expected(contacted, solved, rating)
    # A reopened concern goes straight back to its handler (退回重办): REDISPATCH.
    got = ConcernStatus(c.status)
    if want == ConcernStatus.REOPENED:
        assert got not in (ConcernStatus.CLOSED, ConcernStatus.REVISIT), got
        assert c.reopen_count == 1
        # The answers of a reopened round are cleared for the next 回访.
        assert c.revisit_contacted is None and c.revisit_solved is None
    else:
        assert got == ConcernStatus.CLOSED
        assert c.reopen_count == 0
        assert c.revisit_contacted is (contacted == "y")
        assert c.revisit_solved is True
    assert c.revisit_rating == {"s": "satisfied", "b": "basic", "u": "unsatisfied"}[rating]
