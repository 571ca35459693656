"""Messages past their retention, and the outbox rows that carry a person or a concern.

A sent row is deleted after ``[privacy] message_days`` unless something still reads it:
a survey push's row whose delivery is not settled yet, or that such a delivery points at
(storage/surveys/push_store.py ``queued_outcomes``), a row in a chat whose survey
progress message the push sweep still edits (``progress_message_id``), and the outbox's
newest row, which is scrubbed instead (SQLite gives a new row the highest id plus one,
and the web chat names its messages by row id, docs/decisions/0023). Rows that carry an
anonymised concern or an erased person are scrubbed as sealed rows are once sent
(storage/outbox.py ``SCRUBBED``): kept, with nothing of the message."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, not_, or_, select, update

from core.privacy.ports import Purged, StoredFile
from storage import tables as T
from storage.privacy.files import contains_any, payload_files, reply_files

#: outbox states whose rows are done with (never pending or in flight)
DONE = ("sent", "dead", "unreachable", "cancelled", "ambiguous")


def _scrubbed() -> dict[str, Any]:
    """storage/outbox.py ``SCRUBBED``, but a row keeps its state (an admin still counts
    the dead ones). Imported here: storage.outbox needs the unit of work, which needs
    SqlStore, which this mixin is part of."""
    from storage.outbox import SCRUBBED

    return {k: v for k, v in SCRUBBED.items() if k != "status"}
_O, _I = T.OutboxRow, T.InboxRow


def _day(at: datetime) -> datetime:
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


async def purge(s: Any, before: datetime, limit: int) -> Purged:
    """Delete up to ``limit`` outbox rows and ``limit`` inbox rows past ``before``."""
    watched = [(c, i) for c, i in await s.execute(
        select(T.Survey.status_channel, T.Survey.status_chat_id).where(
            T.Survey.status_chat_id.is_not(None)))]
    unsettled = T.SurveyDelivery.status.in_(("pending", "queued"))
    queued = select(T.SurveyDelivery.id).where(unsettled)
    pointed = select(T.SurveyDelivery.outbox_id).where(
        unsettled, T.SurveyDelivery.outbox_id.is_not(None))
    newest = await s.scalar(select(func.max(_O.id)))
    q = select(_O.id).where(
        _O.status.in_(DONE), func.coalesce(_O.sent_at, _O.created_at) < before,
        or_(_O.survey_delivery_id.is_(None), _O.survey_delivery_id.not_in(queued)),
        _O.id.not_in(pointed))
    for channel, chat in watched:
        q = q.where(not_(and_(_O.channel == channel, _O.chat_id == chat)))
    rows = (await s.execute(q.add_columns(_O.reply).order_by(_O.id).limit(limit))).all()
    files = [f for _, reply in rows for f in reply_files(reply)]
    ids = [i for i, _ in rows]
    if newest in ids:  # kept, scrubbed: its id must not be given to the next row
        ids.remove(newest)
        await s.execute(update(_O).where(_O.id == newest, _O.channel != "-").values(
            **_scrubbed(), created_at=_day(before), sent_at=_day(before)))
    if ids:
        await s.execute(delete(_O).where(_O.id.in_(ids)))
    inbox = (await s.execute(select(_I.id, _I.payload).where(
        _I.status.in_(("done", "dead")),
        func.coalesce(_I.handled_at, _I.received_at) < before).order_by(_I.id)
        .limit(limit))).all()
    files += [f for _, payload in inbox for f in payload_files(payload)]
    if inbox:
        await s.execute(delete(_I).where(_I.id.in_([i for i, _ in inbox])))
    # the crisis check's memory of a chat's recent texts (the crisis sweep drops it after
    # [crisis] context_minutes; a chat silent since ``before`` keeps nothing either way)
    await s.execute(update(T.Conversation).where(
        T.Conversation.crisis_state.is_not(None), T.Conversation.updated_at < before)
        .values(crisis_state=None).execution_options(synchronize_session=False))
    return Purged(outbox_rows=len(ids), inbox_rows=len(inbox), files=tuple(sorted(set(files))))


async def scrub_outbox(s: Any, where: Any, now: datetime) -> tuple[int, list[StoredFile]]:
    """Scrub the done outbox rows matching ``where``; how many, and the files they named."""
    rows = (await s.execute(select(_O.id, _O.reply).where(
        _O.status.in_(DONE), _O.channel != "-", where))).all()
    if not rows:
        return 0, []
    files = [f for _, reply in rows for f in reply_files(reply)]
    ids = [i for i, _ in rows]
    day = _day(now)
    for i in range(0, len(ids), 500):
        await s.execute(update(_O).where(_O.id.in_(ids[i:i + 500])).values(
            **_scrubbed(), created_at=day, sent_at=day))
    return len(ids), files


async def redact_inbox(s: Any, where: Any) -> tuple[int, list[StoredFile]]:
    """Handled inbox rows matching ``where`` redacted as a flow's ``redact_inbound`` has
    them (storage/inbox.py ``mark_done``): the payload ``REDACTED``, the chat key
    ``REDACTED_CHAT``, the update id its hash (a re-delivery is still recognised, so the
    row is not deleted), the times the day's start. Returns how many, and their files."""
    from storage.inbox import REDACTED, REDACTED_CHAT, day_start, redacted_update_id

    rows = (await s.execute(select(_I).where(
        _I.status.in_(("done", "dead")), _I.chat_key != REDACTED_CHAT, where))).scalars().all()
    files: list[StoredFile] = []
    for r in rows:
        files += payload_files(r.payload)
        day = day_start(r.handled_at or r.received_at)
        r.payload, r.last_error, r.chat_key, r.status = dict(REDACTED), None, REDACTED_CHAT, "done"
        r.update_id = redacted_update_id(r.channel, r.bot_id, r.update_id)
        r.received_at = r.handled_at = day
    return len(rows), files


