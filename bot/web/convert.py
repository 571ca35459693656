"""A web chat message (as stored in the inbox) -> channel-neutral Inbound.

The stored payload is what the server checked and wrote, not the raw request:
``{"person_id", "identity", "display_name", "username", "client_id", "kind", "text", "action",
"message_id", "photo"}``.
"""
from __future__ import annotations

from typing import Any

from bot.web import BOT_ID, CHANNEL, chat_id_of
from handlers.inbound import Inbound
from storage.tables import InboxRow


def to_inbound(payload: dict[str, Any], source_key: str) -> Inbound:
    base = dict(channel=CHANNEL, chat_id=chat_id_of(int(payload["person_id"])),
                chat_type="private", source_key=source_key, user_id=payload["identity"],
                username=payload.get("username"), display_name=payload.get("display_name"))
    kind = payload.get("kind")
    if kind == "button":
        return Inbound(**base, kind="callback", callback_data=payload.get("action") or "",
                       callback_id=payload.get("client_id"),
                       message_id=payload.get("message_id") or None)
    if kind == "photo":
        photo = payload["photo"]
        return Inbound(**base, kind="attachment", text=payload.get("text") or "", attachment={
            "kind": "photo", "refs": {CHANNEL: photo["ref"]}, "size": photo.get("size"),
            "mime_type": photo.get("mime_type")})
    text = payload.get("text") or ""
    if text.startswith("/"):  # the same commands as on Telegram: /start, /new, /lang ...
        head, _, arg = text.partition(" ")
        return Inbound(**base, kind="command", command=head[1:].lower(),
                       command_arg=arg.strip(), text=text)
    return Inbound(**base, kind="text", text=text)


def row_to_inbound(row: InboxRow) -> Inbound:
    return to_inbound(row.payload, f"{CHANNEL}:{BOT_ID}:{row.update_id}")
