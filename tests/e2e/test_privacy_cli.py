"""`python -m bot privacy sweep [--dry-run]` and `privacy export PERSON [--out FILE]` as an
operator runs them (docs/decisions/0027): the dry run prints what a sweep would touch, one
count per kind in the locale files' words, and changes nothing; the sweep does it; an
export prints the person's data as JSON, or writes it readable by its owner only, and is
audited; an unknown number is one clear line. An officer's export leaves the person's
anonymous concerns out and says how many (0008: only the identity supervisor may learn
who wrote one); a file that cannot be written is one sentence, exit 2, no file."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from core.people.roster_validation import validate_roster
from storage.people.roster import apply_roster, read_roster
from storage.tables import Attachment, AuditLog, Concern, OutboxRow, Person
from tests.support.harness import ROSTER

ROOT = Path(__file__).resolve().parents[2]
STUDENT = "2023010103"
OLD_TEXT = "四年前的诉求：宿舍窗户关不上"


def _privacy(db_url: str, uploads: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env.update(XQ_DATABASE__URL=db_url, XQ_WEB__UPLOAD_DIR=str(uploads))
    return subprocess.run([sys.executable, "-m", "bot", "privacy", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


async def _old_history(sf) -> None:  # noqa: ANN001
    """A concern closed four years ago with a photo, and a message sent two months ago."""
    now = datetime.now(timezone.utc)
    await apply_roster(sf, validate_roster(read_roster(ROSTER)), now=now - timedelta(days=1))
    long_ago = now - timedelta(days=4 * 365)
    async with sf() as s, s.begin():
        student = await s.scalar(select(Person.id).where(Person.number == STUDENT))
        concern = Concern(number="DEMO-2022-000001", requester_id=student, type="help",
                          category="logistics", urgency="P2", status="closed",
                          text=OLD_TEXT, routing_reason="zone:Z1", source_channel="telegram",
                          created_at=long_ago, updated_at=long_ago, closed_at=long_ago,
                          revisit_rating="satisfied")
        s.add(concern)
        await s.flush()
        s.add(Attachment(concern_id=concern.id, kind="photo", channel_refs={
            "telegram": "old-photo-1"}, created_at=long_ago))
        s.add(OutboxRow(channel="telegram", chat_id="5001", person_id=student, lane=1,
                        reply={"key": "relay.sent", "params": {}}, locale="zh_CN",
                        status="sent", created_at=now - timedelta(days=60),
                        sent_at=now - timedelta(days=60)))
        s.add(OutboxRow(channel="telegram", chat_id="5001", person_id=student, lane=1,
                        reply={"key": "relay.sent", "params": {}}, locale="zh_CN",
                        status="sent", created_at=now, sent_at=now))


async def test_the_sweep_counts_first_then_anonymises(sf, db_url: str,  # noqa: ANN001
                                                      tmp_path: Path) -> None:
    await _old_history(sf)
    uploads = tmp_path / "up"
    dry = _privacy(db_url, uploads, "sweep", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0].startswith("试运行") and "匿名化的诉求：1" in lines
    assert "删除的附件记录：1" in lines and "到期删除的已发消息：1" in lines
    async with sf() as s:
        assert await s.scalar(select(Concern.text)) == OLD_TEXT  # nothing changed
    english = _privacy(db_url, uploads, "sweep", "--dry-run", "--lang", "en")
    assert "concerns anonymised: 1" in english.stdout.splitlines()
    done = _privacy(db_url, uploads, "sweep")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == lines[1:]  # what the dry run said
    async with sf() as s:
        c = (await s.execute(select(Concern))).scalar_one()
        assert (c.text, c.revisit_rating, c.status) == ("\u2014", "satisfied", "closed")
        stand_in = await s.scalar(select(Person.number).where(Person.id == c.requester_id))
        assert stand_in.startswith("~anon:")
        assert (await s.execute(select(Attachment))).first() is None
        kinds = list(await s.scalars(select(AuditLog.kind)))
    assert "privacy_retention" in kinds
    again = _privacy(db_url, uploads, "sweep", "--dry-run")
    assert "匿名化的诉求：0" in again.stdout.splitlines()


async def test_export_prints_or_writes_a_persons_data(sf, db_url: str,  # noqa: ANN001
                                                      tmp_path: Path) -> None:
    await _old_history(sf)
    uploads = tmp_path / "up"
    out = _privacy(db_url, uploads, "export", STUDENT)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["person"]["number"] == STUDENT
    assert [c["text"] for c in data["concerns"]] == [OLD_TEXT]
    target = tmp_path / "mydata.json"
    written = _privacy(db_url, uploads, "export", STUDENT, "--out", str(target))
    assert written.returncode == 0 and str(target) in written.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["person"]["number"] == STUDENT
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    unknown = _privacy(db_url, uploads, "export", "0000000000")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr.strip() == "没有学号/工号为 0000000000 的人。"
    async with sf() as s:
        vias = [d["via"] for d in await s.scalars(select(AuditLog.detail).where(
            AuditLog.kind == "privacy_export"))]
    assert vias == ["cli", "cli"]


ANONYMOUS_TEXT = "匿名举报：某老师收取资料费"


async def _anonymous_report(sf) -> None:  # noqa: ANN001
    """An anonymous 举报 of the same student, still being looked into."""
    now = datetime.now(timezone.utc)
    async with sf() as s, s.begin():
        student = await s.scalar(select(Person.id).where(Person.number == STUDENT))
        s.add(Concern(number="DEMO-2026-000077", requester_id=student, type="report",
                      category="report", urgency="P2", status="dispatched", anonymous=True,
                      text=ANONYMOUS_TEXT, routing_reason="report", source_channel="telegram",
                      created_at=now, updated_at=now))


async def test_an_officers_export_does_not_say_who_wrote_an_anonymous_concern(
        sf, db_url: str, tmp_path: Path) -> None:  # noqa: ANN001
    await _old_history(sf)
    await _anonymous_report(sf)
    out = _privacy(db_url, tmp_path / "up", "export", STUDENT)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [c["text"] for c in data["concerns"]] == [OLD_TEXT]
    assert ANONYMOUS_TEXT not in out.stdout and "DEMO-2026-000077" not in out.stdout
    left = {i["code"]: i for i in data["not_included"]}
    assert left["anonymous_concerns"]["count"] == 1
    assert "匿名诉求 1 件未包含" in left["anonymous_concerns"]["text"]
    assert "/mydata" in left["anonymous_concerns"]["text"]
    assert "1 件匿名诉求" in out.stderr and "/mydata" in out.stderr
    english = _privacy(db_url, tmp_path / "up", "export", STUDENT, "--lang", "en")
    left = {i["code"]: i for i in json.loads(english.stdout)["not_included"]}
    assert left["anonymous_concerns"]["text"].startswith("1 anonymous concern is not included")
    async with sf() as s:
        kinds = list(await s.scalars(select(AuditLog.kind)))
    assert "identity_revealed" not in kinds and kinds.count("privacy_export") == 2


async def test_an_export_that_cannot_be_written_is_one_sentence_and_no_file(
        sf, db_url: str, tmp_path: Path) -> None:  # noqa: ANN001
    await _old_history(sf)
    missing = tmp_path / "missing" / "dir" / "f.json"
    for target, why in ((missing, f"文件夹 {missing.parent} 不存在"),
                        (tmp_path, "这是一个文件夹，不是文件")):
        bad = _privacy(db_url, tmp_path / "up", "export", STUDENT, "--out", str(target))
        assert bad.returncode == 2 and bad.stdout == "", bad.stderr
        assert bad.stderr.strip() == f"无法写入 {target}：{why}，未导出任何数据。", bad.stderr
    assert not missing.parent.exists()
    assert not any(p.suffix in (".json", ".tmp") for p in tmp_path.iterdir())
    async with sf() as s:
        exports = list(await s.scalars(select(AuditLog.kind).where(
            AuditLog.kind == "privacy_export")))
    assert exports == []  # nothing was exported, so nothing is recorded as exported
