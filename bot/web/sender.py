"""WebSender: outbox rows -> JSON events pushed to the person's open SSE streams.

The outbox row itself is the stored event: history (GET /api/messages) renders sent rows
again with ``render_event`` (a sealed reply's row only as its remains: a neutral line).
Text is the same safe HTML as on Telegram (the locale's <b>, user values escaped); the
page turns it into DOM nodes without innerHTML. An attachment becomes a URL signed for
the chat's person (see ``bot.web.files``) or a placeholder text.
"""
from __future__ import annotations

import asyncio
import html
from collections import OrderedDict, defaultdict, deque
from dataclasses import replace
from typing import Any

from bot.sealing import sealed
from bot.web import CHANNEL
from bot.web.files import WebFiles
from bot.web.limits import FloodWatch
from core.replies import sealed_remains
from locales import Catalog
from storage.outbox import Outgoing

TEXT_LIMIT = 4096


class TooManyStreams(Exception):
    """A person already has the most open streams a person may have."""


class EventHub:
    """In-process fan-out: each open stream of a chat has a queue.

    The last events of each chat are kept briefly and handed to a new stream: a reply
    published while the page was (re)connecting but recorded as sent only after the
    stream read its history would otherwise reach neither the history nor the stream.
    """

    RECENT = 50            # events kept per chat
    RECENT_CHATS = 2000    # chats whose recent events are kept (oldest dropped first)
    MAX_STREAMS = 5        # open streams per chat (a few tabs; not thousands)

    def __init__(self) -> None:
        self._streams: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._recent: OrderedDict[str, deque[dict[str, Any]]] = OrderedDict()

    def subscribe(self, chat_id: str) -> asyncio.Queue:
        if len(self._streams.get(chat_id, ())) >= self.MAX_STREAMS:
            raise TooManyStreams(chat_id)
        q: asyncio.Queue = asyncio.Queue(maxsize=1000)
        for event in self._recent.get(chat_id, ()):
            q.put_nowait(event)
        self._streams[chat_id].add(q)
        return q

    def unsubscribe(self, chat_id: str, q: asyncio.Queue) -> None:
        self._streams[chat_id].discard(q)
        if not self._streams[chat_id]:
            del self._streams[chat_id]

    def publish(self, chat_id: str, event: dict[str, Any],
                kept: dict[str, Any] | None = None) -> None:
        """``kept``: what to replay instead of ``event`` (a sealed reply's remains)."""
        if event["kind"] == "message":  # toasts are of the moment: never replayed
            self._remember(chat_id, kept or event)
        for q in list(self._streams.get(chat_id, ())):
            try:
                q.put_nowait(event)
            except asyncio.QueueFull:  # a stalled reader catches up from history
                pass

    def _remember(self, chat_id: str, event: dict[str, Any]) -> None:
        recent = self._recent.get(chat_id)
        if recent is None:
            recent = self._recent[chat_id] = deque(maxlen=self.RECENT)
            if len(self._recent) > self.RECENT_CHATS:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(chat_id)
        recent.append(event)


def message_id_of(row: Outgoing) -> str:
    """An edit keeps the id of the message it replaces, as on Telegram."""
    return str(row.reply.get("edit_of") or row.id)


def _attachment(catalog: Catalog, row: Outgoing, files: WebFiles | None,
                att: dict[str, Any]) -> dict[str, Any]:
    viewer = int(row.chat_id.removeprefix(f"{CHANNEL}:"))
    shown: dict[str, Any] = files.view(viewer, att) if files else \
        {"kind": att.get("kind"), "placeholder": "shared_photo.unavailable"}
    if "placeholder" in shown:  # plain text: the page sets it with textContent
        return {"kind": shown["kind"], "text": catalog.render(row.locale, shown["placeholder"])}
    return shown


def render_event(catalog: Catalog, row: Outgoing, files: WebFiles | None = None) -> dict[str, Any]:
    reply = row.reply
    kind = reply.get("kind", "message")
    text = catalog.render(row.locale, reply["key"], reply.get("params"), html.escape) \
        if reply.get("key") else ""
    # ``locale``: the language it was sent in (the account's); a live one in another
    # language than the page's tells the page to follow (/lang typed in the chat).
    event: dict[str, Any] = {"id": row.id, "kind": "toast" if kind == "callback_answer"
                             else "message", "key": reply.get("key") or None,
                             "html": text[:TEXT_LIMIT], "locale": row.locale}
    if kind == "callback_answer":
        return event
    event.update(
        message_id=message_id_of(row), edit_of=reply.get("edit_of"),
        # Labels are plain text: the page sets them with textContent.
        buttons=[[{"label": catalog.render_plain(row.locale, b["label"], b.get("params"))[:64],
                   "action": b["action"]} for b in brow] for brow in reply.get("buttons") or ()],
        attachments=[_attachment(catalog, row, files, a) for a in reply.get("attachments") or ()])
    return event


def render_group(catalog: Catalog, rows: list[Outgoing],
                 files: WebFiles | None = None) -> dict[str, Any]:
    """Replies the sender merged (plain texts, a flood's) as one event, as on Telegram:
    the texts in order, a text repeated back to back shown once, the last one's buttons.
    Its id is the last row's, so a page that has it asks only for what came after."""
    if len(rows) == 1:
        return render_event(catalog, rows[0], files)
    event = render_event(catalog, rows[-1], files)
    texts: list[str] = []
    for row in rows:
        text = render_event(catalog, row, files)["html"]
        if not texts or texts[-1] != text:
            texts.append(text)
    event["html"] = "\n\n".join(texts)[:TEXT_LIMIT]
    return event


class WebSender:
    name = CHANNEL
    rate_limited = False  # Telegram's 30/s and 1/s per chat do not apply to our own page
    #: While its person floods (see FloodWatch), a chat gets a message every FLOOD_PAUSE
    #: seconds, each merging what piled up meanwhile, as on Telegram. Otherwise replies
    #: are sent at once, each as its own message.
    FLOOD_PAUSE = 0.5

    def __init__(self, catalog: Catalog, hub: EventHub, files: WebFiles | None = None,
                 flood: FloodWatch | None = None) -> None:
        self.catalog, self.hub, self.files = catalog, hub, files
        self.flood = flood or FloodWatch()

    def render_text(self, row: Outgoing) -> str:
        return render_event(self.catalog, row)["html"]

    def flooded(self, chat_id: str) -> bool:
        """Whether this chat's queued plain replies are merged now."""
        return self.flood.flooded(chat_id)

    def pause_after(self, chat_id: str) -> float:
        """Seconds this chat waits before its next message."""
        return self.FLOOD_PAUSE if self.flood.flooded(chat_id) else 0.0

    async def deliver(self, rows: list[Outgoing], merged_text: str | None) -> str | None:
        for row in rows:
            if self.files:  # Telegram photos are copied in here, once; history reads the copy
                await self.files.prepare(row.reply)
        last = rows[-1]
        if last.reply.get("kind") == "callback_answer":
            self.hub.publish(last.chat_id, render_event(self.catalog, last, self.files))
            return None
        # A merged group (a flood's plain replies) is one message, as history shows it.
        if merged_text is not None:
            self.flood.still(last.chat_id)
        groups = [rows] if merged_text is not None else [[r] for r in rows]
        for group in groups:
            # A sealed reply is shown once; a reconnecting page replays only its remains.
            kept = [replace(r, reply=sealed_remains(r.reply)) for r in group] \
                if sealed(group) else None
            self.hub.publish(last.chat_id, render_group(self.catalog, group, self.files),
                             render_group(self.catalog, kept) if kept else None)
        return message_id_of(last)
