"""The files rows name: attachments (``{"kind", "refs": {channel: ref}}``) in concerns,
relayed messages, reception topics, replies, inbound payloads and drafts; which of some
files no row names any more (so they may leave the upload folder); and every file any
row names (``named``: the privacy sweep's orphan scan keeps these, docs/decisions/0027)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Text, cast, or_, select, true

from core.privacy.ports import StoredFile
from storage import tables as T

#: JSON columns that may name a file, by table
NAMING = ((T.Attachment, T.Attachment.channel_refs), (T.RelayMessage, T.RelayMessage.attachments),
          (T.ReceptionTopic, T.ReceptionTopic.attachments), (T.OutboxRow, T.OutboxRow.reply),
          (T.InboxRow, T.InboxRow.payload), (T.Conversation, T.Conversation.data))
#: a web upload's ref (bot/files.py REF); a Telegram id has no slash
_WEB = "web"
#: a photo's ref in the upload folder wherever a row writes it (bot/files.py REF)
_REF = re.compile(r"(?<![0-9A-Za-z_./-])(?:[0-9]{1,20}|tg|web)/[0-9a-f]{64}\.(?:jpg|png)")
#: the keys under which a row stores a Telegram file id (an attachment's refs, a payload)
_TG_KEYS = ("telegram", "file_id")
#: rows read per query by the orphan scan, and the words that find the rows to read
_PAGE = 1000
_HINTS = ("ref", "file_id", "web/", "tg/")


def files_of(attachments: Iterable[Any]) -> list[StoredFile]:
    """The files a list of attachment descriptions names (anything else is skipped)."""
    out = []
    for att in attachments:
        if isinstance(att, dict):
            out += refs_of(att.get("refs"))
    return out


def refs_of(refs: Any) -> list[StoredFile]:
    """``{channel: ref}`` as stored files."""
    if not isinstance(refs, dict):
        return []
    return [StoredFile(str(channel), ref) for channel, ref in sorted(refs.items())
            if isinstance(ref, str) and ref]


def reply_files(reply: Any) -> list[StoredFile]:
    """The files a stored reply (``Reply.to_dict``) carries."""
    return files_of(reply.get("attachments") or []) if isinstance(reply, dict) else []


def payload_files(payload: Any) -> list[StoredFile]:
    """The files an inbound payload names: a Telegram photo's sizes and document, a web
    upload's ref."""
    if not isinstance(payload, dict):
        return []
    out: list[StoredFile] = []
    message = payload.get("message") or payload.get("edited_message")
    if isinstance(message, dict):
        for size in message.get("photo") or []:
            if isinstance(size, dict) and size.get("file_id"):
                out.append(StoredFile("telegram", str(size["file_id"])))
        doc = message.get("document")
        if isinstance(doc, dict) and doc.get("file_id"):
            out.append(StoredFile("telegram", str(doc["file_id"])))
    photo = payload.get("photo")
    if isinstance(photo, dict) and photo.get("ref"):
        out.append(StoredFile(_WEB, str(photo["ref"])))
    return out


def contains_any(column: Any, values: Sequence[str]) -> Any:
    """The column's JSON text contains one of ``values`` (a prefilter: LIKE's ``_`` and
    SQLite's case folding may match more; callers check the text again)."""
    text = cast(column, Text)
    return or_(*(text.like(f"%{v}%") for v in values))


async def unreferenced(s: Any, files: Sequence[StoredFile]) -> list[StoredFile]:
    """The files among ``files`` that no row names any more."""
    wanted = sorted(set(files))
    out: list[StoredFile] = []
    for i in range(0, len(wanted), 50):
        part = wanted[i:i + 50]
        left = {f.ref for f in part}
        for _, column in NAMING:
            if not left:
                break
            for text in await s.scalars(select(cast(column, Text)).where(
                    contains_any(column, sorted(left)))):
                left = {v for v in left if v not in (text or "")}
        out += [f for f in part if f.ref in left]
    return out


def _telegram_ids(value: Any, out: set[StoredFile]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in _TG_KEYS and isinstance(v, str) and v:
                out.add(StoredFile("telegram", v))
            else:
                _telegram_ids(v, out)
    elif isinstance(value, list):
        for v in value:
            _telegram_ids(v, out)


def named_in(value: Any) -> set[StoredFile]:
    """Every file a JSON value names: web refs anywhere in it, Telegram file ids under
    the keys attachments and payloads keep them (more is harmless: it only keeps)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {StoredFile(_WEB, r) for r in _REF.findall(value)}
    out = {StoredFile(_WEB, r) for r in _REF.findall(json.dumps(value, default=str))}
    _telegram_ids(value, out)
    return out


async def named(s: Any) -> set[StoredFile]:
    """Every file some row names now (a prefilter finds the rows; each is read whole)."""
    out: set[StoredFile] = set()
    for table, column in NAMING:
        # an attachment row is its refs; elsewhere "ref" also finds "refs", and a
        # Telegram payload says "file_id"
        hint = true() if table is T.Attachment else contains_any(column, _HINTS)
        key = getattr(table, "id", None)
        if key is None:  # conversations: keyed by chat, one row per chat
            for value in await s.scalars(select(column).where(hint)):
                out |= named_in(value)
            continue
        last = None
        while True:
            q = select(key, column).where(hint).order_by(key)
            rows = (await s.execute((q if last is None else q.where(key > last))
                                    .limit(_PAGE))).all()
            for _, value in rows:
                out |= named_in(value)
            if len(rows) < _PAGE:
                break
            last = rows[-1][0]
    return out