async def forget_naming(s: Any, markers: Sequence[str], now: datetime
                        ) -> tuple[int, int, list[StoredFile]]:
    """Scrub the done outbox rows and redact the handled inbox rows that name one of
    ``markers`` (concern numbers, an erasure request's token: a task card, a pressed
    button's message); LIKE finds candidates, the text is checked again. Returns (outbox
    rows, inbox rows, their files)."""
    out = inbox = 0
    files: list[StoredFile] = []
    for i in range(0, len(markers), 50):
        part = list(markers[i:i + 50])
        found = (await s.execute(select(_O.id, _O.reply).where(
            _O.status.in_(DONE), _O.channel != "-", contains_any(_O.reply, part)))).all()
        ids = [row_id for row_id, reply in found if any(m in _text(reply) for m in part)]
        if ids:
            n, named = await scrub_outbox(s, _O.id.in_(ids), now)
            out, files = out + n, files + named
        found = (await s.execute(select(_I.id, _I.payload).where(
            contains_any(_I.payload, part)))).all()
        ids = [row_id for row_id, payload in found if any(m in _text(payload) for m in part)]
        if ids:
            n, named = await redact_inbox(s, _I.id.in_(ids))
            inbox, files = inbox + n, files + named
    return out, inbox, files


async def forget_chats(s: Any, chats: Sequence[tuple[str, str]], person_id: int,
                       now: datetime) -> tuple[int, int, list[StoredFile]]:
    """A person's chats forgotten: their done outbox rows scrubbed (and any row sent to
    the person), their handled inbox rows redacted, their conversations deleted.
    Returns (outbox rows, inbox rows, the files they named). Pending rows stay: a
    notice just queued for the person (sealed) still goes out, and is then scrubbed."""
    mine = or_(_O.person_id == person_id,
               *(and_(_O.channel == c, _O.chat_id == i) for c, i in chats))
    out, files = await scrub_outbox(s, mine, now)
    keys = [f"{c}:{i}" for c, i in chats]
    inbox, named = await redact_inbox(s, _I.chat_key.in_(keys)) if keys else (0, [])
    for channel, chat in chats:
        await s.execute(delete(T.Conversation).where(
            T.Conversation.channel == channel, T.Conversation.chat_id == chat))
    return out, inbox, files + named


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, default=str)
