"""Telegram update (as stored in the inbox) -> channel-neutral Inbound."""
from __future__ import annotations

from typing import Any

from aiogram.types import Message, Update

from bot.channels import TELEGRAM
from handlers.inbound import Inbound

CHANNEL = TELEGRAM
#: What users may send that the bot does not read; each gets a specific reply.
UNSUPPORTED = ("sticker", "voice", "video", "video_note", "audio", "animation", "location",
               "contact", "venue", "poll", "dice", "game", "story")


def chat_key_of(update: dict[str, Any]) -> str:
    """The ordering key: the chat an update belongs to (private chat id = user id)."""
    for field in ("message", "edited_message", "channel_post", "my_chat_member"):
        if field in update:
            return f"{CHANNEL}:{update[field]['chat']['id']}"
    cq = update.get("callback_query")
    if cq:
        msg = cq.get("message") or {}
        return f"{CHANNEL}:{(msg.get('chat') or {}).get('id', cq['from']['id'])}"
    return f"{CHANNEL}:other"


def _display_name(user: Any) -> str | None:
    if user is None:
        return None
    return " ".join(p for p in (user.first_name, user.last_name) if p) or None


def _base(update: Update, source_key: str, msg: Message) -> dict[str, Any]:
    user = msg.from_user
    return dict(channel=CHANNEL, chat_id=str(msg.chat.id), chat_type=msg.chat.type,
                source_key=source_key, user_id=str(user.id) if user else None,
                username=user.username if user else None, display_name=_display_name(user))


def _name(user: dict[str, Any]) -> str | None:
    return " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p) or None


def _command_or_text(base: dict[str, Any], text: str, bot_username: str) -> Inbound:
    if text.startswith("/"):
        head, _, arg = text.partition(" ")
        command, _, target = head[1:].partition("@")
        if not target or target.lower() == bot_username.lower() or not bot_username:
            return Inbound(**base, kind="command", command=command.lower(),
                           command_arg=arg.strip(), text=text)
    return Inbound(**base, kind="text", text=text)


def _plain(payload: dict[str, Any], source_key: str, bot_username: str) -> Inbound | None:
    """The two commonest updates (a text message, a pressed button) read straight from
    the stored dict: the same Inbound as through ``Update.model_validate``, which cost
    more than the rest of the conversion. None: anything else (or any doubt)."""
    try:
        if len(payload) != 2:  # update_id plus exactly one update field
            return None
        msg = payload.get("message")
        if msg is not None:
            text, chat, user = msg.get("text"), msg["chat"], msg.get("from")
            if type(text) is not str or type(chat.get("type")) is not str:
                return None
            base = dict(channel=CHANNEL, chat_id=str(int(chat["id"])), chat_type=chat["type"],
                        source_key=source_key,
                        user_id=str(int(user["id"])) if user else None,
                        username=user.get("username") if user else None,
                        display_name=_name(user) if user else None)
            return _command_or_text(base, text, bot_username)
        cq = payload.get("callback_query")
        if cq is not None:
            user, msg = cq["from"], cq.get("message")
            if msg is not None and type(msg["chat"].get("type")) is not str:
                return None
            return Inbound(channel=CHANNEL,
                           chat_id=str(int(msg["chat"]["id"] if msg else user["id"])),
                           chat_type=msg["chat"]["type"] if msg else "private",
                           kind="callback", source_key=source_key, user_id=str(int(user["id"])),
                           username=user.get("username"), display_name=_name(user),
                           callback_data=cq.get("data") or "", callback_id=str(cq["id"]),
                           message_id=str(int(msg["message_id"])) if msg else None)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None


def to_inbound(payload: dict[str, Any], source_key: str, bot_username: str = "") -> Inbound:
    fast = _plain(payload, source_key, bot_username)
    return fast if fast is not None else _from_model(payload, source_key, bot_username)


def _from_model(payload: dict[str, Any], source_key: str, bot_username: str) -> Inbound:
    update = Update.model_validate(payload)
    if update.callback_query:
        cq = update.callback_query
        chat_id = str(cq.message.chat.id) if cq.message else str(cq.from_user.id)
        chat_type = cq.message.chat.type if cq.message else "private"
        return Inbound(channel=CHANNEL, chat_id=chat_id, chat_type=chat_type, kind="callback",
                       source_key=source_key, user_id=str(cq.from_user.id),
                       username=cq.from_user.username, display_name=_display_name(cq.from_user),
                       callback_data=cq.data or "", callback_id=cq.id,
                       message_id=str(cq.message.message_id) if cq.message else None)
    msg = update.message
    if msg is None:  # edits, membership changes, channel posts: nothing to answer
        return Inbound(channel=CHANNEL, chat_id="0", chat_type="private", kind="ignored",
                       source_key=source_key)
    base = _base(update, source_key, msg)
    if msg.text is not None:
        return _command_or_text(base, msg.text, bot_username)
    caption = msg.caption or ""
    if msg.photo:
        best = max(msg.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return Inbound(**base, kind="attachment", text=caption, attachment={
            "kind": "photo", "refs": {CHANNEL: best.file_id}, "size": best.file_size})
    if msg.document:
        d = msg.document
        return Inbound(**base, kind="attachment", text=caption, attachment={
            "kind": "document", "refs": {CHANNEL: d.file_id}, "file_name": d.file_name,
            "mime_type": d.mime_type, "size": d.file_size})
    content = next((c for c in UNSUPPORTED if getattr(msg, c, None) is not None),
                   str(msg.content_type))
    return Inbound(**base, kind="unsupported", content_type=content, text=caption)
