"""Crisis escalation queries on a real database (SQLite and PostgreSQL): only a case
nobody has taken escalates, whatever pages a racing escalation left behind."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from core.crisis.detection import CrisisDetector
from core.crisis.case import acknowledge, open_crisis
from core.crisis.paging import CrisisRules
from core.people.roster_validation import validate_roster
from storage.people.roster import apply_roster, read_roster
from storage.store import SqlStore
from storage.tables import CrisisPage, Person
from tests.support.harness import ROSTER

NOW = datetime(2026, 11, 4, 2, 0, tzinfo=timezone.utc)
RULES = CrisisRules(fallback_number="9103000001", final_number="9104000001")
STUDENT = "2023010103"


async def test_only_untaken_cases_escalate(sf) -> None:  # noqa: ANN001
    await apply_roster(sf, validate_roster(read_roster(ROSTER)), now=NOW - timedelta(days=1))
    match = CrisisDetector().detect("我不想活了")
    assert match is not None
    async with sf() as s, s.begin():
        student = await s.scalar(select(Person.id).where(Person.number == STUDENT))
        store = SqlStore(s)
        case = (await open_crisis(store, now=NOW, rules=RULES, person_id=student,
                                  text="我不想活了", match=match, source="intake_text",
                                  channel="telegram", source_key="k1",
                                  parent_concern_id=None)).case_id
    async with sf() as s:
        pages = (await s.execute(select(CrisisPage).where(CrisisPage.concern_id == case))
                 ).scalars().all()
        paged = pages[0].person_id
        assert [p.concern_id for p in await SqlStore(s).unacked_crisis_pages()] \
            == [case] * len(pages)  # untaken: its pages may escalate
    async with sf() as s, s.begin():
        await acknowledge(SqlStore(s), now=NOW + timedelta(minutes=2), rules=RULES,
                          person_id=paged, case_id=case)
    async with sf() as s, s.begin():  # a page an escalation wrote while the ack committed
        await SqlStore(s).add_crisis_page(case, 1, paged, NOW, NOW + timedelta(minutes=15))
    async with sf() as s, s.begin():
        store = SqlStore(s)
        assert await store.unacked_crisis_pages() == []
        assert await store.claim_crisis_escalation(case, 1, NOW + timedelta(hours=1)) is False


async def test_a_silent_chats_crisis_memory_is_forgotten_after_risk_hours(sf) -> None:  # noqa: ANN001
    """The conversation keeps the detector's memory (decision 0013) only while it can
    matter: a chat silent for ``risk_hours`` loses it at the next crisis sweep."""
    from core.crisis.review import forget_old_memory
    from core.ports import ConversationState
    from storage.tables import Conversation

    state = {"level": 1, "until": (NOW + timedelta(hours=24)).isoformat(),
             "recent": [[NOW.isoformat(), "最近好累"]]}
    async with sf() as s, s.begin():
        store = SqlStore(s)
        await store.save_conversation(ConversationState("telegram", "old", crisis_state=state),
                                      NOW - timedelta(hours=25))
        await store.save_conversation(ConversationState("telegram", "new", crisis_state=state),
                                      NOW - timedelta(hours=23))
        await store.save_conversation(ConversationState("telegram", "none"),
                                      NOW - timedelta(hours=30))
    async with sf() as s:
        loaded = await SqlStore(s).load_conversation("telegram", "new")
        assert loaded.crisis_state == state  # stored and read back as written
    async with sf() as s, s.begin():
        assert await forget_old_memory(SqlStore(s), now=NOW, rules=RULES) == 1
    async with sf() as s:
        rows = dict((await s.execute(select(Conversation.chat_id, Conversation.crisis_state)
                                     )).all())
    assert rows == {"old": None, "new": state, "none": None}
