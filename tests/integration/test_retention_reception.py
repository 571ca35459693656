"""Reception topics and bookings under retention (storage/privacy/reception.py, docs/
decisions/0027), on SQLite and PostgreSQL, through the privacy sweep:

- a concern followed up from a reception topic, anonymised: the topic's bookings (the
  person who booked it and one who joined it, 同问) no longer name them, so booking →
  topic → concern says nobody asked it;
- a topic with no concern, ``retention_days`` after its session: its text, photo and
  people go (topic and bookings), the photo leaves the folder;
- kept: a topic of a recent session, and an old one whose follow-up concern is still
  being handled; a second sweep finds nothing more; the dry run counted the same.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from bot.privacy_files import FolderFiles
from core.clock import FixedClock
from core.privacy.policy import ANONYMISED_TEXT, ANONYMOUS_PREFIX, PrivacyRules
from locales import Catalog
from scheduler.privacy_sweep import privacy_sweep
from storage.tables import Person, ReceptionBooking, ReceptionTopic
from tests.support import privacy_rows as R

NOW = datetime(2030, 6, 1, 8, 0, tzinfo=timezone.utc)
RULES = PrivacyRules(retention_days=365)
OLD = NOW - timedelta(days=400)       # a session over a year ago
RECENT = NOW - timedelta(days=30)
PHOTO = "web/" + "ab" * 32 + ".jpg"


async def _seed(sf) -> dict[str, int]:  # noqa: ANN001
    async with sf() as s, s.begin():
        unit = await R.college(s)
        leader = await R.person(s, "L1", OLD)
        asker, joiner, other = [await R.person(s, n, OLD, unit=unit, name=f"人{n}")
                                for n in ("S1", "S2", "S3")]
        sched = await R.schedule(s, leader, OLD)
        old, recent = await R.session(s, sched, OLD), await R.session(s, sched, RECENT)
        followed = await R.concern(s, "DEMO-2029-000001", asker, OLD,
                                   closed=OLD + timedelta(days=5))
        still_open = await R.concern(s, "DEMO-2029-000002", other, OLD, status="in_progress")
        ids = {
            "followed": await R.topic(s, old, "宿舍热水问题甲", [asker, joiner], OLD,
                                      concern=followed),
            "plain": await R.topic(s, old, "食堂价格问题乙", [joiner, other], OLD, photo=PHOTO),
            "open": await R.topic(s, old, "图书馆座位问题丙", [other], OLD, concern=still_open),
            "recent": await R.topic(s, recent, "操场照明问题丁", [asker], RECENT),
        }
        return {**ids, "asker": asker, "joiner": joiner, "other": other}


async def _topics(sf) -> dict[int, tuple[str, int, list, list[int]]]:  # noqa: ANN001
    async with sf() as s:
        anonymous = set(await s.scalars(select(Person.id).where(
            Person.number.like(f"{ANONYMOUS_PREFIX}%"))))
        out = {}
        for t in (await s.execute(select(ReceptionTopic))).scalars():
            people = list(await s.scalars(select(ReceptionBooking.person_id).where(
                ReceptionBooking.topic_id == t.id).order_by(ReceptionBooking.id)))
            out[t.id] = (t.text, t.created_by, t.attachments,
                         [0 if p in anonymous else p for p in people])
        return out


async def test_reception_topics_and_bookings_leave_their_people(
        sf, tmp_path: Path) -> None:  # noqa: ANN001
    ids = await _seed(sf)
    asker, joiner, other = ids["asker"], ids["joiner"], ids["other"]
    uploads = tmp_path / "up"
    (uploads / "web").mkdir(parents=True)
    (uploads / PHOTO).write_bytes(b"photo of the canteen")
    files = FolderFiles(uploads, Catalog.load(), "Asia/Shanghai")
    clock = FixedClock(NOW)
    before = await _topics(sf)
    dry = await privacy_sweep(sf, clock, rules=RULES, files=files, dry_run=True)
    assert await _topics(sf) == before
    done = await privacy_sweep(sf, clock, rules=RULES, files=files)
    after = await _topics(sf)
    # the concern's topic: both people off it (booking → topic → concern named them)
    text, by, atts, people = after[ids["followed"]]
    assert (text, atts, people) == (ANONYMISED_TEXT, [], [0, 0]) and by != asker
    # the old topic with no concern: text, photo and people gone, the photo off the disk
    text, by, atts, people = after[ids["plain"]]
    assert (text, atts, people) == (ANONYMISED_TEXT, [], [0, 0]) and by not in (joiner, other)
    assert not (uploads / PHOTO).exists()
    # kept: a concern still being handled, a recent session
    assert after[ids["open"]] == before[ids["open"]] == ("图书馆座位问题丙", other, [], [other])
    assert after[ids["recent"]] == ("操场照明问题丁", asker, [], [asker])
    counts = done.counts()
    assert (counts["concerns"], counts["reception_topics"], counts["reception_bookings"],
            counts["files"]) == (1, 2, 4, 1), counts
    assert dry.counts() == counts
    again = await privacy_sweep(sf, clock, rules=RULES, files=files)
    assert not any(again.counts().values()), again.counts()
