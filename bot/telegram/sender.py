"""TelegramSender: one outbox row (or a merged group) -> one Bot API call."""
from __future__ import annotations

import json

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardMarkup

from bot.delivery import Permanent, RetryAfter, Transient, Unreachable
from bot.telegram.convert import CHANNEL
from bot.telegram.render import CAPTION_LIMIT, render_keyboard, render_text
from locales import Catalog
from storage.outbox import Outgoing

KEYBOARD_CACHE = 2048


class TelegramSender:
    name = CHANNEL

    def __init__(self, bot: Bot, catalog: Catalog) -> None:
        self.bot, self.catalog = bot, catalog
        # Rendered keyboards by (locale, buttons): many replies carry the same keyboard
        # (the college question, the main menu), and building the aiogram models for
        # every send was a visible cost. aiogram only reads them.
        self._keyboards: dict[tuple[str, str], InlineKeyboardMarkup | None] = {}

    def _keyboard(self, locale: str, reply: dict) -> InlineKeyboardMarkup | None:
        rows = reply.get("buttons")
        if not rows:
            return None
        key = (locale, json.dumps(rows, ensure_ascii=False, sort_keys=True))
        keyboard = self._keyboards.get(key)
        if keyboard is None:
            if len(self._keyboards) >= KEYBOARD_CACHE:
                self._keyboards.clear()
            keyboard = self._keyboards[key] = render_keyboard(self.catalog, locale, reply)
        return keyboard

    def render_text(self, row: Outgoing) -> str:
        return render_text(self.catalog, row.locale, row.reply)

    async def deliver(self, rows: list[Outgoing], merged_text: str | None) -> str | None:
        try:
            return await self._call(rows, merged_text)
        except TelegramRetryAfter as exc:
            raise RetryAfter(float(exc.retry_after)) from exc
        except TelegramForbiddenError as exc:
            raise Unreachable(exc.message) from exc
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise Transient(str(exc)) from exc
        except (TelegramBadRequest, TelegramUnauthorizedError, TelegramNotFound) as exc:
            raise Permanent(f"{type(exc).__name__}: {exc.message}") from exc

    async def _call(self, rows: list[Outgoing], merged_text: str | None) -> str | None:
        last = rows[-1]
        reply, chat_id = last.reply, int(last.chat_id)
        if reply.get("kind") == "callback_answer":
            text = self.render_text(last) if reply.get("key") else None
            try:
                await self.bot.answer_callback_query(reply["callback_id"],
                                                     text=text[:200] if text else None)
            except TelegramBadRequest as exc:
                # Already answered (re-sent after a crash between send and record) or too
                # old to answer (a backlog after downtime): nothing is left to deliver.
                if "query is too old" not in exc.message and "query id is invalid" not in \
                        exc.message.lower():
                    raise
            return None
        text = merged_text or self.render_text(last)
        keyboard = self._keyboard(last.locale, reply)
        if reply.get("edit_of"):
            try:
                msg = await self.bot.edit_message_text(
                    chat_id=chat_id, message_id=int(reply["edit_of"]), text=text,
                    parse_mode=ParseMode.HTML, reply_markup=keyboard)
                return str(getattr(msg, "message_id", reply["edit_of"]))
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return reply["edit_of"]
                # The message is gone or too old to edit: send the step as a new message.
        for att in reply.get("attachments") or ():
            ref = (att.get("refs") or {}).get(CHANNEL)
            if not ref:
                continue  # uploaded on another channel; shown as text below
            caption = text if len(text) <= CAPTION_LIMIT else text[: CAPTION_LIMIT - 1] + "…"
            send = self.bot.send_photo if att["kind"] == "photo" else self.bot.send_document
            kwargs = {"photo": ref} if att["kind"] == "photo" else {"document": ref}
            msg = await send(chat_id=chat_id, caption=caption, parse_mode=ParseMode.HTML,
                             reply_markup=keyboard, **kwargs)
            return str(msg.message_id)
        msg = await self.bot.send_message(chat_id=chat_id, text=text, parse_mode=ParseMode.HTML,
                                          reply_markup=keyboard)
        return str(msg.message_id)
