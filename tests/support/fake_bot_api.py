"""A fake Telegram Bot API server for tests and benchmarks (loopback only).

Point a real aiogram ``Bot`` at it through
``AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))`` so the
whole HTTP/JSON path is exercised, not a mock of aiogram internals.

Standalone: ``python -m tests.support.fake_bot_api --port 0 --token T --control``
prints ``READY <port>`` and serves the ``/_control/`` API used by
``FakeBotAPIControl`` (multi-process tests, benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import itertools
import json
import signal
import sys
import time
from collections import Counter, deque
from typing import Any

from aiohttp import web

from tests.support.fake_bot_api_control import (
    FakeBotAPIControl,
    control_routes,
    spawn_standalone,
    stop_standalone,
)
from tests.support.fake_bot_api_limits import ChatRulesMixin, FloodControl
from tests.support.fake_bot_api_log import CallLogMixin
from tests.support.fake_bot_api_methods import TelegramMethodsMixin
from tests.support.fake_bot_api_updates import (
    Call,
    Fault,
    TelegramError,
    UpdateBuildersMixin,
    Upload,
    decode_value,
    error_body,
)


class FakeBotAPI(UpdateBuildersMixin, TelegramMethodsMixin, ChatRulesMixin, CallLogMixin):
    """In-process fake; ``async with FakeBotAPI(token="123:ABC") as api: ...``."""

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_id: int = 123,
        username: str = "xinqiao_test_bot",
        first_name: str = "Xinqiao Test",
        first_update_id: int = 1000,
        host: str = "127.0.0.1",
        port: int = 0,
        control: bool = False,
    ) -> None:
        self.token, self.host, self.port, self.control = token, host, port, control
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": first_name,
                         "username": username}
        self.next_update_id = first_update_id
        self.confirmed_offset = 0
        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.commands: dict[str, list] = {}
        self._pending: deque[dict[str, Any]] = deque()
        # While ids only grow, confirming is a cheap popleft loop; a simulated
        # id restart makes the queue unsorted and falls back to filtering.
        self._pending_sorted = True
        self._message_ids: dict[Any, itertools.count] = {}
        self._messages: dict[tuple[Any, int], dict[str, Any]] = {}
        self._files: dict[str, tuple[bytes, str]] = {}
        self._issued_callbacks: dict[str, float] = {}  # id -> time.monotonic() pushed
        #: seconds a callback query can be answered (None: for ever); Telegram's is short
        self.callback_ttl: float | None = None
        self.known_chats: set[Any] = set()
        #: every update pushed, by update_id, as sent to the bot
        self.pushed: dict[int, dict[str, Any]] = {}
        self.flood: FloodControl | None = None
        self._answered_callbacks: set[str] = set()
        #: every callback query id pushed, in order (see ``callback_answers``)
        self.callback_ids: list[str] = []
        self._faults: list[Fault] = []
        self._blocked: set[Any] = set()
        self._slow: dict[str, float] = {}
        self._upload_seq = itertools.count(1)
        self._update_event = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        # Telegram method names are case-insensitive; log the canonical form.
        self._handlers = {name.lower(): (name, fn) for name, fn in self._method_table().items()}

    # ----------------------------------------------------------- lifecycle
    async def start(self) -> FakeBotAPI:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        if self.control:
            app.router.add_routes(control_routes(self))
        # Short shutdown timeout: stop() already wakes long-polls, and tests
        # must not hang 60 s on a client that never closed its connection.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._closing = False
        return self

    async def stop(self) -> None:
        self._closing = True
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------ updates queue
    def push_update(self, update: dict[str, Any]) -> int:
        update = dict(update)
        self._learn_chats(update)
        uid = update.get("update_id")
        if uid is None:
            uid = update["update_id"] = self.next_update_id
        self.next_update_id = max(self.next_update_id, uid + 1)
        self.pushed[uid] = update
        if self._pending and uid <= self._pending[-1]["update_id"]:
            self._pending_sorted = False
        self._pending.append(update)
        self._wake()
        return uid

    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._pending)

    def drop_pending_updates(self) -> None:
        self._pending.clear()
        self._pending_sorted = True

    def _wake(self) -> None:
        # A fresh Event per generation avoids the clear()/wait() race where a
        # waiter would miss a set() that happened just before it started.
        self._update_event.set()
        self._update_event = asyncio.Event()

    def _confirm(self, offset: int) -> None:
        pending = self._pending
        if offset < 0:  # Telegram: keep only the last -offset updates
            while len(pending) > -offset:
                pending.popleft()
            return
        self.confirmed_offset = max(self.confirmed_offset, offset)
        if self._pending_sorted:
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()
        else:
            self._pending = deque(u for u in pending if u["update_id"] >= offset)
            ids = [u["update_id"] for u in self._pending]
            self._pending_sorted = ids == sorted(ids)

    async def _get_updates(self, p: dict) -> list[dict]:
        self._confirm(int(p.get("offset") or 0))
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # lets an older long-poll notice it was superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._pending and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(self._update_event.wait(), remaining)
            except TimeoutError:
                break
            if generation != self._poll_generation:
                raise TelegramError(409, "Conflict: terminated by other getUpdates request; "
                                    "make sure that only one bot instance is running")
        return list(itertools.islice(self._pending, limit))

    def _alloc_message_id(self, chat_id: Any) -> int:
        counter = self._message_ids.get(chat_id)
        if counter is None:
            counter = self._message_ids[chat_id] = itertools.count(1)
        return next(counter)

    def add_file(self, file_id: str, content: bytes, file_path: str | None = None) -> None:
        """Make ``file_id`` downloadable via getFile + /file/bot<token>/<path>."""
        self._files[file_id] = (content, file_path or f"files/{file_id}")

    # ---------------------------------------------------- fault injection
    def inject(self, method: str, status: int, *, count: int | None = 1,
               retry_after: int | None = None, chat_id: Any = None,
               description: str | None = None, when: dict[str, Any] | None = None) -> None:
        """Fail the next ``count`` calls (None = until ``clear_faults``); "*" = any.

        ``when``: only calls whose parameters have these values (e.g. ``{"photo": "f2"}``).
        """
        self._faults.append(Fault(method.lower(), status, count, retry_after, chat_id,
                                  description, when or {}))

    def clear_faults(self) -> None:
        """Remove injected errors, blocked chats and delays."""
        self._faults.clear()
        self._blocked.clear()
        self._slow.clear()

    def block(self, chat_id: Any) -> None:
        self._blocked.add(chat_id)

    def unblock(self, chat_id: Any) -> None:
        self._blocked.discard(chat_id)

    def slow(self, method: str, seconds: float) -> None:
        """Delay every response of ``method`` ("*" = all); 0 removes the delay."""
        if seconds > 0:
            self._slow[method.lower()] = seconds
        else:
            self._slow.pop(method.lower(), None)

    def _take_fault(self, lower: str, params: dict[str, Any]) -> Fault | None:
        for fault in self._faults:
            if fault.method not in (lower, "*"):
                continue
            if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                continue
            if any(params.get(k) != v for k, v in fault.when.items()):
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
            return fault
        return None

    # ------------------------------------------------------------- HTTP
    async def _handle(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        name = request.match_info["method"]
        lower = name.lower()
        canonical, handler = self._handlers.get(lower, (name, None))
        params: dict[str, Any] | None
        try:
            params = await self._read_params(request)
        except (ValueError, TypeError, UnicodeDecodeError):
            params = None  # answered below, after the token check, like Telegram
        call = Call(canonical, params or {}, at)
        try:
            if request.match_info["token"] != self.token:
                raise TelegramError(401, "Unauthorized")
            if handler is None:
                raise TelegramError(404, "Not Found")
            if params is None:
                raise TelegramError(400, "Bad Request: can't parse request parameters")
            delay = self._slow.get(lower) or self._slow.get("*")
            if delay:
                await asyncio.sleep(delay)
            fault = self._take_fault(lower, call.params)
            if fault is not None:
                raise fault.error()
            chat_id = params.get("chat_id")
            self._check_chat(lower, chat_id)
            if isinstance(chat_id, (int, str)) and chat_id in self._blocked:
                group = isinstance(chat_id, int) and chat_id < 0
                raise TelegramError(403, "Forbidden: bot was kicked from the group chat"
                                    if group else "Forbidden: bot was blocked by the user")
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
            body: dict[str, Any] = {"ok": True, "result": result}
        except TelegramError as exc:
            call.response_status = exc.status
            body = error_body(exc.status, exc.description, exc.retry_after)
            self.errors[canonical] += 1
        call.result = body.get("result")
        # Logged on completion so a call's status is final once visible.
        self.calls.append(call)
        self.counts[canonical] += 1
        return web.json_response(body, status=call.response_status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if request.match_info["token"] == self.token:
            for content, file_path in self._files.values():
                if file_path == path:
                    return web.Response(body=content)
        return web.json_response(error_body(404, "Not Found"), status=404)

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params = {k: decode_value(k, v) for k, v in request.query.items()}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                params.update(dict(await request.json()))
            else:
                uploads: dict[str, Upload] = {}
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        uploads[key] = Upload(value.filename, value.content_type,
                                              value.file.read())
                    else:
                        params[key] = decode_value(key, value)
                # aiogram uploads under a random field and refers to it as
                # "attach://<field>" from the real parameter.
                for key, value in list(params.items()):
                    if isinstance(value, str) and value.startswith("attach://"):
                        params[key] = uploads.pop(value[9:], value)
                params.update(uploads)
        if isinstance(params.get("reply_markup"), str):
            params["reply_markup"] = json.loads(params["reply_markup"])
        return params


async def _serve(args: argparse.Namespace) -> None:
    api = FakeBotAPI(args.token, username=args.username, first_update_id=args.first_update_id,
                     host=args.host, port=args.port, control=args.control)
    await api.start()
    print(f"READY {api.port}", flush=True)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    await stopped.wait()
    await api.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="123:ABC")
    parser.add_argument("--username", default="xinqiao_test_bot")
    parser.add_argument("--first-update-id", type=int, default=1000)
    parser.add_argument("--control", action="store_true", help="enable /_control/ API")
    asyncio.run(_serve(parser.parse_args(argv)))


__all__ = ["Call", "FakeBotAPI", "FakeBotAPIControl", "Upload", "spawn_standalone",
           "stop_standalone"]

if __name__ == "__main__":
    sys.exit(main())
