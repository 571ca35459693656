"""Personal information, proved by a scan (issue 17, docs/decisions/0027).

A person builds a whole history through the real bot (tests/support/privacy_walk.py:
Telegram and web chat bindings, a concern with a document and photos, relayed messages
both ways with a photo, a reply, a 回访 and a comment; a web concern with an uploaded
photo, rejected; a named survey answered with free text; a /mydata export). Then the
scanner of tests/support/privacy_scan.py reads every table, every log record and every
file of the upload folder for each of the person's identifying values and for any row
pointing at them.

- The control: before anything is erased the scan finds every value (in the database, in
  the upload folder as file names or bytes), and a log line planted with one is found.
- Erasure on request, through the chat: /erase, the confirmation, the admin's 同意删除.
  Afterwards the person is found only in their roster row (the university's record,
  kept) and as a bare id in the audit log; their photos and their /mydata files are
  gone from the upload folder.
- Retention: the privacy sweep three years later (its dry run first, which changes
  nothing and counts what the sweep then does). Afterwards the concerns' texts, files and
  messages are gone and nothing links the concerns to the person, who is found only in
  what they still hold (roster row, chat accounts, their named survey answer); what the
  assessment reads of each concern is unchanged.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from bot.privacy_files import FolderFiles
from core.clock import FixedClock, SystemClock
from core.privacy.policy import CONCERN_KEPT, PrivacyRules
from locales import Catalog
from scheduler.privacy_sweep import privacy_sweep
from storage.db import make_engine, session_factory
from storage.tables import Concern, Survey
from tests.support import privacy_scan as S
from tests.support.anonymity_snapshot import LogRecords
from tests.support.db import execute, query, settled
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, seed_roster
from tests.support.privacy_walk import NAME, NUMBER, TG_ID, History, walk
from tests.support.web import WebBot

#: bytes of the person's photos, as stored in the upload folder
CONTENTS = {"web photo bytes": b"zhongli-wangshu-web-photo",
            "telegram photo bytes": b"zhongli-wangshu-telegram-photo"}


@asynccontextmanager
async def _history(db_url: str, tmp_path: Path
                   ) -> AsyncIterator[tuple[History, LogRecords, Any, Path]]:
    """The walk with every log record captured; yields (history, logs, api, uploads)."""
    await seed_roster(db_url)
    records = LogRecords()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(records)
    try:
        async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
            h = await walk(db_url, api, web)
            await settled(db_url)
            yield h, records, api, tmp_path / "up"
    finally:
        root.removeHandler(records)
        root.setLevel(level)


def _control(snap: S.Snapshot, h: History) -> None:
    """Before: the scan sees every value, the photos' bytes, and rows pointing at them."""
    values = h.values(handler_texts=True)
    found = S.labels(S.scan(snap, values, h.person_id, contents=CONTENTS))
    assert found >= set(values) | set(CONTENTS) | {"person id"}, set(values) - found
    assert any(NAME in p or NUMBER in p for p in snap.files) is False  # names are hashes
    assert any(k.startswith("export/") for k in snap.files)  # the /mydata files
    planted = S.Snapshot({}, {}, [f"INFO handled a message from {TG_ID}"], {})
    assert S.labels(S.scan(planted, values, h.person_id)) == {"telegram id"}


async def test_erasure_on_request_leaves_only_the_roster_row(db_url: str,
                                                             tmp_path: Path) -> None:
    async with _history(db_url, tmp_path) as (h, records, _, uploads):
        _control(await S.snapshot(db_url, records.texts, uploads), h)
        # The survey is over, so having answered it no longer has to be kept.
        await execute(db_url, update(Survey).values(status="closed"))
        p, admin = h.person, h.admin
        p.say("/erase")
        preview = await p.expect("申请删除个人信息")
        assert "2 件诉求" in p.text_of(preview) and "· 无" in p.text_of(preview)
        await p.press(preview, "确认申请删除")
        await p.expect("删除申请已提交")
        alert = await admin.expect("个人信息删除申请")
        assert NAME in admin.text_of(alert) and NUMBER in admin.text_of(alert)
        await admin.press(alert, "同意删除")
        await admin.expect("已同意并执行该删除申请")
        await p.expect("您的删除申请已获同意")
        await settled(db_url)
        after = await S.snapshot(db_url, records.texts, uploads)
    hits = S.scan(after, h.values(handler_texts=False), h.person_id, contents=CONTENTS,
                  allowed=lambda table, row: table == "people" and row["id"] == h.person_id)
    assert [x for x in hits if not x.where.startswith("audit_log[")] == [], \
        [x for x in hits if not x.where.startswith("audit_log[")]
    assert {x.what for x in hits} <= {"person id"}  # the audit log keeps ids, no texts
    assert not any(k.startswith(("export/", "tg/")) for k in after.files), after.files
    kinds = [r["kind"] for r in after.tables["audit_log"]]
    assert {"privacy_erasure_requested", "privacy_erasure_decided"} <= set(kinds)


