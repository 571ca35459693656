"""Telegram method semantics for the fake Bot API: what each method returns
and which Telegram errors it raises for bad input.

A mixin so the server module keeps only transport, queue, faults and logging;
it relies on the host (``FakeBotAPI``) for state.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any, Callable

from tests.support.fake_bot_api_updates import TelegramError, Upload, chat_obj
from tests.support.telegram_html import problems, visible_text



def check_text(text: str, limit: int, empty: str | None, too_long: str,
               parse_mode: Any = None) -> None:
    """Telegram's rules for a text or caption: under ``parse_mode=HTML`` only its tags,
    closed and nested, ``<``/``&`` escaped (else "can't parse entities"); the length
    counted in UTF-16 units of what the reader sees."""
    html_mode = isinstance(parse_mode, str) and parse_mode.lower() == "html"
    if html_mode:
        found = problems(text)
        if found:
            raise TelegramError(400, f"Bad Request: can't parse entities: {found[0]}")
    shown = visible_text(text) if html_mode else text
    if empty and not shown.strip():
        raise TelegramError(400, f"Bad Request: {empty}")
    if len(shown.encode("utf-16-le")) // 2 > limit:
        raise TelegramError(400, f"Bad Request: {too_long}")


def check_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise TelegramError(400, "Bad Request: BUTTON_DATA_INVALID")
            if set(button) <= {"text"}:
                raise TelegramError(400, "Bad Request: can't parse inline keyboard button: "
                                    "Text buttons are unallowed in the inline keyboard")


class TelegramMethodsMixin:
    # Provided by the host class.
    bot_user: dict[str, Any]
    commands: dict[str, list]
    _pending: Any
    _messages: dict[tuple[Any, int], dict[str, Any]]
    _files: dict[str, tuple[bytes, str]]
    _issued_callbacks: dict[str, float]
    callback_ttl: float | None
    _answered_callbacks: set[str]
    _upload_seq: itertools.count

    def _alloc_message_id(self, chat_id: Any) -> int:  # pragma: no cover
        raise NotImplementedError

    def drop_pending_updates(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def _get_updates(self, p: dict) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _method_table(self) -> dict[str, Callable[[dict], Any]]:
        handlers: dict[str, Callable[[dict], Any]] = {
            "getMe": self._get_me, "getUpdates": self._get_updates,
            "sendMessage": self._send_message, "sendPhoto": self._send_photo,
            "sendDocument": self._send_document, "editMessageText": self._edit_text,
            "editMessageCaption": self._edit_caption,
            "editMessageReplyMarkup": lambda p: self._edit(p, {}),
            "answerCallbackQuery": self._answer_callback, "setMyCommands": self._set_commands,
            "getMyCommands": self._get_commands, "deleteMyCommands": self._delete_commands,
            "deleteWebhook": self._delete_webhook, "getFile": self._get_file,
            "getWebhookInfo": lambda p: {"url": "", "has_custom_certificate": False,
                                         "pending_update_count": len(self._pending)},
            "deleteMessage": self._delete_message,
        }
        # Calls bots make at start-up or as decoration; accepting them keeps
        # tests focused on behaviour rather than on an exhaustive API.
        for name in ("sendChatAction", "setMyDescription", "setMyShortDescription",
                     "setChatMenuButton", "setMyName", "setWebhook", "close", "logOut"):
            handlers[name] = lambda p: True
        return handlers

    def _get_me(self, p: dict) -> dict:
        return {**self.bot_user, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def _bot_message(self, p: dict, fields: dict[str, Any]) -> dict[str, Any]:
        chat_id = p.get("chat_id")
        if chat_id in (None, ""):
            raise TelegramError(400, "Bad Request: chat_id is empty")
        check_markup(p.get("reply_markup"))
        message = {"message_id": self._alloc_message_id(chat_id), "date": int(time.time()),
                   "chat": chat_obj(chat_id), "from": self.bot_user, **fields}
        markup = p.get("reply_markup")
        # Message.reply_markup can only be an inline keyboard; echoing a reply
        # keyboard would make aiogram fail to parse our response.
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _send_message(self, p: dict) -> dict:
        text = p.get("text") or ""
        check_text(text, 4096, "message text is empty", "message is too long",
                   p.get("parse_mode"))
        return self._bot_message(p, {"text": text})

    def _caption(self, p: dict) -> dict[str, Any]:
        caption = p.get("caption")
        if caption is None:
            return {}
        check_text(caption, 1024, None, "message caption is too long", p.get("parse_mode"))
        return {"caption": caption}

    def _media_file(self, p: dict, key: str) -> tuple[str, Upload | None]:
        value = p.get(key)
        if isinstance(value, Upload):
            file_id = f"fake-{key}-{next(self._upload_seq)}"
            self._files[file_id] = (value.data, f"{key}s/{file_id}/{value.filename}")
            return file_id, value
        if not value:
            raise TelegramError(400, f"Bad Request: there is no {key} in the request")
        return str(value), None

    def _send_photo(self, p: dict) -> dict:
        file_id, _ = self._media_file(p, "photo")
        caption = self._caption(p)
        photo = [{"file_id": file_id, "file_unique_id": f"u-{file_id}",
                  "width": 1280, "height": 960, "file_size": 100_000}]
        return self._bot_message(p, {"photo": photo, **caption})

    def _send_document(self, p: dict) -> dict:
        file_id, upload = self._media_file(p, "document")
        caption = self._caption(p)
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
        if upload is not None:
            document.update(file_name=upload.filename, mime_type=upload.content_type,
                            file_size=len(upload.data))
        return self._bot_message(p, {"document": document, **caption})

    def _edit_text(self, p: dict) -> Any:
        text = p.get("text") or ""
        check_text(text, 4096, "message text is empty", "message is too long",
                   p.get("parse_mode"))
        return self._edit(p, {"text": text}, needs="text")

    def _edit_caption(self, p: dict) -> Any:
        return self._edit(p, self._caption(p) or {"caption": ""})

    def _edit(self, p: dict, changes: dict[str, Any], needs: str | None = None) -> Any:
        check_markup(p.get("reply_markup"))
        if p.get("inline_message_id"):
            return True
        key = (p.get("chat_id"), p.get("message_id"))
        if key[0] is None or key[1] is None:
            raise TelegramError(400, "Bad Request: message identifier is not specified")
        old = self._messages.get(key)
        if old is None or old.get("from", {}).get("id") != self.bot_user["id"]:
            # Never sent (or deleted), or the user's own message: Telegram says so.
            raise TelegramError(400, "Bad Request: message to edit not found"
                                if old is None else "Bad Request: message can't be edited")
        if needs and needs not in old:
            raise TelegramError(400, "Bad Request: there is no text in the message to edit")
        else:
            base = {k: v for k, v in old.items() if k not in ("reply_markup", "edit_date")}
        new = {**base, **changes}
        markup = p.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            new["reply_markup"] = markup
        if old is not None and new == {k: v for k, v in old.items() if k != "edit_date"}:
            raise TelegramError(400, "Bad Request: message is not modified: specified new "
                                "message content and reply markup are exactly the same as "
                                "a current content and reply markup of the message")
        new["edit_date"] = int(time.time())
        self._messages[key] = new
        return new

    def _answer_callback(self, p: dict) -> bool:
        qid = str(p.get("callback_query_id") or "")
        pushed = self._issued_callbacks.get(qid)
        expired = pushed is not None and self.callback_ttl is not None and \
            time.monotonic() - pushed > self.callback_ttl
        if pushed is None or expired or qid in self._answered_callbacks:
            raise TelegramError(400, "Bad Request: query is too old and response timeout "
                                "expired or query ID is invalid")
        if len(str(p.get("text") or "")) > 200:
            raise TelegramError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._answered_callbacks.add(qid)
        return True

    @staticmethod
    def _commands_key(p: dict) -> str:
        return json.dumps([p.get("scope") or {"type": "default"}, p.get("language_code") or ""],
                          sort_keys=True)

    def _set_commands(self, p: dict) -> bool:
        commands = p.get("commands") or []
        for command in commands:
            name = str(command.get("command", ""))
            if not (1 <= len(name) <= 32) or not all(
                    c.islower() or c.isdigit() or c == "_" for c in name) or not name.isascii():
                raise TelegramError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._commands_key(p)] = commands
        return True

    def _get_commands(self, p: dict) -> list:
        return self.commands.get(self._commands_key(p), [])

    def _delete_commands(self, p: dict) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _delete_webhook(self, p: dict) -> bool:
        if p.get("drop_pending_updates"):
            self.drop_pending_updates()
        return True

    def _delete_message(self, p: dict) -> bool:
        # Lenient like edits: deleting an unknown message is not a test failure.
        self._messages.pop((p.get("chat_id"), p.get("message_id")), None)
        return True

    def _get_file(self, p: dict) -> dict:
        file_id = str(p.get("file_id") or "")
        if file_id not in self._files:
            raise TelegramError(400, "Bad Request: invalid file_id")
        content, path = self._files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                "file_size": len(content), "file_path": path}
