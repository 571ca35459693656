"""A person in a Telegram chat with the bot, for end-to-end tests: send, read, press buttons.

The person is strict: ``expect`` fails on any message that arrives before the awaited one
unless the call ``allow``-s it or the person ``ignore``-s it (a known notice), and on a
message that repeats one of its merged parts (a reply queued twice); ``press``
takes a button by its whole label and waits for that press's one answerCallbackQuery;
``assert_quiet`` checks that nothing else arrived. ``tests/e2e/conftest.py`` checks after
each test that every read chat was read to the end and every pushed callback query was
answered exactly once.
"""
from __future__ import annotations

import asyncio
from typing import Any

from tests.support.fake_bot_api import FakeBotAPI

#: every ChatUser made since the last ``LIVE.clear()`` (the e2e conftest checks them)
LIVE: list[ChatUser] = []


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _no_repeated_part(user_id: int, text: str) -> None:
    """The sender joins replies queued together into one message ("\n\n" between them):
    the same reply twice in one message is a message sent twice."""
    parts = [p for p in text.split("\n\n") if p.strip()]
    twice = sorted({_short(p) for p in parts if parts.count(p) > 1})
    assert not twice, f"user {user_id} got the same text twice in one message: {twice}"


class ChatUser:
    def __init__(self, api: FakeBotAPI, user_id: int, name: str = "测试") -> None:
        self.api, self.user_id, self.name = api, user_id, name
        self.seen = 0  # how many delivery calls to this chat were already read
        self.ignored: tuple[str, ...] = ()  # fragments of messages allowed at any point
        self.pressed: list[str] = []  # callback query ids of this person's presses
        self.read_any = False  # whether a test ever read this chat
        LIVE.append(self)

    def calls(self) -> list[Any]:
        return [c for c in self.api.sent(self.user_id) if c.ok]

    def messages(self) -> list[Any]:
        """Send and edit calls that put text on this user's screen."""
        return [c for c in self.calls() if c.method.startswith(("send", "edit"))]

    def text_of(self, call: Any) -> str:
        return call.params.get("text") or call.params.get("caption") or ""

    def say(self, text: str) -> int:
        return self.api.push_text(self.user_id, text, first_name=self.name)

    # ------------------------------------------------------------------ reading
    def ignore(self, *fragments: str) -> ChatUser:
        """Let messages containing any of ``fragments`` arrive at any point, any number
        of times (a known notice the test does not care about); returns ``self``."""
        self.ignored += fragments
        return self

    def _allowed(self, text: str, allow: tuple[str, ...]) -> bool:
        return any(f in text for f in (*allow, *self.ignored))

    def unread(self) -> list[str]:
        """Texts that arrived after the last one read, other than ignored ones."""
        return [self.shown(m) for m in self.messages()[self.seen:]
                if not self._allowed(self.text_of(m), ())]

    def _read(self) -> list[str]:
        return [self.shown(m, 40) for m in self.messages()[:self.seen]]

    def shown(self, call: Any, width: int = 80) -> str:
        """A message for an error report: its text, shortened, marked when an edit."""
        mark = "(edit) " if call.method.startswith("edit") else ""
        return mark + _short(self.text_of(call), width)

    async def expect(self, fragment: str, timeout: float = 10, *,
                     allow: tuple[str, ...] = ()) -> Any:
        """Wait for the next message or edit, which must contain ``fragment``; return it.

        A message before it fails at once, unless it contains one of ``allow`` or of the
        ignored fragments: the test says exactly which extra messages are acceptable.
        """
        if isinstance(allow, str):
            allow = (allow,)
        self.read_any = True

        def found(api: FakeBotAPI) -> Any:
            msgs = self.messages()
            for i in range(self.seen, len(msgs)):
                text = self.text_of(msgs[i])
                if fragment in text:
                    self.seen = i + 1
                    _no_repeated_part(self.user_id, text)
                    return msgs[i]
                if not self._allowed(text, allow):
                    raise AssertionError(
                        f"user {self.user_id} waited for {fragment!r} but first got "
                        f"{[self.shown(m) for m in msgs[self.seen:i + 1]]} "
                        f"(unexpected: {self.shown(msgs[i])!r}; read before: {self._read()[-3:]})")
            return None

        try:
            return await self.api.wait_for(found, timeout=timeout)
        except TimeoutError:
            got = [self.shown(m) for m in self.messages()[self.seen:]]
            raise AssertionError(f"user {self.user_id} never got {fragment!r}; got {got}") from None

    async def assert_quiet(self, wait: float = 0.3) -> None:
        """Wait ``wait`` seconds, then fail if anything but ignored messages is unread."""
        self.read_any = True
        if wait:
            await asyncio.sleep(wait)
        extra = self.unread()
        assert not extra, f"user {self.user_id} got unexpected messages: {extra}"
        self.seen = len(self.messages())

    no_more = assert_quiet

    def read_rest(self) -> list[Any]:
        """Take every message not read yet, for a test that checks them as a whole."""
        self.read_any = True
        rest = self.messages()[self.seen:]
        self.seen += len(rest)
        return rest

    # ------------------------------------------------------------------ buttons
    def buttons(self, call: Any) -> list[dict[str, Any]]:
        markup = call.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def labels(self, call: Any) -> list[str]:
        return [b["text"] for b in self.buttons(call)]

    def answers(self, qid: str) -> list[Any]:
        """The answerCallbackQuery calls (failed ones too) for the query ``qid``."""
        return [c for c in self.api.calls if c.method == "answerCallbackQuery"
                and str(c.params.get("callback_query_id")) == qid]

    async def press(self, call: Any, label: str, *, answered: bool = True,
                    timeout: float = 10) -> str:
        """Press the button labelled exactly ``label`` on the message of ``call``.

        With ``answered`` (the default) wait for the bot's answerCallbackQuery for this
        press and fail if none comes. Returns the button's callback data.
        """
        matches = [b for b in self.buttons(call) if b["text"] == label]
        if len(matches) != 1:
            what = "no" if not matches else f"{len(matches)}"
            raise AssertionError(f"{what} button labelled exactly {label!r} in "
                                 f"{self.labels(call)}")
        msg_id = call.params.get("message_id") or call.result["message_id"]
        update_id = self.api.push_callback(self.user_id, matches[0]["callback_data"],
                                           int(msg_id))
        qid = self.api.pushed[update_id]["callback_query"]["id"]
        self.pressed.append(qid)
        if answered:
            try:
                await self.api.wait_for(lambda _: self.answers(qid), timeout=timeout)
            except TimeoutError:
                raise AssertionError(f"user {self.user_id} pressed {label!r}: no "
                                     f"answerCallbackQuery for {qid} in {timeout}s") from None
        return matches[0]["callback_data"]


def unanswered_or_twice(users: list[ChatUser], *, ok_only: bool = False) -> dict[str, int]:
    """Callback query ids pushed to these people's fake Bot API(s) whose answerCallbackQuery
    calls are not exactly one (``ok_only``: counting only the answers Telegram accepted)."""
    bad = {}
    for api in {id(u.api): u.api for u in users}.values():
        counts = dict.fromkeys(api.callback_ids, 0)
        for c in api.calls:
            if c.method == "answerCallbackQuery" and (c.ok or not ok_only):
                qid = str(c.params.get("callback_query_id") or "")
                counts[qid] = counts.get(qid, 0) + 1
        bad.update({qid: n for qid, n in counts.items() if n != 1})
    return bad