async def test_retention_anonymises_and_keeps_what_the_assessment_reads(
        db_url: str, tmp_path: Path) -> None:
    rules = PrivacyRules()
    async with _history(db_url, tmp_path) as (h, records, _, uploads):
        before = await S.snapshot(db_url, records.texts, uploads)
        _control(before, h)
        later = FixedClock(SystemClock().now() + timedelta(days=rules.retention_days + 2))
        files = FolderFiles(uploads, Catalog.load(), "Asia/Shanghai")
        engine = make_engine(db_url)
        try:
            sf = session_factory(engine)
            dry = await privacy_sweep(sf, later, rules=rules, files=files, dry_run=True)
            unchanged = await S.snapshot(db_url, records.texts, uploads)
            assert (unchanged.tables, unchanged.files) == (before.tables, before.files)
            done = await privacy_sweep(sf, later, rules=rules, files=files)
            again = await privacy_sweep(sf, later, rules=rules, files=files)
        finally:
            await engine.dispose()
        after = await S.snapshot(db_url, records.texts, uploads)
    assert done.counts() == dry.counts()
    # the web upload and the web chat's copy of a Telegram photo; the /mydata files by age
    assert done.removed.concerns == 2 and done.files == 2 and done.exports == 2, done.counts()
    assert not any(again.counts().values()), again.counts()  # nothing was left due
    chats = {str(TG_ID)} | {r["chat_id"] for r in before.tables["channel_identities"]
                            if r["person_id"] == h.person_id}

    def still_held(table: str, row: dict[str, Any]) -> bool:
        """What the person holds beyond their concerns: roster row, accounts, answers."""
        if table == "people":
            return bool(row["id"] == h.person_id)
        if table in ("channel_identities", "binding_codes", "survey_responses",
                     "survey_participation", "survey_deliveries"):
            return bool(row.get("person_id") == h.person_id)
        return table == "binding_attempts" and row["external_id"] in chats

    def held_columns(table: str, row: dict[str, Any]) -> tuple[str, ...]:
        """A chat's conversation row stays with the account, but only its key may name
        the person: its data (a draft) and crisis memory are scanned."""
        return ("chat_id",) if table == "conversations" and row["chat_id"] in chats else ()

    hits = S.scan(after, h.values(handler_texts=True), h.person_id, contents=CONTENTS,
                  allowed=still_held, held=held_columns)
    assert [x for x in hits if not x.where.startswith("audit_log[")] == [], \
        [x for x in hits if not x.where.startswith("audit_log[")]
    assert {x.what for x in hits} <= {"person id"}
    kept = [c for c in CONCERN_KEPT if c != "updated_at"]
    old = {r["number"]: {c: r[c] for c in kept} for r in before.tables["concerns"]}
    new = {r["number"]: {c: r[c] for c in kept} for r in after.tables["concerns"]}
    assert new == old
    assert all(r["requester_id"] != h.person_id for r in after.tables["concerns"])
    events = [r for r in after.tables["concern_events"] if r["kind"] == "anonymised"]
    assert len(events) == 2 and all(e["detail"] == {"why": "retention"} for e in events)
    assert any(r["kind"] == "privacy_retention" for r in after.tables["audit_log"])
    assert not after.tables["inbox"] and len(after.tables["outbox"]) == 1  # newest, scrubbed
    (rated,), = await query(db_url, select(func.count()).select_from(Concern).where(
        Concern.revisit_rating == "satisfied"))
    assert rated == 1
