"""The web chat API through the real runtime: same inbox, handlers and outbox as Telegram."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot import commands
from storage.db import make_engine, session_factory
from storage.tables import InboxRow, OutboxRow
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, bound_chat, bot_settings, seed_roster
from tests.support.images import jpeg
from tests.support.web import WebBot, WebUser, _token  # WebBot, WebUser: also imported from here

STUDENT, OTHER = "2023010103", "2023030102"  # two 3号楼 students
FAKE_HASH = "0" * 64


async def _rows(db_url: str, model, *where):  # noqa: ANN001, ANN202
    engine = make_engine(db_url)
    async with session_factory(engine)() as s:
        rows = (await s.execute(select(model).where(*where).order_by(model.id))).scalars().all()
    await engine.dispose()
    return rows


async def _keys_of_chat(db_url: str, channel: str, chat_id: str, after: int) -> list[str]:
    rows = await _rows(db_url, OutboxRow, OutboxRow.channel == channel,
                       OutboxRow.chat_id == chat_id, OutboxRow.id > after)
    return [r.reply["key"] for r in rows if r.reply.get("kind", "message") == "message"]


async def test_every_api_route_needs_a_valid_token(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        routes = [("GET", "/api/me"), ("GET", "/api/messages"), ("POST", "/api/messages"),
                  ("GET", "/api/events"), ("GET", f"/api/files/1/{FAKE_HASH}.jpg"),
                  ("GET", "/api/no-such-route")]
        for auth in ({}, {"Authorization": "Bearer not-a-token"},
                     {"Authorization": "Bearer "}, {"Authorization": FAKE_HASH}):
            for method, path in routes:
                async with web.http.request(method, web.base + path, headers=auth,
                                            json={"client_id": "x", "text": "hi"}) as r:
                    assert (method, path, r.status) == (method, path, 401)
        async with web.http.get(web.base + "/") as page:
            assert page.status == 200
            assert "script-src 'self'" in page.headers["Content-Security-Policy"]
            assert "心桥" in await page.text()
    assert await _rows(db_url, InboxRow) == []


async def test_foreign_origin_and_host_are_refused(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        user = WebUser(web, token)
        status, body = await user.post({"client_id": "a1", "text": "hi"},
                                       Origin="http://evil.example")
        assert (status, body) == (403, {"error": "origin", "reason": "请求来自其他网站，已拒绝。"})
        status, _ = await user.post({"client_id": "a2", "text": "hi"},
                                    **{"Sec-Fetch-Site": "cross-site"})
        assert status == 403
        status, _ = await user.post({"client_id": "a3", "text": "hi"}, Host="evil.example")
        assert status == 403  # DNS rebinding: a foreign name for our address
        async with web.http.get(web.base + "/api/messages", headers={
                "Authorization": f"Bearer {user.token}", "Origin": "http://evil.example"}) as r:
            assert r.status == 403
        status, _ = await user.post({"client_id": "a4", "text": "hi"}, Origin=web.base)
        assert status == 202  # our own page is welcome
    assert [r.update_id.split(":")[1] for r in await _rows(db_url, InboxRow)] == ["a4"]


async def test_a_person_reads_only_their_own_conversation(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    a_token, b_token = await _token(db_url, STUDENT), await _token(db_url, OTHER)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        a, b = WebUser(web, a_token), WebUser(web, b_token)
        # B listens on the live stream while A talks.
        async with web.http.get(web.base + "/api/events?since=0",
                                headers=b._headers()) as stream:
            assert stream.status == 200
            await a.say("3号楼 <script>alert(1)</script> 水管坏了")
            menu = await a.expect("请选择诉求类别")
            # Sent twice (a retry): stored and handled once.
            status, body = await a.post({"client_id": f"m{a.n}", "text": "again"})
            assert (status, body["duplicate"]) == (202, True)
            await b.say("/help")
            line = b""
            while b"data: " not in line:
                line = await asyncio.wait_for(stream.content.readline(), 10)
            first = json.loads(line[6:])
        assert "请选择诉求类别" not in first["html"]
        assert a_token not in json.dumps(first)
        b_seen = await b.history()
        assert all("请选择诉求类别" not in e["html"] for e in b_seen["events"])
        assert [m["text"] for m in b_seen["mine"]] == ["/help"]
        a_seen = await a.history()
        assert all(e["at"] for e in a_seen["events"])
        assert a_seen["mine"][0]["text"] == "3号楼 <script>alert(1)</script> 水管坏了"
        await a.press(menu, "后勤生活")
        await a.expect("请选择诉求性质")
        # A's photo is A's alone.
        form = aiohttp.FormData()
        form.add_field("client_id", "p1")
        form.add_field("photo", jpeg(), filename="x.jpg",
                       content_type="image/jpeg")
        async with web.http.post(web.base + "/api/messages", data=form,
                                 headers=a._headers()) as r:
            assert r.status == 202
        photo = (await _rows(db_url, InboxRow, InboxRow.update_id.like("%:p1")))[0]
        ref = photo.payload["photo"]["ref"]
        assert ref.startswith("web/")  # named by content, never by its sender
        assert web.bot.rt and web.bot.rt.web and web.bot.rt.web.deps.files
        signed = web.bot.rt.web.deps.files.url(photo.payload["person_id"], ref)  # for A
        for user, url, expected in ((a, signed, 200), (b, signed, 404),
                                    (a, f"/api/files/{ref}", 404)):  # unsigned: refused
            async with web.http.get(web.base + url, headers=user._headers()) as r:
                assert r.status == expected
    rows = await _rows(db_url, InboxRow)
    assert len({r.chat_key for r in rows}) == 2  # one chat per person
    assert all(r.chat_key == f"web:web:{r.payload['person_id']}" for r in rows)


async def test_the_same_conversation_on_web_and_telegram(db_url: str, tmp_path: Path) -> None:
    """One scripted intake: the same reply keys, whichever channel it comes through."""
    await seed_roster(db_url)
    web_token = await _token(db_url, OTHER)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        tg = await bound_chat(api, db_url, STUDENT, 5001, "赵子涵")
        tg_after = max([r.id for r in await _rows(db_url, OutboxRow)], default=0)
        tg.say("3号楼 <b>热水器</b> 坏了三天")
        await tg.press(await tg.expect("请选择诉求类别"), "后勤生活")
        await tg.press(await tg.expect("请选择诉求性质"), "求助")
        confirm = await tg.expect("请确认您的诉求")
        await tg.press(confirm, "确认提交")
        await tg.expect("诉求已提交")

        wu = WebUser(web, web_token)
        web_after = max([r.id for r in await _rows(db_url, OutboxRow)], default=0)
        await wu.say("3号楼 <b>热水器</b> 坏了三天")
        await wu.press(await wu.expect("请选择诉求类别"), "后勤生活")
        await wu.press(await wu.expect("请选择诉求性质"), "求助")
        wconfirm = await wu.expect("请确认您的诉求")
        await wu.press(wconfirm, "确认提交")
        done = await wu.expect("诉求已提交")
    assert "3号楼 &lt;b&gt;热水器&lt;/b&gt; 坏了三天" in wconfirm["html"]  # escaped
    assert "DEMO-2026-000002" in done["html"]
    tg_keys = await _keys_of_chat(db_url, "telegram", "5001", tg_after)
    person = (await _rows(db_url, InboxRow, InboxRow.channel == "web"))[0].payload["person_id"]
    web_keys = await _keys_of_chat(db_url, "web", f"web:{person}", web_after)
    # The web account's first message brings its privacy notice first (the Telegram
    # account had its notice when it bound).
    assert web_keys[0] == "privacy.notice" and web_keys[1:] == tg_keys
    assert tg_keys == ["intake.ask_category", "intake.ask_type", "intake.confirm",
                        "intake.submitted"]


async def test_web_token_command_refuses_while_web_is_disabled(db_url: str, capsys) -> None:  # noqa: ANN001
    await seed_roster(db_url)
    off = bot_settings(db_url, "http://127.0.0.1:9", web={"enabled": False})
    assert await commands.web_token(off, STUDENT) == 2
    assert "网页聊天未开启" in capsys.readouterr().err
    on = bot_settings(db_url, "http://127.0.0.1:9", web={"enabled": True})
    assert await commands.web_token(on, "0000000000") == 1
    assert await commands.web_token(on, STUDENT) == 0
    assert capsys.readouterr().out.startswith("http://127.0.0.1:8080/#token=")


async def test_malformed_requests_get_a_400_not_a_500(db_url: str, tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        auth = {"Authorization": f"Bearer {token}"}
        bad_json = [({"text": "no client id"}, "bad_message"), ({"client_id": "c1"}, "bad_message"),
                    (["a", "list"], "not_object"), ({"client_id": "c1", "text": 5}, "bad_field"),
                    ({"client_id": "../x", "text": "hi"}, "bad_field"),
                    ({"client_id": "c1", "text": " "}, "empty_text"),
                    ({"client_id": "c1", "text": "x" * 4001}, "text_too_long"),
                    ({"client_id": "c1", "action": ""}, "bad_action"),
                    ({"client_id": "c1", "action": "n", "message_id": "1; drop"}, "bad_action")]
        for body, code in bad_json:
            async with web.http.post(web.base + "/api/messages", json=body, headers=auth) as r:
                answer = await r.json()
                assert (r.status, answer["error"]) == (400, code), body
                assert answer["reason"] and "web_error" not in answer["reason"]
        bad_uploads = [
            ("multipart/form-data", b"--x\r\n"),                   # no boundary parameter
            ("multipart/form-data; boundary=b; charset=klingon",
             b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--b--\r\n'),
            ("multipart/form-data; boundary=b",
             b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\n\xff\xfe\r\n--b--\r\n'),
        ]
        for content_type, data in bad_uploads:
            async with web.http.post(web.base + "/api/messages", data=data,
                                     headers={**auth, "Content-Type": content_type}) as r:
                assert r.status == 400, (content_type, r.status, await r.text())
        for since in ("99999999999999999999999", "-5", "abc"):
            async with web.http.get(f"{web.base}/api/messages?since={since}",
                                    headers=auth) as r:
                assert r.status == (400 if since == "abc" else 200), since
        async with web.http.get(web.base + "/api/files/1/" + "0" * 64 + ".jpg?sig=é",
                                headers=auth) as r:
            assert r.status == 404
    rows = await _rows(db_url, InboxRow)
    assert rows == []  # nothing half-written
