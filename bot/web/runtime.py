"""Plugging the web chat into a runtime: its inbox converter, its ChannelSender, its server."""
from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiohttp import web

from bot.config import Settings
from bot.files import Download
from bot.web import CHANNEL
from bot.web.convert import row_to_inbound
from bot.web.files import WebFiles
from bot.web.sender import EventHub, WebSender
from bot.web.server import WebDeps, make_app
from core.clock import Clock
from locales import Catalog
from storage.uow import Sessions


@dataclass
class WebChannel:
    hub: EventHub
    sender: WebSender
    deps: WebDeps

    converter = staticmethod(row_to_inbound)
    name = CHANNEL

    def app(self) -> web.Application:
        return make_app(self.deps)


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers a browser sends for the page on host:port: an IPv6 address in
    brackets ("[::1]:8080"); on loopback, "localhost" and the loopback addresses too."""
    names = set(LOOPBACK_NAMES) if host in LOOPBACK_NAMES else {host}
    shown = {f"[{n}]" if ":" in n else n for n in names}
    return {f"{n}:{port}" for n in shown} | (shown if port == 80 else set())


def web_channel(settings: Settings, sf: Sessions, clock: Clock, catalog: Catalog,
                *, hosts: set[str] | None = None,
                download: Download | None = None) -> WebChannel:
    """``download``: fetches a Telegram photo (``bot/telegram/files.py``), to show
    Telegram photos on the web; None (web only): they show as a placeholder."""
    hub = EventHub()
    w = settings.web
    # A per-process key: history is signed again on every request.
    files = WebFiles(Path(w.upload_dir), secrets.token_bytes(32), download)
    deps = WebDeps(sf=sf, clock=clock, catalog=catalog, hub=hub,
                   allowed_hosts=hosts or allowed_hosts(w.host, w.port),
                   upload_dir=Path(w.upload_dir), max_upload_bytes=w.max_upload_mb * 2**20,
                   token_ttl=timedelta(days=w.token_ttl_days),
                   token_check_seconds=w.token_check_seconds,
                   post_rate=w.post_rate_per_second, post_burst=w.post_burst,
                   demo_host=w.host if w.demo else None, files=files)
    return WebChannel(hub, WebSender(catalog, hub, files, deps.flood), deps)


async def start_web(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Listen on host:port (OSError when it cannot); ``cleanup()`` the runner to stop."""
    runner = web.AppRunner(app, shutdown_timeout=2)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


async def serve_web(app: web.Application, host: str, port: int, stop: asyncio.Event) -> None:
    runner = await start_web(app, host, port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
