"""Telegram through aiogram: polling into the inbox, rendering Replies, sending."""
from __future__ import annotations

from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageText,
    GetFile,
    GetMe,
    GetUpdates,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
)
from aiogram.methods.base import Response

# aiogram parses every Bot API answer as ``Response[<result type>]``. pydantic caches
# those generic classes only weakly, so after each garbage collection the next call
# rebuilds the class (~8 ms of CPU; it was ~15% of the bot's CPU under load). Holding
# the ones this bot uses makes that a one-time cost.
_RESPONSE_TYPES = tuple(Response[m.__returning__] for m in (  # type: ignore[name-defined]
    GetUpdates, SendMessage, EditMessageText, AnswerCallbackQuery, SendPhoto, SendDocument,
    GetMe, DeleteWebhook, SetMyCommands, GetFile))
