"""A person in a Telegram chat with the bot, for end-to-end tests: send, read, press buttons."""
from __future__ import annotations

from typing import Any

from tests.support.fake_bot_api import FakeBotAPI


class ChatUser:
    def __init__(self, api: FakeBotAPI, user_id: int, name: str = "测试") -> None:
        self.api, self.user_id, self.name = api, user_id, name
        self.seen = 0  # how many delivery calls to this chat were already read
        self.skipped: list[str] = []  # messages passed over while waiting for another

    def calls(self) -> list[Any]:
        return [c for c in self.api.sent(self.user_id) if c.ok]

    def messages(self) -> list[Any]:
        """Send and edit calls that put text on this user's screen."""
        return [c for c in self.calls() if c.method.startswith(("send", "edit"))]

    def text_of(self, call: Any) -> str:
        return call.params.get("text") or call.params.get("caption") or ""

    def say(self, text: str) -> int:
        return self.api.push_text(self.user_id, text, first_name=self.name)

    async def expect(self, fragment: str, timeout: float = 10) -> Any:
        """Wait for a new message or edit containing ``fragment``; return that call."""
        def found(api: FakeBotAPI) -> Any:
            msgs = self.messages()
            for i in range(self.seen, len(msgs)):
                if fragment in self.text_of(msgs[i]):
                    self.skipped += [self.text_of(m)[:60] for m in msgs[self.seen:i]]
                    self.seen = i + 1
                    return msgs[i]
            return None

        try:
            return await self.api.wait_for(found, timeout=timeout)
        except TimeoutError:
            got = [self.text_of(m)[:80] for m in self.messages()[self.seen:]]
            raise AssertionError(f"user {self.user_id} never got {fragment!r}; got {got}") from None

    def buttons(self, call: Any) -> list[dict[str, Any]]:
        markup = call.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    async def press(self, call: Any, label: str) -> str:
        """Press the button whose text contains ``label`` on the message of ``call``."""
        for b in self.buttons(call):
            if label in b["text"]:
                msg_id = call.params.get("message_id") or call.result["message_id"]
                self.api.push_callback(self.user_id, b["callback_data"], int(msg_id))
                return b["callback_data"]
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.buttons(call)]}")
