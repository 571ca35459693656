"""What the web chat refuses, and how: small flat bodies only, a rate limit per link, a
flood's replies merged. Every refusal is a 4xx with a JSON reason in the person's language."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.config import ConfigError, load_settings
from storage.tables import InboxRow, OutboxRow
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import ROOT, TOKEN, seed_roster
from tests.support.images import png
from tests.support.web import WebBot, WebUser, _token

STUDENT = "2023010103"
NESTED = '{"client_id": "n1", "text": ' + "[" * 3000 + "]" * 3000 + "}"  # 6 KB, 3000 deep
PADDED = {"client_id": "p1", "text": "hi", "pad": "x" * 2**20}            # 1 MB


async def _send(http: aiohttp.ClientSession, url: str, headers: dict[str, str],
                **kw: Any) -> tuple[int, dict, aiohttp.typedefs.LooseHeaders]:
    async with http.post(url, headers=headers, **kw) as r:
        return r.status, await r.json(), r.headers


def _form(**fields: tuple[bytes | str, str | None]) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, (value, content_type) in fields.items():
        if content_type:
            form.add_field(name, value, filename="x.png", content_type=content_type)
        else:
            form.add_field(name, value)
    return form


async def test_every_post_route_takes_only_small_flat_bodies(db_url: str,
                                                              tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path,
                                                      max_upload_mb=1) as web:
        auth = {"Authorization": f"Bearer {token}"}
        as_json = {"Content-Type": "application/json"}
        # (route, headers, the request's other arguments (made anew for each send),
        #  expected status and code)
        cases: list[tuple[str, dict[str, str], Any, int, str]] = []
        for route, headers in (("/api/messages", auth), ("/demo/login", {})):
            raw = {**headers, **as_json}
            cases += [
                (route, raw, lambda: {"data": NESTED}, 400, "nested"),
                (route, headers, lambda: {"json": PADDED}, 413, "too_large"),
                (route, headers, lambda: {"json": {"number": "1", "client_id": "a", "pad": "x"}},
                 400, "unknown_field"),
                (route, raw, lambda: {"data": b"{\"number\": \"\xff\"}"}, 400, "bad_json"),
                (route, raw, lambda: {"data": "[1, 2"}, 400, "bad_json"),
            ]
        cases += [
            ("/demo/login", {}, lambda: {"json": {"number": {"$ne": 1}}}, 400, "nested"),
            ("/demo/login", {}, lambda: {"json": {"number": 2023010103}}, 400, "bad_field"),
            ("/api/messages", auth, lambda: {"json": {"client_id": "t1", "text": "x" * 20_000}},
             413, "too_large"),
            ("/api/messages", auth, lambda: {"data": _form(
                client_id=("f1", None), photo=(b"\x89PNG" * 300_000, "image/png"))},
             413, "photo_too_large"),
            ("/api/messages", auth, lambda: {"data": _form(
                client_id=("f2", None), photo=(png(), "image/png"), extra=("x", None))},
             400, "unknown_field"),
            ("/api/messages", auth, lambda: {"data": _form(
                client_id=("f3", None), photo=(b"GIF89a....", "image/gif"))}, 400, "not_image"),
            ("/api/messages", auth, lambda: {"data": _form(
                client_id=("f4", None), photo=(png()[:40], "image/png"))}, 400, "bad_image"),
        ]
        for route, headers, make, status, code in cases:
            for lang, chinese in (("zh-CN,zh;q=0.9", True), ("en-GB,en;q=0.8", False)):
                got, body, _ = await _send(web.http, web.base + route,
                                           {**headers, "Accept-Language": lang}, **make())
                assert (route, code, got, body["error"]) == (route, code, status, code)
                reason = body["reason"]
                # The reason is written for people, in the page's language.
                assert reason and "web_error" not in reason, (route, code, reason)
                assert any("\u4e00" <= ch <= "\u9fff" for ch in reason) == chinese, reason
        # A request for a page that is not there, or with a method that is not allowed,
        # answers in the same way.
        for method, path, status in (("GET", "/nope", 404), ("PUT", "/api/messages", 405)):
            async with web.http.request(method, web.base + path, headers=auth) as r:
                assert (r.status, (await r.json())["error"]) == (
                    status, {404: "not_found", 405: "method_not_allowed"}[status])
    assert await query(db_url, select(InboxRow)) == []  # nothing refused was stored


async def test_a_flood_of_posts_is_rate_limited_and_its_replies_merged(
        db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        user = WebUser(web, token)
        await user.say("/new")
        await user.expect("请选择诉求类别")
        start = time.monotonic()

        async def one(i: int) -> tuple[int, dict, Any]:
            await asyncio.sleep(i * 0.01)  # 200 posts spread over 2 s
            return await _send(web.http, web.base + "/api/messages", user._headers(),
                               json={"client_id": f"f{i}", "text": f"第{i}条"})

        answers = await asyncio.gather(*(one(i) for i in range(200)))
        elapsed = time.monotonic() - start
        accepted = [a for a in answers if a[0] == 202]
        refused = [a for a in answers if a[0] == 429]
        assert len(accepted) + len(refused) == 200
        # The burst (20) and 5 a second after it; a little slack for the clock.
        assert 20 <= len(accepted) <= 20 + 5 * elapsed + 2, (len(accepted), elapsed)
        for _, body, headers in refused:
            assert body["error"] == "rate_limited"
            seconds = int(headers["Retry-After"])
            assert 1 <= seconds <= 2
            assert body["reason"] == f"您发送得太快了，这条未发送：请 {seconds} 秒后再试。"

        async def settled() -> bool:
            ib = dict(await query(db_url, select(InboxRow.status, func.count())
                                  .group_by(InboxRow.status)))
            ob = dict(await query(db_url, select(OutboxRow.status, func.count())
                                  .where(OutboxRow.channel == "web")
                                  .group_by(OutboxRow.status)))
            return set(ib) == {"done"} and set(ob) == {"sent"}

        for _ in range(400):
            if await settled():
                break
            await asyncio.sleep(0.05)
        events = (await user.history())["events"]
        replies = [e for e in events[user.seen:] if e["kind"] == "message"]
    handled = (await query(db_url, select(func.count()).select_from(InboxRow)
                           .where(InboxRow.status == "done")))[0][0]
    assert handled == len(accepted) + 1  # every accepted message was handled (and /new)
    # Each accepted text got an answer, but a flood's answers come merged, and one
    # hint said back to back reads once: far fewer messages than texts.
    assert len(replies) <= len(accepted) // 2, [e["html"][:40] for e in replies]
    joined = "\n".join(e["html"] for e in replies)
    assert joined.count("您的消息发送得太快了") == 1
    assert joined.count("请点击上面的按钮进行选择") <= len(accepted) // 2
    for reply in replies:  # a hint repeated back to back is shown once
        parts = reply["html"].split("\n\n")
        assert all(a != b for a, b in zip(parts, parts[1:])), reply["html"]


def test_the_rate_limit_is_validated() -> None:
    for key, bad in (("post_rate_per_second", 0), ("post_burst", 0), ("post_burst", "lots")):
        with pytest.raises(ConfigError, match=f"web.{key}"):
            load_settings(ROOT / "config.toml", web={key: bad})
    ok = load_settings(ROOT / "config.toml", web={"post_rate_per_second": 2, "post_burst": 3})
    assert (ok.web.post_rate_per_second, ok.web.post_burst) == (2, 3)
