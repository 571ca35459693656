"""The one shape every channel turns its updates into."""
from __future__ import annotations

from dataclasses import dataclass

from core.types import JSON

#: Kinds of message the bot cannot take, each with a name to show (locale ``content.*``);
#: any other kind is shown as ``content.other`` ("this kind of message").
CONTENT_NAMES = frozenset({"sticker", "voice", "video", "video_note", "audio", "animation",
                           "location", "contact", "venue", "poll", "dice", "game", "story"})


def content_name(content_type: str | None) -> dict[str, JSON]:
    """The translated name of an unsupported message kind (never the raw type)."""
    return {"t": f"content.{content_type if content_type in CONTENT_NAMES else 'other'}"}


@dataclass(frozen=True)
class Inbound:
    channel: str
    chat_id: str
    chat_type: str  # "private", "group", ...
    kind: str  # text | command | callback | attachment | unsupported | ignored
    source_key: str  # channel:bot:update id; makes every effect idempotent
    user_id: str | None = None
    username: str | None = None
    display_name: str | None = None
    text: str = ""
    command: str | None = None
    command_arg: str = ""
    callback_data: str | None = None
    callback_id: str | None = None
    message_id: str | None = None  # the message a pressed button belongs to
    attachment: dict[str, JSON] | None = None  # {"kind", "refs": {channel: ref}, "file_name", ...}
    content_type: str | None = None  # what an unsupported message was (sticker, voice, ...)

    @property
    def chat_key(self) -> str:
        return f"{self.channel}:{self.chat_id}"
