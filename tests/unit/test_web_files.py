"""Shared photos: signed URLs, safe paths in the upload dir, and both senders' fallbacks."""
from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import GetFile, SendPhoto
from aiogram.types import FSInputFile

from bot.files import resolve, sign, verify
from bot.telegram.files import telegram_download
from bot.telegram.sender import TelegramSender
from bot.web.files import WebFiles
from bot.web.sender import render_event
from locales import Catalog
from storage.outbox import Outgoing

KEY = b"k" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg-bytes" * 10
HASH = hashlib.sha256(JPEG).hexdigest()
REF = f"7/{HASH}.jpg"
CATALOG = Catalog.load()


@pytest.fixture
def up(tmp_path: Path) -> Path:
    (tmp_path / "up" / "7").mkdir(parents=True)
    (tmp_path / "up" / REF).write_bytes(JPEG)
    return tmp_path / "up"


def _row(reply: dict[str, Any], chat_id: str = "web:9", channel: str = "web") -> Outgoing:
    return Outgoing(id=1, channel=channel, chat_id=chat_id, person_id=9, lane=1, reply=reply,
                    locale="zh_CN", attempts=0)


def _photo_reply(refs: dict[str, str]) -> dict[str, Any]:
    return {"key": "task.attachment", "params": {"number": "DEMO-2026-000001"},
            "attachments": [{"kind": "photo", "refs": refs}]}


# --- signing -----------------------------------------------------------------------------

def test_a_signature_holds_for_that_person_and_that_ref_only() -> None:
    sig = sign(KEY, 9, REF)
    assert verify(KEY, 9, REF, sig)
    assert not verify(KEY, 10, REF, sig)  # another person
    assert not verify(KEY, 9, f"8/{HASH}.jpg", sig)  # a tampered ref
    assert not verify(KEY, 9, REF, sig[:-1] + ("0" if sig[-1] != "0" else "1"))
    assert not verify(KEY, 9, REF, "")
    assert not verify(b"x" * 32, 9, REF, sig)  # another process's key


def test_open_needs_the_viewers_signature_and_an_existing_file(up: Path) -> None:
    files = WebFiles(up, KEY)
    query = parse_qs(urlsplit(files.url(9, REF)).query)
    assert urlsplit(files.url(9, REF)).path == f"/api/files/{REF}"
    assert files.open(9, REF, query["sig"][0]) == (up / REF).resolve()
    assert files.open(10, REF, query["sig"][0]) is None
    assert files.open(9, REF, "") is None
    gone = f"7/{'a' * 64}.jpg"
    assert files.open(9, gone, sign(KEY, 9, gone)) is None


# --- paths -------------------------------------------------------------------------------

def test_resolve_finds_a_file_inside_the_upload_dir(up: Path) -> None:
    assert resolve(up, REF) == (up / REF).resolve()


@pytest.mark.parametrize("ref", [
    f"7/../7/{HASH}.jpg", f"../up/7/{HASH}.jpg", "../../etc/passwd", f"7/..\\{HASH}.jpg",
    f"/7/{HASH}.jpg", "/etc/passwd", f"{'/'}{HASH}.jpg", f"7/{HASH}.jpg\x00", f"7/{HASH}.gif",
    f"7/{'a' * 64}.jpg",  # well formed, but no such file
    "", "7", "tg/",
])
def test_resolve_refuses_traversal_absolute_odd_and_missing(up: Path, ref: str) -> None:
    assert resolve(up, ref) is None
    files = WebFiles(up, KEY)
    assert files.open(9, ref, sign(KEY, 9, ref)) is None  # even when correctly signed


def test_resolve_refuses_a_symlink_out_of_the_upload_dir(up: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / f"{HASH}.jpg").write_bytes(JPEG)
    (up / "tg").symlink_to(outside, target_is_directory=True)
    assert resolve(up, f"tg/{HASH}.jpg") is None


# --- the web side: what a web viewer is shown -------------------------------------------

