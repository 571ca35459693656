"""The web chat in tests: the real runtime with [web] enabled, and a person talking to it.

``WebBot`` runs the production runtime (poller, inbox worker, sender) against the fake
Telegram Bot API, plus the web server on a free local port. ``WebUser`` talks to the
JSON API with a person's token, as the page does.
"""
from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path
from typing import Any

import aiohttp

from bot.web.runtime import serve_web
from bot.web.tokens import issue_token
from core.clock import Clock, SystemClock
from storage.db import make_engine, session_factory
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import RunningBot, bot_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _token(db_url: str, number: str) -> str:
    """A new web chat token for the person with this roster number."""
    engine = make_engine(db_url)
    try:
        return await issue_token(session_factory(engine), number, SystemClock().now())
    finally:
        await engine.dispose()


class WebBot:
    """RunningBot with [web] enabled, plus its web server on a free local port."""

    def __init__(self, db_url: str, api: FakeBotAPI, tmp_path: Path, *,
                 clock: Clock | None = None, sections: dict[str, dict[str, Any]] | None = None,
                 **web: Any) -> None:
        """``web``: more [web] settings (e.g. ``max_upload_mb=1``); ``clock``: the bot's
        and the web server's ``now`` (a test's MovableClock), the system clock if None;
        ``sections``: settings of other sections (e.g. ``{"surveys": {"folder": ...}}``)."""
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.bot = RunningBot(bot_settings(
            db_url, api.base_url, outbox={"per_chat_per_second": 50.0},
            # Tokens checked on every request, so a revocation shows at once in tests
            # (the cache itself: tests/integration/test_web_tokens.py).
            web={"enabled": True, "port": self.port, "upload_dir": str(tmp_path / "up"),
                 "token_check_seconds": 0, **web}, **(sections or {})), clock)
        self.stop = asyncio.Event()

    async def __aenter__(self) -> WebBot:
        await self.bot.__aenter__()
        assert self.bot.rt and self.bot.rt.web
        self.server = asyncio.create_task(
            serve_web(self.bot.rt.web.app(), "127.0.0.1", self.port, self.stop))
        self.http = aiohttp.ClientSession()
        for _ in range(100):  # until the site listens
            try:
                async with self.http.get(self.base + "/") as r:
                    if r.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.close()
        self.stop.set()
        await self.server
        await self.bot.__aexit__(*exc)


class WebUser:
    def __init__(self, web: WebBot, token: str) -> None:
        self.web, self.token = web, token
        self.seen = 0
        self.n = 0

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    async def post(self, body: dict[str, Any], **headers: str) -> tuple[int, dict]:
        async with self.web.http.post(self.web.base + "/api/messages", json=body,
                                      headers=self._headers(**headers)) as r:
            return r.status, await r.json()

    async def say(self, text: str) -> None:
        self.n += 1
        status, _ = await self.post({"client_id": f"m{self.n}", "text": text})
        assert status == 202

    async def press(self, event: dict, label: str) -> None:
        """Press the one button of ``event`` labelled ``label``: the whole label, but for a
        leading emoji ("满意" is not "不满意"), as the browser helper does."""
        whole = re.compile(rf"^(\S+ )?{re.escape(label)}$")
        matches = [b for row in event["buttons"] for b in row if whole.match(b["label"])]
        if len(matches) != 1:
            labels = [b["label"] for row in event["buttons"] for b in row]
            raise AssertionError(f"{len(matches) or 'no'} button(s) labelled {label!r} "
                                 f"in {labels}")
        self.n += 1
        status, _ = await self.post({"client_id": f"m{self.n}", "action": matches[0]["action"],
                                     "message_id": event["message_id"]})
        assert status == 202

    async def history(self, since: int = 0) -> dict:
        async with self.web.http.get(f"{self.web.base}/api/messages?since={since}",
                                     headers=self._headers()) as r:
            assert r.status == 200
            return await r.json()

    async def expect(self, fragment: str, timeout: float = 10) -> dict:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            events = (await self.history())["events"]
            for i in range(self.seen, len(events)):
                if fragment in events[i]["html"]:
                    self.seen = i + 1
                    return events[i]
            await asyncio.sleep(0.05)
        raise AssertionError(f"never got {fragment!r}; got {[e['html'][:60] for e in events]}")


__all__ = ["WebBot", "WebUser", "_free_port", "_token"]
