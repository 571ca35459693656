"""Telegram objects for the fake Bot API: update builders and call records.

Kept apart from the server so the server module stays readable. The builders
are a mixin that relies on the host (``FakeBotAPI``) for state: the update
queue (``push_update``), per-chat message ids, stored bot messages and files.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

# Global so callback ids stay unique even across several fake servers.
_callback_ids = itertools.count(1)


def user_obj(
    user_id: int,
    first_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "zh-hans",
) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name or f"User {user_id}",
    }
    # Many real users have no username; omitting the key (not sending null)
    # mirrors Telegram and catches code that assumes it is always present.
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def chat_obj(chat_id: int | str, chat_type: str | None = None, user: dict | None = None) -> dict:
    if chat_type is None:
        chat_type = "private" if isinstance(chat_id, int) and chat_id > 0 else "group"
        if isinstance(chat_id, int) and chat_id <= -1_000_000_000_000:
            chat_type = "supergroup"
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private" and user is not None:
        chat["first_name"] = user["first_name"]
        if "username" in user:
            chat["username"] = user["username"]
    elif chat_type != "private":
        chat["title"] = f"Test chat {chat_id}"
    return chat


class UpdateBuildersMixin:
    """Convenience ``push_*`` methods; each returns the assigned update_id."""

    # Provided by the host class.
    bot_user: dict[str, Any]
    _messages: dict[tuple[Any, int], dict[str, Any]]
    _files: dict[str, tuple[bytes, str]]
    _issued_callbacks: dict[str, float]
    callback_ids: list[str]

    def push_update(self, update: dict[str, Any]) -> int:  # pragma: no cover
        raise NotImplementedError

    def _alloc_message_id(self, chat_id: Any) -> int:  # pragma: no cover
        raise NotImplementedError

    def _user_message(
        self,
        user_id: int,
        *,
        chat_id: int | None,
        chat_type: str | None,
        first_name: str | None,
        username: str | None,
        language_code: str | None,
        fields: dict[str, Any],
    ) -> int:
        user = user_obj(user_id, first_name, username, language_code)
        cid = user_id if chat_id is None else chat_id
        message = {
            # Telegram shares one message_id sequence per chat between the bot
            # and the user, so both sides draw from the host's counter.
            "message_id": self._alloc_message_id(cid),
            "date": int(time.time()),
            "chat": chat_obj(cid, chat_type, user),
            "from": user,
            **fields,
        }
        self._messages[(cid, message["message_id"])] = message  # Telegram keeps it too
        return self.push_update({"message": message})

    def push_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        **message_fields: Any,
    ) -> int:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            # aiogram's Command filter works without it, but real clients get
            # a bot_command entity and some handlers inspect entities.
            command = text.split(maxsplit=1)[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        fields.update(message_fields)
        return self._user_message(
            user_id,
            chat_id=chat_id,
            chat_type=chat_type,
            first_name=first_name,
            username=username,
            language_code=language_code,
            fields=fields,
        )

    push_command = push_text

    def push_group_text(self, chat_id: int, user_id: int, text: str, **kwargs: Any) -> int:
        kwargs.setdefault("chat_type", "group")
        return self.push_text(user_id, text, chat_id=chat_id, **kwargs)

    def push_photo(
        self, user_id: int, file_id: str, caption: str | None = None, **kwargs: Any
    ) -> int:
        # Telegram sends several sizes; the largest (last) carries the given
        # file_id because that is the one handlers conventionally pick.
        fields: dict[str, Any] = {
            "photo": [
                {"file_id": f"{file_id}-thumb", "file_unique_id": f"u-{file_id}-thumb",
                 "width": 90, "height": 90, "file_size": 1_000},
                {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                 "width": 1280, "height": 960, "file_size": 100_000},
            ]
        }
        if caption is not None:
            fields["caption"] = caption
        return self._push_media(user_id, fields, kwargs)

    def push_document(
        self,
        user_id: int,
        file_id: str,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        *,
        content: bytes | None = None,
        **kwargs: Any,
    ) -> int:
        document = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content) if content is not None else 1_024,
        }
        if content is not None:
            # Lets the bot getFile + download what the "user" uploaded.
            self._files[file_id] = (content, f"documents/{file_id}/{file_name}")
        fields: dict[str, Any] = {"document": document}
        if caption is not None:
            fields["caption"] = caption
        return self._push_media(user_id, fields, kwargs)

    def push_sticker(self, user_id: int, file_id: str = "sticker-1", **kwargs: Any) -> int:
        sticker = {
            "file_id": file_id, "file_unique_id": f"u-{file_id}", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍",
        }
        return self._push_media(user_id, {"sticker": sticker}, kwargs)

    def push_voice(
        self, user_id: int, file_id: str = "voice-1", duration: int = 3, **kwargs: Any
    ) -> int:
        voice = {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                 "duration": duration, "mime_type": "audio/ogg", "file_size": 4_096}
        return self._push_media(user_id, {"voice": voice}, kwargs)

    def _push_media(self, user_id: int, fields: dict, kwargs: dict[str, Any]) -> int:
        fields.update(kwargs.pop("message_fields", {}))
        return self._user_message(
            user_id,
            chat_id=kwargs.pop("chat_id", None),
            chat_type=kwargs.pop("chat_type", None),
            first_name=kwargs.pop("first_name", None),
            username=kwargs.pop("username", None),
            language_code=kwargs.pop("language_code", "zh-hans"),
            fields={**fields, **kwargs},
        )

    def push_callback(
        self,
        user_id: int,
        data: str,
        message_id: int,
        chat_id: int | None = None,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> int:
        user = user_obj(user_id, first_name, username, language_code)
        cid = user_id if chat_id is None else chat_id
        # Prefer the message the bot really sent, so handlers that read
        # callback.message.text / reply_markup see what the user clicked on.
        message = self._messages.get((cid, message_id)) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat_obj(cid, None, user),
            "from": self.bot_user,
            "text": "",
        }
        callback = {
            "id": f"cbq-{next(_callback_ids)}",
            "from": user,
            "chat_instance": f"ci-{cid}",
            "data": data,
            "message": message,
        }
        self._issued_callbacks[callback["id"]] = time.monotonic()
        self.callback_ids.append(callback["id"])
        return self.push_update({"callback_query": callback})

    def push_spec(self, spec: dict[str, Any]) -> int:
        """Build from a JSON spec ``{"kind": "text", ...}`` (control API)."""
        spec = dict(spec)
        kind = spec.pop("kind")
        builders = {
            "text": self.push_text,
            "command": self.push_text,
            "photo": self.push_photo,
            "document": self.push_document,
            "sticker": self.push_sticker,
            "voice": self.push_voice,
            "callback": self.push_callback,
            "group_text": self.push_group_text,
        }
        if kind not in builders:
            raise ValueError(f"unknown update kind {kind!r}; expected one of {sorted(builders)}")
        if kind == "document" and isinstance(spec.get("content"), str):
            spec["content"] = spec["content"].encode()
        return builders[kind](**spec)


# --------------------------------------------------------------------------
# Call log records and error plumbing. They live here (pure data, no I/O)
# to keep the server module short.

# Method prefixes that put something in front of a user; ``sent()`` uses it.
DELIVERY_PREFIXES = ("send", "edit", "copy", "forward")

# aiogram JSON-encodes every non-string form value and sends strings raw, so
# these keys must never be JSON-decoded: a text of "123" has to stay a str.
RAW_STRING_KEYS = frozenset({
    "text", "caption", "callback_query_id", "parse_mode", "photo", "document", "sticker",
    "voice", "audio", "video", "animation", "inline_message_id", "url", "description",
    "short_description", "name", "language_code", "file_id", "emoji", "title", "action",
})

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
    404: "Not Found", 409: "Conflict", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}



class TelegramError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def error_body(status: int, description: str, retry_after: int | None = None) -> dict:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


@dataclass(slots=True)
class Upload:
    """A file sent with multipart/form-data; ``data`` holds its bytes."""

    filename: str
    content_type: str
    data: bytes

    def to_json(self) -> dict[str, Any]:
        return {"filename": self.filename, "content_type": self.content_type,
                "size": len(self.data)}


@dataclass(slots=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() when the request arrived
    response_status: int = 200
    result: Any = None  # the "result" we answered with (None on errors)

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def ok(self) -> bool:
        return self.response_status == 200

    def short(self) -> str:
        text = self.params.get("text", self.params.get("caption"))
        detail = f" {text[:40]!r}" if isinstance(text, str) else ""
        return f"{self.method}[{self.response_status}] chat={self.chat_id}{detail}"

    def to_json(self, index: int) -> dict[str, Any]:
        params = {k: v.to_json() if isinstance(v, Upload) else v for k, v in self.params.items()}
        return {"index": index, "method": self.method, "params": params, "at": self.at,
                "response_status": self.response_status, "result": self.result}


@dataclass(slots=True)
class Fault:
    method: str  # lower-case method name or "*"
    status: int
    remaining: int | None  # None: until cleared
    retry_after: int | None
    chat_id: Any
    description: str | None
    when: dict[str, Any] = field(default_factory=dict)  # parameters a call must have

    def error(self) -> TelegramError:
        if self.status == 429:
            retry_after = self.retry_after if self.retry_after is not None else 1
            return TelegramError(429, self.description
                                 or f"Too Many Requests: retry after {retry_after}", retry_after)
        description = self.description or _DEFAULT_DESCRIPTIONS.get(
            self.status, "Internal Server Error" if self.status >= 500 else "Bad Request")
        return TelegramError(self.status, description, self.retry_after)


def decode_value(key: str, value: str) -> Any:
    if key in RAW_STRING_KEYS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # e.g. chat_id="@channel"