def test_a_web_photo_becomes_a_url_signed_for_the_chats_person(up: Path) -> None:
    files = WebFiles(up, KEY)
    event = render_event(CATALOG, _row(_photo_reply({"web": REF})), files)
    [att] = event["attachments"]
    url = urlsplit(att["url"])
    assert url.path == f"/api/files/{REF}"
    sig = parse_qs(url.query)["sig"][0]
    assert files.open(9, REF, sig) and not files.open(7, REF, sig)


def test_without_a_bot_a_telegram_photo_is_a_placeholder(up: Path) -> None:
    event = render_event(CATALOG, _row(_photo_reply({"telegram": "AgAD-file"})),
                         WebFiles(up, KEY, download=None))
    assert event["attachments"] == [{"kind": "photo",
                                     "text": CATALOG.render("zh_CN", "shared_photo.on_telegram")}]
    assert "Telegram" in event["attachments"][0]["text"]
    gone = render_event(CATALOG, _row(_photo_reply({"web": f"7/{'a' * 64}.jpg"})),
                        WebFiles(up, KEY))
    assert gone["attachments"][0]["text"] == CATALOG.render("zh_CN", "shared_photo.unavailable")


class FakeDownloads:
    """The two aiogram calls the Telegram download makes, serving one file (or hanging)."""

    def __init__(self, content: bytes, delay: float = 0.0, refused: bool = False) -> None:
        self.content, self.delay, self.calls, self.refused = content, delay, 0, refused

    async def get_file(self, file_id: str) -> Any:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.refused:
            raise TelegramBadRequest(GetFile(file_id=file_id), "Bad Request: invalid file_id")
        return SimpleNamespace(file_path=f"photos/{file_id}.jpg", file_size=len(self.content))

    async def download_file(self, path: str, destination: Any, timeout: int = 30) -> Any:
        destination.write(self.content)
        return destination


async def test_a_telegram_photo_is_downloaded_once_and_then_shown(up: Path) -> None:
    bot = FakeDownloads(JPEG)
    files = WebFiles(up, KEY, download=telegram_download(bot))  # type: ignore[arg-type]
    reply = _photo_reply({"telegram": "AgAD-file"})
    await files.prepare(reply)
    await files.prepare(reply)
    assert bot.calls == 1
    ref = f"tg/{hashlib.sha256(b'AgAD-file').hexdigest()}.jpg"
    assert (up / ref).read_bytes() == JPEG
    att = render_event(CATALOG, _row(reply), files)["attachments"][0]
    assert att["url"].startswith(f"/api/files/{ref}?sig=")


@pytest.mark.parametrize("bot", [FakeDownloads(b"<html>not an image</html>"),
                                 FakeDownloads(JPEG, delay=5),
                                 FakeDownloads(JPEG, refused=True)])
async def test_a_failed_or_foreign_download_leaves_a_placeholder(
        up: Path, bot: Any, caplog: pytest.LogCaptureFixture) -> None:
    files = WebFiles(up, KEY, download=telegram_download(bot, timeout=0.05), timeout=0.05)
    assert await files.fetch_telegram("AgAD-file") is None
    if bot.refused:  # Telegram's own words reach the log through DownloadFailed
        # the file is named by a hash: a log kept longer than the rows names no one's file
        assert "could not download Telegram photo sha256:" in caplog.text
        assert "AgAD-file" not in caplog.text and "invalid file_id" in caplog.text
    assert not (up / "tg").exists() or not any((up / "tg").iterdir())
    att = render_event(CATALOG, _row(_photo_reply({"telegram": "AgAD-file"})), files)
    assert att["attachments"][0]["text"] == CATALOG.render("zh_CN", "shared_photo.on_telegram")


# --- the Telegram side: sending a web photo ------------------------------------------------

