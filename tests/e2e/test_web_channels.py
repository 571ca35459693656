"""The web chat beside Telegram: one person on both channels, language, links, demo picker."""
from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot import commands
from bot.web.demo import DemoRefused, add_demo_routes
from bot.web.runtime import serve_web, web_channel
from bot.web.tokens import TokenCache, issue_token, issue_tokens, web_user
from core.clock import SystemClock
from locales import Catalog
from storage.db import make_engine, session_factory
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, bound_chat, bot_settings, seed_roster
from tests.support.web import WebBot, WebUser, _free_port, _token

STUDENT, MEMBER = "2023010103", "2022010202"  # 3号楼 student; the logistics member for 3号楼


async def test_one_person_on_both_channels_sees_the_same_concern(db_url: str,
                                                                 tmp_path: Path) -> None:
    await seed_roster(db_url)
    student_web, member_web = await _token(db_url, STUDENT), await _token(db_url, MEMBER)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        tg = await bound_chat(api, db_url, STUDENT, 7001, "学生")
        member_tg = await bound_chat(api, db_url, MEMBER, 7002, "党员")

        tg.say("3号楼 热水器坏了三天")
        await tg.press(await tg.expect("请选择诉求类别"), "后勤生活")
        await tg.press(await tg.expect("请选择诉求性质"), "求助")
        await tg.press(await tg.expect("请确认您的诉求"), "确认提交")
        submitted = await tg.expect("诉求已提交")
        number = re.search(r"DEMO-\d{4}-\d{6}", tg.text_of(submitted)).group(0)
        # The member's task card arrives on both of the member's channels.
        await member_tg.expect(number)
        member = WebUser(web, member_web)
        card = await member.expect(number)
        assert "热水器坏了三天" in card["html"]
        # The student's own list on the web shows the concern made on Telegram.
        student = WebUser(web, student_web)
        await student.say("/my")
        await student.expect("您共有 1 件诉求")
        await student.expect(number)
        # Accepting on the web moves the card on Telegram's side of the requester too.
        await member.press(card, "签收")
        await tg.expect(f"您的诉求 {number} 已由负责的党员签收")
        await student.expect(f"您的诉求 {number} 已由负责的党员签收")


