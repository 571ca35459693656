"""The privacy sweep's orphan scan (docs/decisions/0027), on SQLite and PostgreSQL: a file
of the upload folder that no row names any more leaves it once older than
``orphan_hours``, wherever its last row went: a handled inbox row deleted by the hourly
inbox purge (storage/inbox.py ``purge_done``), a chat forgotten with its cancelled
draft (storage/privacy/messages.py ``forget_chats``), a crashed upload's leftover. Kept:
every file a row of any kind still names (a concern's attachment, a relayed message, a
reception topic, a reply, an inbound payload, a conversation's draft, a Telegram photo's
copy by its file id), a file younger than the grace (perhaps being uploaded), the /mydata
files (their own time), and what is not the bot's."""
from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.privacy_files import FolderFiles
from core.clock import FixedClock
from core.privacy.policy import PrivacyRules
from locales import Catalog
from scheduler.privacy_sweep import privacy_sweep
from storage.inbox import purge_done
from storage.privacy.messages import forget_chats
from storage.tables import Attachment, Conversation, InboxRow, OutboxRow, RelayMessage
from tests.support import privacy_rows as R

NOW = datetime.now(timezone.utc).replace(microsecond=0)
TWO_DAYS_AGO = NOW - timedelta(days=2)
TG_ID = "AgACAgIAAxkBAAIBtg-telegram-photo"


def ref(name: str, folder: str = "web") -> str:
    return f"{folder}/{hashlib.sha256(name.encode()).hexdigest()}.jpg"


NAMED = {k: ref(k) for k in ("attachment", "relay", "topic", "reply", "payload", "draft")}
PURGED_INBOX, FORGOTTEN_DRAFT, FRESH = ref("purged inbox"), ref("forgotten draft"), ref("fresh")
TG_COPY = ref(TG_ID, "tg")  # the web chat's copy of a Telegram photo (bot/web/files.py)
PART = f"web/.{hashlib.sha256(b'part').hexdigest()}.jpg.0badc0de.part"
EXPORT, FOREIGN = "export/" + "c" * 32 + ".json", "web/README.txt"


def _photo(refs: dict[str, str]) -> dict:
    return {"kind": "photo", "refs": refs}


async def _seed(sf) -> None:  # noqa: ANN001
    async with sf() as s, s.begin():
        asker = await R.person(s, "S1", TWO_DAYS_AGO)
        sched = await R.schedule(s, asker, TWO_DAYS_AGO)
        session = await R.session(s, sched, TWO_DAYS_AGO)
        await R.topic(s, session, "议题", [asker], TWO_DAYS_AGO, photo=NAMED["topic"])
        concern = await R.concern(s, "DEMO-2030-000001", asker, TWO_DAYS_AGO,
                                  status="in_progress")
        s.add_all([
            Attachment(concern_id=concern, kind="photo", channel_refs={"web": NAMED["attachment"]},
                       created_at=TWO_DAYS_AGO),
            Attachment(concern_id=concern, kind="photo", channel_refs={"telegram": TG_ID},
                       created_at=TWO_DAYS_AGO),
            RelayMessage(concern_id=concern, direction="to_handler", sender_id=asker,
                         text="看图", attachments=[_photo({"web": NAMED["relay"]})],
                         created_at=TWO_DAYS_AGO),
            OutboxRow(channel="web", chat_id="7", person_id=None, lane=1, locale="zh_CN",
                      reply={"key": "relay.sent", "params": {},
                             "attachments": [_photo({"web": NAMED["reply"]})]},
                      status="sent", created_at=NOW, sent_at=NOW),
            InboxRow(channel="web", bot_id="web", update_id="7:a", chat_key="web:7",
                     payload={"photo": {"ref": NAMED["payload"]}}, status="pending",
                     received_at=NOW),
            InboxRow(channel="web", bot_id="web", update_id="7:b", chat_key="web:7",
                     payload={"photo": {"ref": PURGED_INBOX}}, status="done",
                     received_at=TWO_DAYS_AGO, handled_at=TWO_DAYS_AGO),
            Conversation(channel="web", chat_id="7", flow="intake", step="confirm",
                         data={"attachments": [_photo({"web": NAMED["draft"]})]}, version=3,
                         updated_at=NOW),
            Conversation(channel="web", chat_id="8", flow="intake", step="confirm",
                         data={"attachments": [_photo({"web": FORGOTTEN_DRAFT})]}, version=3,
                         updated_at=NOW)])


def _files(uploads: Path) -> set[str]:
    return {p.relative_to(uploads).as_posix() for p in uploads.rglob("*") if p.is_file()}


async def test_files_no_row_names_leave_the_folder_after_a_day(
        sf, tmp_path: Path) -> None:  # noqa: ANN001
    await _seed(sf)
    uploads = tmp_path / "up"
    every = [*NAMED.values(), PURGED_INBOX, FORGOTTEN_DRAFT, FRESH, TG_COPY, PART, EXPORT,
             FOREIGN]
    for name in every:
        (uploads / name).parent.mkdir(parents=True, exist_ok=True)
        (uploads / name).write_bytes(b"bytes of " + name.encode())
        if name not in (FRESH, EXPORT):
            os.utime(uploads / name, (TWO_DAYS_AGO.timestamp(),) * 2)
    # The rows naming two of them go the ways that never collected files.
    assert await purge_done(sf, before=NOW - timedelta(days=1)) == 1
    async with sf() as s, s.begin():
        await forget_chats(s, [("web", "8")], 0, NOW)
    files = FolderFiles(uploads, Catalog.load(), "Asia/Shanghai")
    rules, clock = PrivacyRules(), FixedClock(NOW)
    dry = await privacy_sweep(sf, clock, rules=rules, files=files, dry_run=True)
    assert _files(uploads) == set(every)  # a dry run removes nothing
    done = await privacy_sweep(sf, clock, rules=rules, files=files)
    assert _files(uploads) == set(every) - {PURGED_INBOX, FORGOTTEN_DRAFT, PART}
    assert done.files == dry.files == 3
    again = await privacy_sweep(sf, clock, rules=rules, files=files)
    assert again.files == 0
    # A day later the fresh orphan has had its grace and goes too.
    await privacy_sweep(sf, FixedClock(NOW + timedelta(days=2)), rules=rules, files=files)
    assert FRESH not in _files(uploads) and set(NAMED.values()) | {TG_COPY} <= _files(uploads)
