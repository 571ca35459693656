"""Messages' own retention (storage/privacy/messages.py, docs/decisions/0027), on SQLite and
PostgreSQL: sent outbox rows and handled inbox rows older than ``message_days`` go, unless
something still reads them (a survey push's row whose delivery is not settled, a chat
whose progress message the push sweep edits, the newest row, which is scrubbed instead so
its id is never reused); pending rows are never touched; a chat's crisis memory goes with
its messages; a photo leaves the folder only when no row names it any more."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from core.privacy.ports import StoredFile
from storage.store import SqlStore
from storage.tables import (Attachment, Concern, Conversation, InboxRow, OutboxRow, Person,
                            Survey, SurveyDelivery)

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
OLD, RECENT = NOW - timedelta(days=40), NOW - timedelta(days=2)
CUTOFF = NOW - timedelta(days=30)


def _out(tag: str, at: datetime, status: str = "sent", chat: str = "5001",
         delivery: int | None = None, photo: str | None = None) -> OutboxRow:
    attachments = [{"kind": "photo", "refs": {"web": photo}}] if photo else []
    return OutboxRow(channel="telegram", chat_id=chat, person_id=None, lane=1,
                     reply={"key": "relay.sent", "params": {"tag": tag},
                            "attachments": attachments},
                     locale="zh_CN", status=status, created_at=at,
                     sent_at=at if status == "sent" else None, survey_delivery_id=delivery)


def _in(tag: str, at: datetime, status: str = "done") -> InboxRow:
    return InboxRow(channel="telegram", bot_id="1", update_id=tag, chat_key="telegram:5001",
                    payload={"tag": tag}, status=status, received_at=at,
                    handled_at=at if status != "pending" else None)


async def _seed(s: Any) -> None:
    person, other = (Person(number=n, name="某人", kind="student", verified=True, active=True,
                            created_at=OLD, updated_at=OLD) for n in ("N1", "N2"))
    s.add_all([person, other])
    await s.flush()
    survey = Survey(code="s1", title="t", kind="survey", anonymous=True, definition={},
                    source="", opens_at=OLD, closes_at=NOW, status="pushing",
                    created_at=OLD, updated_at=OLD, status_channel="telegram",
                    status_chat_id="6100")
    s.add(survey)
    await s.flush()
    queued, sent = (SurveyDelivery(survey_id=survey.id, person_id=p.id, status=st,
                                   created_at=OLD, updated_at=OLD)
                    for p, st in ((person, "queued"), (other, "sent")))
    s.add_all([queued, sent])
    concern = Concern(number="DEMO-2026-000001", requester_id=person.id, type="help",
                      category="logistics", urgency="P2", status="in_progress", text="x",
                      routing_reason="zone:Z", source_channel="web", created_at=OLD,
                      updated_at=OLD)
    s.add(concern)
    await s.flush()
    s.add(Attachment(concern_id=concern.id, kind="photo", channel_refs={"web": "web/kept.jpg"},
                     created_at=OLD))
    s.add_all([
        _out("old", OLD, photo="web/only-here.jpg"), _out("kept-photo", OLD, photo="web/kept.jpg"),
        _out("pending", OLD, status="pending"), _out("dead", OLD, status="dead"),
        _out("unsettled", OLD, delivery=queued.id), _out("settled", OLD, delivery=sent.id),
        _out("watched", OLD, chat="6100"), _out("recent", RECENT), _out("newest", OLD)])
    s.add_all([_in("i-old", OLD), _in("i-dead", OLD, "dead"), _in("i-pending", OLD, "pending"),
               _in("i-recent", RECENT)])
    s.add(Conversation(channel="telegram", chat_id="5001", flow="idle", step="", data={},
                       version=1, crisis_state={"texts": ["好累"]}, updated_at=OLD))
    s.add(Conversation(channel="telegram", chat_id="5002", flow="idle", step="", data={},
                       version=1, crisis_state={"texts": ["今天"]}, updated_at=RECENT))


async def test_old_messages_go_unless_something_reads_them(sf) -> None:  # noqa: ANN001
    async with sf() as s, s.begin():
        await _seed(s)
    async with sf() as s, s.begin():
        store = SqlStore(s)
        purged = await store.purge_messages(CUTOFF, 1000)
        gone = await store.unreferenced_files(purged.files)
    assert (purged.outbox_rows, purged.inbox_rows) == (4, 2)  # old, kept-photo, dead, settled
    assert set(purged.files) == {StoredFile("web", "web/only-here.jpg"),
                                 StoredFile("web", "web/kept.jpg")}
    assert gone == [StoredFile("web", "web/only-here.jpg")]  # a concern still names the other
    async with sf() as s:
        rows = {r.reply["params"].get("tag") if r.channel != "-" else "scrubbed": r
                for r in (await s.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars()}
        inbox = set(await s.scalars(select(InboxRow.update_id)))
        memory = dict((await s.execute(select(Conversation.chat_id,
                                              Conversation.crisis_state))).all())
    assert set(rows) == {"pending", "unsettled", "watched", "recent", "scrubbed"}
    newest = rows["scrubbed"]
    assert (newest.chat_id, newest.person_id, newest.reply) == ("-", None, {"sealed": True})
    assert inbox == {"i-pending", "i-recent"}
    assert memory == {"5001": None, "5002": {"texts": ["今天"]}}
    async with sf() as s, s.begin():  # twice: nothing more to do, the scrubbed row stays
        again = await SqlStore(s).purge_messages(CUTOFF, 1000)
    assert (again.outbox_rows, again.inbox_rows) == (0, 0)
