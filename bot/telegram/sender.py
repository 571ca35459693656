"""TelegramSender: one outbox row (or a merged group) -> one Bot API call.

A photo uploaded on the web chat has no Telegram file_id: it is uploaded from the web
upload dir (then its file_id is reused), or, when it cannot be, the message says so.
"""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any, TypedDict

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
from aiogram.types import BufferedInputFile, FSInputFile, InlineKeyboardMarkup, Message

from bot.channels import WEB
from bot.delivery import Permanent, RetryAfter, Transient, Unreachable
from bot.files import resolve
from bot.telegram.convert import CHANNEL
from bot.telegram.render import CAPTION_LIMIT, fit, render_keyboard, render_plain, render_text
from core.replies import is_sealed
from core.model import Lane
from locales import Catalog
from storage.outbox import Outgoing

log = logging.getLogger(__name__)
KEYBOARD_CACHE = 2048
FILE_ID_CACHE = 4096

Media = str | FSInputFile | BufferedInputFile  # a Telegram file_id, or bytes to upload


class _MediaArgs(TypedDict):
    """What send_photo and send_document get besides the file itself."""

    chat_id: int
    caption: str
    parse_mode: ParseMode
    reply_markup: InlineKeyboardMarkup | None


class TelegramSender:
    name = CHANNEL

    def __init__(self, bot: Bot, catalog: Catalog, upload_dir: Path | None = None,
                 paid_broadcast: bool = False) -> None:
        """``upload_dir``: the web chat's (``[web] upload_dir``); None: web photos are not
        sent, a placeholder line is. ``paid_broadcast``: bulk-lane texts go with Telegram's
        ``allow_paid_broadcast`` (``[outbox] paid_broadcast``)."""
        self.bot, self.catalog, self.upload_dir = bot, catalog, upload_dir
        self.paid_broadcast = paid_broadcast
        # Telegram file_ids of web files already uploaded, by web ref (content-addressed,
        # so a ref always names the same bytes).
        self._file_ids: dict[str, str] = {}
        # Rendered keyboards by (locale, buttons): many replies carry the same keyboard
        # (the college question, the main menu), and building the aiogram models for
        # every send was a visible cost. aiogram only reads them.
        self._keyboards: dict[tuple[str, str], InlineKeyboardMarkup | None] = {}

    def _keyboard(self, locale: str, reply: dict) -> InlineKeyboardMarkup | None:
        rows = reply.get("buttons")
        if not rows:
            return None
        if is_sealed(reply):  # its labels and parameters are not kept, not even here
            return render_keyboard(self.catalog, locale, reply)
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
            raise Permanent(f"{type(exc).__name__}: {exc.message}", _reason(exc)) from exc

    async def _call(self, rows: list[Outgoing], merged_text: str | None) -> str | None:
        last = rows[-1]
        reply, chat_id = last.reply, int(last.chat_id)
        if reply.get("kind") == "callback_answer":
            # A notice under a pressed button is plain text, not HTML.
            text = render_plain(self.catalog, last.locale, reply) if reply.get("key") else None
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
            media: Media | None = self._media(att)
            if isinstance(media, str) and att.get("send_as"):
                media = await self._renamed(media, str(att["send_as"]))
            if media is not None:
                caption = fit(text, CAPTION_LIMIT)
                kwargs = _MediaArgs(chat_id=chat_id, caption=caption,
                                    parse_mode=ParseMode.HTML, reply_markup=keyboard)
                try:
                    return str((await self._send_media(att, media, kwargs)).message_id)
                except TelegramBadRequest as exc:
                    # Telegram refused the file (a file_id it no longer knows or that
                    # another bot issued, not really an image, too long a screenshot
                    # ...): a 400 never gets better by waiting, so the text goes out at
                    # once with a line saying a file could not be shown.
                    log.warning("Telegram refused a %s: %s", att.get("kind"), exc.message)
            # Say so rather than drop the message or let it die.
            line = self.catalog.render(last.locale, "shared_photo.unavailable"
                                       if att.get("kind") == "photo"
                                       else "shared_photo.file_unavailable")
            text = fit(f"{text}\n{line}")
        paid = self.paid_broadcast and last.lane == Lane.BULK
        msg = await self.bot.send_message(chat_id=chat_id, text=text, parse_mode=ParseMode.HTML,
                                          reply_markup=keyboard,
                                          allow_paid_broadcast=True if paid else None)
        return str(msg.message_id)

    def _media(self, att: dict[str, Any]) -> str | FSInputFile | None:
        """A Telegram file_id, or the web file to upload; None: nothing we can send."""
        refs = att.get("refs") or {}
        if refs.get(CHANNEL):
            return str(refs[CHANNEL])
        ref = str(refs.get(WEB) or "")
        if not ref:
            return None
        if ref in self._file_ids:
            return self._file_ids[ref]
        path = resolve(self.upload_dir, ref) if self.upload_dir else None
        if path is None:
            log.warning("web file %r cannot be sent to Telegram (no upload dir, outside it, "
                        "or missing)", ref[:100])
            return None
        # a /mydata file goes under its readable name (bot/privacy_files.py)
        return FSInputFile(path, filename=str(att.get("send_as") or path.name))

    async def _renamed(self, file_id: str, name: str) -> str | BufferedInputFile | None:
        """An anonymous requester's document, to be re-sent under a neutral name: a
        file_id keeps its original file name, so the bytes are uploaded again (once; the
        new file_id is reused). None: Telegram would not give us the file (over 20 MB,
        or gone); the message then says a file could not be shown, never the name."""
        cached = self._file_ids.get(f"as:{file_id}:{name}")
        if cached:
            return cached
        data = io.BytesIO()
        try:
            await self.bot.download(file_id, destination=data)
        except (TelegramBadRequest, TelegramNotFound) as exc:
            log.warning("anonymous document not re-sent: %s", exc)
            return None
        return BufferedInputFile(data.getvalue(), filename=name)

    async def _send_media(self, att: dict[str, Any], media: Media,
                          kwargs: _MediaArgs) -> Message:
        photo = att.get("kind") == "photo"
        ref = str((att.get("refs") or {}).get(WEB) or "")
        if att.get("send_as") and (att.get("refs") or {}).get(CHANNEL):
            ref = f"as:{att['refs'][CHANNEL]}:{att['send_as']}"
        try:
            msg = await (self.bot.send_photo(**kwargs, photo=media) if photo
                         else self.bot.send_document(**kwargs, document=media))
        except TelegramBadRequest:
            if not ref or self._file_ids.pop(ref, None) is None:
                raise
            again = self._media(att) or media  # the cached file_id went stale: upload again
            if isinstance(again, str) and att.get("send_as"):
                again = await self._renamed(again, str(att["send_as"])) or again
            return await self._send_media(att, again, kwargs)
        if isinstance(media, FSInputFile | BufferedInputFile) and ref:
            sent = msg.photo[-1] if photo and msg.photo else msg.document
            if sent is not None:
                if len(self._file_ids) >= FILE_ID_CACHE:
                    self._file_ids.clear()
                self._file_ids[ref] = sent.file_id
        return msg


def _reason(exc: Exception) -> str:
    """Telegram's refusal in a word an admin alert can translate."""
    if isinstance(exc, TelegramUnauthorizedError):
        return "unauthorized"
    text = str(getattr(exc, "message", exc)).lower()
    for needle, reason in (("chat not found", "chat_not_found"), ("too long", "too_long"),
                           ("parse entities", "bad_text"), ("file", "bad_file")):
        if needle in text:
            return reason
    return "refused"