async def test_the_language_switch_changes_the_bots_replies_silently(db_url: str,
                                                                     tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        user = WebUser(web, token)
        status, _ = await user.post({"client_id": "l1", "text": "/lang en", "silent": True})
        assert status == 202
        await user.expect("Language set to English.")
        async with web.http.get(web.base + "/api/me", headers=user._headers()) as r:
            assert (await r.json())["locale"] == "en"  # the page follows the account
        await user.say("/help")
        await user.expect("/new")
        status, _ = await user.post({"client_id": "l2", "text": "/lang zh_CN", "silent": True})
        await user.expect("已切换为中文")
        await user.say("/lang klingon")  # unknown: the choice, as on Telegram
        choose = await user.expect("请选择语言")
        assert [b["label"] for row in choose["buttons"] for b in row] == ["中文", "English"]
        mine = [m["text"] for m in (await user.history())["mine"]]
    assert mine == ["/help", "/lang klingon"]  # the switch's commands are not echoed


async def test_links_expire_and_can_be_revoked(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    engine = make_engine(db_url)
    sf = session_factory(engine)
    try:
        now = SystemClock().now()
        token = await issue_token(sf, STUDENT, now)
        ttl = timedelta(days=90)
        assert await web_user(sf, token, now + timedelta(days=89), ttl) is not None
        assert await web_user(sf, token, now + timedelta(days=91), ttl) is None
    finally:
        await engine.dispose()
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        user = WebUser(web, token)
        assert (await user.post({"client_id": "a", "text": "/help"}))[0] == 202
        await user.expect("/new")
        settings = bot_settings(db_url, api.base_url)
        async with web.http.get(web.base + "/api/events?since=999999",
                                headers=user._headers()) as stream:
            assert stream.status == 200
            assert await commands.web_revoke(settings, STUDENT) == 0
            assert (await user.post({"client_id": "b", "text": "/help"}))[0] == 401
            async with web.http.get(web.base + "/api/me", headers=user._headers()) as r:
                assert r.status == 401
            # The page that was open: the next event for the chat (from a new link of the
            # same person) ends its stream instead of reaching it.
            again = WebUser(web, await _token(db_url, STUDENT))
            await again.say("/help")
            await again.expect("/new")
            rest = await asyncio.wait_for(stream.content.read(), 10)
        assert b"data: " not in rest
        assert await commands.web_revoke(settings, "0000000000") == 1


async def test_demo_picker_issues_ordinary_checked_tokens(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        async with web.http.get(web.base + "/demo/people") as r:
            assert r.status == 200
            groups = {g["role"]: g["people"] for g in (await r.json())["groups"]}
        for role in ("student", "party_member", "branch_secretary", "leader", "admin"):
            assert groups.get(role), role
        assert MEMBER in {p["number"] for p in groups["party_member"]}

        async def login(body: object, **kw: str) -> tuple[int, dict]:
            async with web.http.post(web.base + "/demo/login", json=body, headers=kw) as r:
                return r.status, await r.json()

        status, first = await login({"number": MEMBER})
        assert status == 200
        assert (await login({"number": MEMBER}))[1]["token"] == first["token"]  # reused
        assert (await login({"number": "9999999999"}))[0] == 404
        assert (await login({"numbr": MEMBER}))[0] == 400
        assert (await login({"number": ["x"]}))[0] == 400
        assert (await login({"number": MEMBER}, Origin="http://evil.example"))[0] == 403
        async with web.http.post(web.base + "/demo/login", data="number=1",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"}
                                 ) as r:
            assert r.status == 415
        member = WebUser(web, first["token"])
        async with web.http.get(web.base + "/api/me", headers=member._headers()) as r:
            assert r.status == 200
        await member.say("/tasks")
        await member.expect("您目前没有待办的诉求")  # the member's own (empty) task list


async def test_without_demo_there_is_no_picker(db_url: str, tmp_path: Path) -> None:
    settings = bot_settings(db_url, "http://127.0.0.1:9",
                            web={"enabled": True, "demo": False, "port": _free_port()})
    engine = make_engine(db_url)
    channel = web_channel(settings, session_factory(engine), SystemClock(),
                          Catalog.load("zh_CN"))
    stop = asyncio.Event()
    base = f"http://127.0.0.1:{settings.web.port}"
    server = asyncio.create_task(serve_web(channel.app(), "127.0.0.1", settings.web.port, stop))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(base + "/") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
            async with http.get(base + "/demo/people") as r:
                assert r.status == 404
            async with http.post(base + "/demo/login", json={"number": STUDENT}) as r:
                assert r.status == 404
    finally:
        stop.set()
        await server
        await engine.dispose()


def test_demo_routes_refuse_a_non_loopback_host() -> None:
    from aiohttp import web as aioweb

    for host in ("0.0.0.0", "10.0.0.5", "campus.example.edu", "::"):
        with pytest.raises(DemoRefused):
            add_demo_routes(aioweb.Application(), host=host, sf=None, clock=SystemClock(),
                            users=TokenCache(None, timedelta(days=1)))
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        add_demo_routes(aioweb.Application(), host=host, sf=None, clock=SystemClock(),
                        users=TokenCache(None, timedelta(days=1)))


async def test_a_new_demo_token_replaces_the_last_one_but_not_real_links(db_url: str) -> None:
    await seed_roster(db_url)
    engine = make_engine(db_url)
    sf = session_factory(engine)
    try:
        now, ttl = SystemClock().now(), timedelta(days=1)
        link = await issue_token(sf, STUDENT, now)  # from `python -m bot web token`
        first = (await issue_tokens(sf, [STUDENT, MEMBER, "nobody"], now, demo=True))
        assert set(first) == {STUDENT, MEMBER}  # unknown numbers are left out
        second = await issue_tokens(sf, [STUDENT], now, demo=True)  # e.g. after a restart
        assert await web_user(sf, first[STUDENT], now, ttl) is None
        assert await web_user(sf, second[STUDENT], now, ttl) is not None
        assert await web_user(sf, first[MEMBER], now, ttl) is not None  # not re-issued
        assert await web_user(sf, link, now, ttl) is not None
    finally:
        await engine.dispose()


def _ipv6_loopback_port() -> int | None:
    """A free port on ::1, or None when this machine has no IPv6 loopback."""
    import socket

    if not socket.has_ipv6:
        return None
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
            return s.getsockname()[1]
    except OSError:
        return None


async def test_the_web_chat_on_ipv6_loopback_answers_at_the_url_it_prints(
        db_url: str, tmp_path: Path) -> None:
    from bot.app import startup_line

    port = _ipv6_loopback_port()
    if port is None:
        pytest.skip("this machine has no IPv6 loopback (::1) to listen on")
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    settings = bot_settings(db_url, "http://127.0.0.1:9", web={
        "enabled": True, "host": "::1", "port": port, "upload_dir": str(tmp_path / "up")})
    url = f"http://[::1]:{port}/"
    assert url in startup_line(settings)  # the line printed at start
    engine = make_engine(db_url)
    channel = web_channel(settings, session_factory(engine), SystemClock(),
                          Catalog.load("zh_CN"))
    stop = asyncio.Event()
    server = asyncio.create_task(serve_web(channel.app(), "::1", port, stop))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(url) as r:
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
            auth = {"Authorization": f"Bearer {token}"}
            # The browser sends Host: [::1]:port (and Origin http://[::1]:port from the page).
            async with http.get(url) as r:
                assert r.status == 200 and "心桥" in await r.text()
            async with http.get(url + "api/me", headers={**auth, "Origin": url[:-1]}) as r:
                assert r.status == 200
            async with http.post(url + "api/messages", json={"client_id": "v6", "text": "/help"},
                                 headers={**auth, "Origin": url[:-1]}) as r:
                assert r.status == 202
            for host, status in ((f"localhost:{port}", 200), (f"evil.example:{port}", 403)):
                async with http.get(url + "api/me", headers={**auth, "Host": host}) as r:
                    assert r.status == status, host
    finally:
        stop.set()
        await server
        await engine.dispose()


async def test_a_restart_keeps_the_demo_persons_web_identity_language_and_notice(
        db_url: str, tmp_path: Path) -> None:
    """Every `make run` issues the picker's tokens again: the person's web identity stays
    (its language and its shown privacy notice); only the token changes."""
    from sqlalchemy import select

    from storage.tables import ChannelIdentity, Person

    await seed_roster(db_url)
    engine = make_engine(db_url)
    sf = session_factory(engine)

    async def identities() -> list[tuple[int, str | None, bool]]:
        async with sf() as s:
            rows = (await s.execute(select(ChannelIdentity).join(
                Person, Person.id == ChannelIdentity.person_id).where(
                ChannelIdentity.channel == "web", Person.number == STUDENT))).scalars()
            return [(r.id, r.locale, r.privacy_noticed_at is not None) for r in rows]

    try:
        first = (await issue_tokens(sf, [STUDENT], SystemClock().now(), demo=True))[STUDENT]
        async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
            user = WebUser(web, first)
            await user.say("/lang en")
            await user.expect("Language set to English.")
            await asyncio.sleep(0.3)
            shown = (await user.history())["events"]
            assert sum("Privacy notice" in e["html"] for e in shown) == 1  # the first message
        before = await identities()
        assert len(before) == 1 and before[0][1:] == ("en", True)
        # The restart: the picker issues a token again.
        second = (await issue_tokens(sf, [STUDENT], SystemClock().now(), demo=True))[STUDENT]
        assert second != first
        assert await identities() == before  # the same identity, language and notice
        async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
            assert (await WebUser(web, first).post({"client_id": "x", "text": "/help"}))[0] == 401
            user = WebUser(web, second)
            user.seen = len((await user.history())["events"])  # the same chat's history
            user.n = 10  # the page's message ids go on; m1 was the first session's
            await user.say("/help")
            await user.expect("Xinqiao help")  # still in English
            await asyncio.sleep(0.3)  # a second notice, if any, would have arrived by now
            events = (await user.history())["events"]
        assert sum("隐私说明" in e["html"] or "Privacy notice" in e["html"] for e in events) == 1
        assert await identities() == before
    finally:
        await engine.dispose()