class FakeSendBot:
    def __init__(self, refuse: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refuse = refuse

    async def send_photo(self, **kw: Any) -> Any:
        self.calls.append(("send_photo", kw))
        if kw["photo"] in self.refuse:
            raise TelegramBadRequest(SendPhoto(chat_id=kw["chat_id"], photo=kw["photo"]),
                                     "Bad Request: wrong file identifier")
        return SimpleNamespace(message_id=len(self.calls), document=None,
                               photo=[SimpleNamespace(file_id="thumb"),
                                      SimpleNamespace(file_id=f"tg-id-{len(self.calls)}")])

    async def send_message(self, **kw: Any) -> Any:
        self.calls.append(("send_message", kw))
        return SimpleNamespace(message_id=len(self.calls))


async def test_a_web_photo_is_uploaded_once_then_its_file_id_is_reused(up: Path) -> None:
    bot = FakeSendBot()
    sender = TelegramSender(bot, CATALOG, upload_dir=up)  # type: ignore[arg-type]
    row = _row(_photo_reply({"web": REF}), chat_id="6001", channel="telegram")
    await sender.deliver([row], None)
    await sender.deliver([row], None)
    (m1, first), (m2, second) = bot.calls
    assert (m1, m2) == ("send_photo", "send_photo")
    assert isinstance(first["photo"], FSInputFile)
    assert Path(first["photo"].path) == (up / REF).resolve()
    assert second["photo"] == "tg-id-1"
    assert "DEMO-2026-000001" in first["caption"]
    # Telegram forgets the file_id: the photo is uploaded again, not lost.
    bot.refuse = {"tg-id-1"}
    await sender.deliver([row], None)
    assert [type(kw["photo"]).__name__ for _, kw in bot.calls[2:]] == ["str", "FSInputFile"]


@pytest.mark.parametrize("upload_dir, ref", [
    (None, REF),  # the sender was not given the upload dir
    ("up", f"7/{'a' * 64}.jpg"),  # the file is gone
    ("up", f"../up/{REF}"),  # outside the upload dir
    ("up", "/etc/passwd"),
])
async def test_a_web_photo_that_cannot_be_sent_becomes_a_placeholder_line(
        up: Path, upload_dir: str | None, ref: str) -> None:
    bot = FakeSendBot()
    sender = TelegramSender(bot, CATALOG,  # type: ignore[arg-type]
                            upload_dir=up if upload_dir else None)
    row = _row(_photo_reply({"web": ref}), chat_id="6001", channel="telegram")
    assert await sender.deliver([row], None) == "1"
    [(method, kw)] = bot.calls
    assert method == "send_message"
    assert "DEMO-2026-000001" in kw["text"]
    assert kw["text"].endswith(CATALOG.render("zh_CN", "shared_photo.unavailable"))


def test_the_telegram_channel_name_matches_the_telegram_adapter() -> None:
    # bot.channels names it so that the web chat does not load aiogram.
    from bot.channels import TELEGRAM
    from bot.telegram.convert import CHANNEL

    assert TELEGRAM == CHANNEL


def test_metadata_is_stripped_and_the_picture_kept() -> None:
    from bot.files import strip_metadata
    from tests.support.images import jpeg, png

    where = b"GPS 31.2304N 121.4737E, iPhone of \xe5\xbc\xa0\xe4\xb8\x89"
    clean = strip_metadata(jpeg(exif=where, comment=b"by zhang san", pixels=b"PIXELS"))
    assert clean == jpeg(pixels=b"PIXELS")  # APP0, the tables and the scan, in order
    assert where not in clean and b"zhang" not in clean
    assert strip_metadata(png(text=where)) == png()
    assert strip_metadata(jpeg()) == jpeg() and strip_metadata(png()) == png()


@pytest.mark.parametrize("bad", [
    b"\xff\xd8\xff\xe0" + b"jpeg-bytes" * 10,        # a segment length running past the end
    b"\xff\xd8junk",                                 # no marker where one must be
    b"\xff\xd8\xff\xe0\x00\x10JFIF",                 # cut short before the scan
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",        # a PNG chunk cut short
    b"GIF89a",                                       # not a JPEG or PNG at all
])
def test_a_malformed_image_is_refused(bad: bytes) -> None:
    from bot.files import strip_metadata

    assert strip_metadata(bad) is None
