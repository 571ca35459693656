"""Telegram's delivery rules the fake enforces: which chats a bot may write to, and
(opt-in) flood control.

A bot may write only to a chat that has talked to it: a private chat whose user never
pressed Start is "Forbidden: bot can't initiate conversation with a user", any other
unknown chat "Bad Request: chat not found". Flood control, when switched on, answers 429
with ``retry_after`` above Telegram's documented rates: about 1 message per second to
one chat and 30 per second overall.
"""
from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_bot_api_updates import TelegramError

#: Methods that put a new message into a chat (edits and answers are not counted).
SENDS = frozenset({"sendmessage", "sendphoto", "senddocument", "sendvoice", "sendvideo",
                   "sendaudio", "sendanimation", "sendsticker", "copymessage",
                   "forwardmessage", "sendmediagroup"})


@dataclass
class FloodControl:
    per_chat: float = 1.0  # messages per second to one chat
    overall: float = 30.0  # messages per second to all chats together
    _last: dict[Any, float] = field(default_factory=dict)
    _recent: deque[float] = field(default_factory=deque)

    def check(self, chat_id: Any, now: float) -> None:
        """Raise 429 when this send would break a limit; record it otherwise."""
        gap = 1.0 / self.per_chat
        last = self._last.get(chat_id)
        # Slack for jitter between a send and its arrival here; Telegram does not count
        # to the millisecond either.
        if last is not None and now - last < gap * 0.75:
            raise TelegramError(429, "Too Many Requests: retry after "
                                f"{math.ceil(gap - (now - last))}",
                                retry_after=max(1, math.ceil(gap - (now - last))))
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.overall * 1.25:
            raise TelegramError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._last[chat_id] = now
        self._recent.append(now)


class ChatRulesMixin:
    """Known chats and flood control, for the host ``FakeBotAPI``."""

    known_chats: set[Any]
    flood: FloodControl | None

    def add_chat(self, *chat_ids: Any) -> None:
        """Chats the bot may write to without an update from them (a user who pressed
        Start before the test began)."""
        self.known_chats.update(chat_ids)

    def flood_control(self, per_chat: float = 1.0, overall: float = 30.0) -> None:
        """Answer 429 with retry_after above these rates from now on."""
        self.flood = FloodControl(per_chat, overall)

    def _learn_chats(self, update: dict[str, Any]) -> None:
        for kind in ("message", "edited_message", "my_chat_member"):
            body = update.get(kind)
            if isinstance(body, dict) and isinstance(body.get("chat"), dict):
                self.known_chats.add(body["chat"].get("id"))
        callback = update.get("callback_query")
        if isinstance(callback, dict):
            self.known_chats.add((callback.get("from") or {}).get("id"))
            message = callback.get("message")
            if isinstance(message, dict) and isinstance(message.get("chat"), dict):
                self.known_chats.add(message["chat"].get("id"))

    def _check_chat(self, lower: str, chat_id: Any) -> None:
        if chat_id is None or lower not in SENDS:
            return
        if chat_id not in self.known_chats:
            if isinstance(chat_id, int) and chat_id > 0:
                raise TelegramError(403, "Forbidden: bot can't initiate conversation with a "
                                    "user")
            raise TelegramError(400, "Bad Request: chat not found")
        if self.flood is not None:
            self.flood.check(chat_id, time.monotonic())
