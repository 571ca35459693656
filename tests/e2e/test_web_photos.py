"""Photos cross channels: a web photo reaches a Telegram member as an upload of its bytes, a
Telegram photo reaches a web member as a signed URL only that member can open."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select

from storage.tables import OutboxRow
from tests.e2e.test_web_api import WebBot, WebUser, _token
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI, Upload
from tests.support.harness import TOKEN, bound_chat, seed_roster
from tests.support.images import jpeg, png

STUDENT, MEMBER, OTHER = "2023010103", "2022010202", "2023030102"  # 3号楼; its logistics member
# Taken with a phone: its EXIF says where. The server keeps the picture, not the EXIF.
GPS = b"GPS 31.2304N 121.4737E iPhone"
WEB_JPEG = jpeg(exif=GPS, pixels=bytes(range(256)) * 4)
STORED_JPEG = jpeg(pixels=bytes(range(256)) * 4)
TG_JPEG = b"\xff\xd8\xff\xdb" + b"telegram photo bytes " * 20


async def _web_draft(student: WebUser) -> None:
    """A 3号楼 logistics concern written on the web, up to its confirmation."""
    await student.say("3号楼 水管漏水，见照片")
    await student.press(await student.expect("请选择诉求类别"), "后勤生活")
    await student.press(await student.expect("请选择诉求性质"), "求助")
    await student.expect("请确认您的诉求")


async def _post_photo(user: WebUser, data: bytes) -> None:
    user.n += 1
    form = aiohttp.FormData()
    form.add_field("client_id", f"m{user.n}")
    form.add_field("photo", data, filename="tap.jpg", content_type="image/jpeg")
    async with user.web.http.post(user.web.base + "/api/messages", data=form,
                                  headers=user._headers()) as r:
        assert r.status == 202


async def _fetch(user: WebUser, url: str) -> tuple[int, bytes, str]:
    async with user.web.http.get(user.web.base + url, headers=user._headers()) as r:
        return r.status, await r.read(), r.content_type


def _photos_to(api: FakeBotAPI, chat_id: int) -> list[Any]:
    return [c.params["photo"] for c in api.sent(chat_id, "sendPhoto")]


async def test_a_web_photo_reaches_the_telegram_member_as_an_upload(db_url: str,
                                                                    tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        member = await bound_chat(api, db_url, MEMBER, 6001, "党员")
        student = WebUser(web, token)
        await _web_draft(student)
        await _post_photo(student, WEB_JPEG)
        await student.expect("附件 1 个")
        await _post_photo(student, WEB_JPEG)  # the same photo again: uploaded only once
        await student.press(await student.expect("附件 2 个"), "写好了")
        await student.press(await student.expect("请确认您的诉求"), "确认提交")
        await student.expect("诉求已提交")
        await member.expect("新诉求")
        first = await member.expect("的附件")
        second = await member.expect("的附件")
    assert first.method == second.method == "sendPhoto"
    upload, reused = _photos_to(api, 6001)
    assert isinstance(upload, Upload) and upload.data == STORED_JPEG  # the EXIF is gone
    assert reused == first.result["photo"][-1]["file_id"]  # the first upload's file_id
    assert "DEMO-2026-000001" in member.text_of(first)


async def test_a_telegram_photo_is_shown_to_the_web_member_only(db_url: str,
                                                                tmp_path: Path) -> None:
    await seed_roster(db_url)
    member_token, other_token = await _token(db_url, MEMBER), await _token(db_url, OTHER)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        api.add_file("tg-photo-1", TG_JPEG, "photos/file_1.jpg")
        student = await bound_chat(api, db_url, STUDENT, 5001, "赵子涵")
        student.say("3号楼 热水器坏了")
        await student.press(await student.expect("请选择诉求类别"), "后勤生活")
        await student.press(await student.expect("请选择诉求性质"), "求助")
        await student.expect("请确认您的诉求")
        api.push_photo(5001, "tg-photo-1", caption="<热水器>")
        await student.press(await student.expect("附件 1 个"), "✅ 写好了")
        await student.press(await student.expect("请确认您的诉求"), "确认提交")
        await student.expect("诉求已提交")

        member, other = WebUser(web, member_token), WebUser(web, other_token)
        await member.expect("新诉求")
        event = await member.expect("的附件")
        [att] = event["attachments"]
        assert att["kind"] == "photo" and att["url"].startswith("/api/files/tg/")
        assert await _fetch(member, att["url"]) == (200, TG_JPEG, "image/jpeg")
        assert (await _fetch(other, att["url"]))[0] == 404  # the member's URL, not theirs
        unsigned = att["url"].split("?")[0]
        assert (await _fetch(member, unsigned))[0] == 404
        assert (await _fetch(member, unsigned + "?sig=" + "0" * 64))[0] == 404
        for bad in ("/api/files/..%2F..%2Fetc%2Fpasswd?sig=x", "/api/files/%2Fetc%2Fpasswd"):
            assert (await _fetch(member, bad))[0] == 404
        # Rendered again from the copy: the next history read still shows it.
        again = [e for e in (await member.history())["events"] if e["id"] == event["id"]]
        assert again[0]["attachments"][0]["url"] == att["url"]
    assert len(api.sent(method="getFile")) == 1  # downloaded once


async def test_a_web_photo_telegram_refuses_still_lets_the_card_through(db_url: str,
                                                                       tmp_path: Path) -> None:
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        member = await bound_chat(api, db_url, MEMBER, 6001, "党员")
        # Telegram refuses the upload (e.g. JPEG magic bytes followed by junk).
        api.inject("sendPhoto", 400, chat_id=6001, description="Bad Request: IMAGE_PROCESS_FAILED")
        student = WebUser(web, token)
        await _web_draft(student)
        await _post_photo(student, WEB_JPEG)
        await student.press(await student.expect("附件 1 个"), "写好了")
        await student.press(await student.expect("请确认您的诉求"), "确认提交")
        await student.expect("诉求已提交")
        await member.expect("新诉求")
        attachment = await member.expect("的附件")
    assert attachment.method == "sendMessage"
    assert "有一张图片无法在此显示" in member.text_of(attachment)
    rows = await query(db_url, select(OutboxRow.status).where(OutboxRow.chat_id == "6001"))
    assert {s for (s,) in rows} == {"sent"}  # nothing parked as dead


async def test_a_real_png_upload_is_stored_without_its_text_chunk(db_url: str,
                                                                 tmp_path: Path) -> None:
    """A PNG as a phone or an editor writes it (pixels, and a tEXt chunk saying where),
    uploaded as the page does: multipart over HTTP. Kept: the picture; dropped: the text."""
    await seed_roster(db_url)
    token = await _token(db_url, STUDENT)
    picture = png(size=(64, 48), text=GPS)
    async with FakeBotAPI(token=TOKEN) as api, WebBot(db_url, api, tmp_path) as web:
        student = WebUser(web, token)
        await _web_draft(student)
        form = aiohttp.FormData()
        form.add_field("client_id", "png1")
        form.add_field("photo", picture, filename="tap.png", content_type="image/png")
        async with web.http.post(web.base + "/api/messages", data=form,
                                 headers=student._headers()) as r:
            assert (r.status, await r.json()) == (202, {"stored": True, "duplicate": False})
        await student.expect("附件 1 个")
        # The person's own photo comes back in their history, to show as they sent it.
        [mine] = [m for m in (await student.history())["mine"] if m["kind"] == "photo"]
        status, stored, content_type = await _fetch(student, mine["photo"]["url"])
    assert (status, content_type) == (200, "image/png")
    assert stored == png(size=(64, 48)) and GPS not in stored
