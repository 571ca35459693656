"""The fake Bot API's call log: what the bot called, for tests to read and wait on."""
from __future__ import annotations

import asyncio
import inspect
import time
from collections import Counter
from typing import Any, Callable

from tests.support.fake_bot_api_updates import DELIVERY_PREFIXES, Call


class CallLogMixin:
    """Queries over ``calls``, for the host ``FakeBotAPI``."""

    calls: list[Call]
    counts: Counter[str]
    errors: Counter[str]
    callback_ids: list[str]
    confirmed_offset: int
    next_update_id: int
    _pending: Any
    _handlers: dict[str, tuple[str, Any]]

    # ---------------------------------------------------------- call log
    def sent(self, chat_id: Any = None, method: str | None = None, *,
             include_failed: bool = False) -> list[Call]:
        """Delivery calls (send*/edit*/...) or all calls of ``method``."""
        if method is not None:
            method = self._handlers.get(method.lower(), (method,))[0]
        return [
            c for c in self.calls
            if (c.method == method if method else c.method.startswith(DELIVERY_PREFIXES))
            and (chat_id is None or c.params.get("chat_id") == chat_id)
            and (include_failed or c.response_status == 200)
        ]

    def texts(self, chat_id: Any) -> list[str]:
        """Texts/captions successfully sent (not edited) to ``chat_id``, in order."""
        out = []
        for c in self.sent(chat_id):
            if c.method.startswith("send"):
                value = c.params.get("text", c.params.get("caption"))
                if isinstance(value, str):
                    out.append(value)
        return out

    def callback_answers(self) -> dict[str, int]:
        """answerCallbackQuery calls (failed ones too) per pushed callback query id.

        Every pushed id is a key, so an unanswered press shows as 0 and a double answer
        as 2; ids the bot answered but we never pushed appear with their count as well.
        """
        counts = dict.fromkeys(self.callback_ids, 0)
        for c in self.calls:
            if c.method == "answerCallbackQuery":
                qid = str(c.params.get("callback_query_id") or "")
                counts[qid] = counts.get(qid, 0) + 1
        return counts

    def reset_calls(self) -> None:
        self.calls.clear()
        self.counts.clear()
        self.errors.clear()

    async def wait_for(self, predicate: Callable[[Any], Any], timeout: float = 10,
                       interval: float = 0.01) -> Any:
        """Poll until ``predicate(api)`` is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate(self)
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result
            if time.monotonic() >= deadline:
                name = getattr(predicate, "__name__", repr(predicate))
                raise TimeoutError(f"wait_for({name}) not satisfied within {timeout}s; "
                                   f"{self.describe()}")
            await asyncio.sleep(interval)

    def describe(self, last: int = 8) -> str:
        tail = "; ".join(c.short() for c in self.calls[-last:]) or "none"
        return (f"{len(self.calls)} calls {dict(self.counts)}, "
                f"{len(self._pending)} pending updates, last calls: {tail}")

    def stats(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "errors": dict(self.errors),
                "total_calls": len(self.calls), "pending_updates": len(self._pending),
                "confirmed_offset": self.confirmed_offset, "next_update_id": self.next_update_id}

