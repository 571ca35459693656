"""An admin who pushed a survey from chat watches it there: one progress message (sent,
failed, unreachable, remaining, rate, ETA), edited in place by the push sweep every few
seconds while the push runs, and once more when it is done (docs/decisions/0020)."""
from __future__ import annotations

from datetime import datetime, timedelta

from core.model import Lane
from core.ports import Store
from core.replies import Reply
from core.surveys.model import state_name
from core.surveys.push import Progress, progress

#: how often the progress message is edited (Telegram allows 1 message/s per chat)
EVERY = timedelta(seconds=5)
RUNNING = ("pushing", "paused")


def progress_reply(code: str, title: str, p: Progress, *, edit_of: str | None = None) -> Reply:
    seconds = int(p.eta.total_seconds()) if p.eta else None
    c = p.counts
    return Reply("survey_admin.progress", {
        "code": code, "title": title, "status": state_name(p.status), "sent": c["sent"],
        "failed": c["failed"], "unreachable": c["unreachable"], "ambiguous": c["ambiguous"],
        "remaining": p.remaining, "rate": f"{p.per_second:.1f}",
        "eta": f"{seconds // 60}:{seconds % 60:02d}" if seconds is not None else "—"},
        edit_of=edit_of)


async def refresh_progress(store: Store, *, now: datetime, default_locale: str) -> int:
    """Edit each watched survey's progress message; stop watching a finished push after
    its last edit. Return how many messages were edited."""
    edited = 0
    for row, channel, chat_id, edited_at in await store.watched_surveys():
        if edited_at is not None and now - edited_at < EVERY and row.status in RUNNING:
            continue
        message_id = await store.progress_message_id(channel, chat_id, row.code)
        if message_id is None:
            continue  # the first progress message is not sent yet
        shown = await progress(store, row.code, now=now)
        await store.enqueue(channel, chat_id, progress_reply(row.code, row.title, shown,
                                                             edit_of=message_id),
                            lane=Lane.INTERACTIVE, locale=default_locale, person_id=None,
                            now=now)
        await store.watch_survey(row.id, channel, chat_id, now,
                                 done=row.status not in RUNNING)
        edited += 1
    return edited
