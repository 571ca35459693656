"""A leader's calendar feed over HTTP (SQLite, and PostgreSQL with XQ_TEST_DATABASE_URL):
the web server's real app on a free port, with the example roster's schedule materialised
across the National Day holiday (10-07 moves to 10-08) and one date cancelled. The feed
is parsed back and every VEVENT compared with the session rows; a renewed, a revoked, a
forged or a malformed token, or a leader who lost the role, gets the same plain 404; the
route needs no web chat token, answers on any Host, with demo mode on or off. The CLI
prints a link that works, refuses an unknown person and a non-leader, and revokes."""
from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import aiohttp
import pytest
from icalendar import Calendar
from sqlalchemy import delete, select

from bot.reception.recurrence import RruleExpander
from bot.web.runtime import start_web
from bot.web.sender import EventHub
from bot.web.server import WebDeps, make_app
from bot.workcalendar import ChinaWorkCalendar
from core.clock import FixedClock
from core.errors import AccessDenied, InputError
from core.people.roster_validation import validate_roster
from core.reception.feed import feed_url, renew_feed, revoke_feed
from locales import Catalog
from storage.db import make_engine, session_factory
from storage.people.roster import apply_roster, read_roster
from storage.reception.feeds import person_by_number
from storage.reception.materialise import materialise_sessions
from storage.tables import (AuditLog, ReceptionFeed, ReceptionOverride, ReceptionSchedule,
                            ReceptionSession, RoleAssignment)
from storage.uow import unit_of_work
from tests.support.harness import ROSTER
from tests.support.web import _free_port

ROOT = Path(__file__).resolve().parents[2]
LEADER, STUDENT = "9200000001", "2023010101"
T0 = datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)
NOT_FOUND = "找不到该日历订阅：链接无效或已停用。"


class Server:
    """The web chat's aiohttp app (as ``bot/web/runtime.py`` builds it) on a free port."""

    def __init__(self, sf, tmp_path: Path, *, demo: bool, port: int | None = None,  # noqa: ANN001
                 now: datetime = T0) -> None:
        self.port = port or _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.deps = WebDeps(sf=sf, clock=FixedClock(now), catalog=Catalog.load("zh_CN"),
                            hub=EventHub(), allowed_hosts={f"127.0.0.1:{self.port}"},
                            upload_dir=tmp_path, max_upload_bytes=2**20,
                            demo_host="127.0.0.1" if demo else None)

    async def __aenter__(self) -> Server:
        self.runner = await start_web(make_app(self.deps), "127.0.0.1", self.port)
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.close()
        await self.runner.cleanup()

    async def get(self, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        async with self.http.get(url, headers=headers) as r:
            return r.status, dict(r.headers), await r.read()


async def _issue(sf, number: str) -> str:  # noqa: ANN001
    pid = await person_by_number(sf, number)
    async with unit_of_work(sf) as uow:
        return await renew_feed(uow.store, pid, T0, actor_id=pid, source="chat")


async def _prepare(sf) -> None:  # noqa: ANN001
    """The example roster; sessions 09-28..10-31, then 10-21 cancelled by an admin."""
    await apply_roster(sf, validate_roster(read_roster(ROSTER)), now=T0)
    for cancel in (False, True):
        if cancel:
            async with sf() as s, s.begin():
                schedule = (await s.scalars(select(ReceptionSchedule).where(
                    ReceptionSchedule.code == "R-LEADER1"))).one()
                s.add(ReceptionOverride(schedule_id=schedule.id, day=date(2026, 10, 21),
                                        action="cancel", source="command", created_at=T0))
        await materialise_sessions(sf, first=date(2026, 9, 28), last=date(2026, 10, 31),
                                   expander=RruleExpander(), calendar=ChinaWorkCalendar(),
                                   tz="Asia/Shanghai", now=T0)


def _events(body: bytes) -> list:
    return [e for e in Calendar.from_ical(body).walk() if e.name == "VEVENT"]


@pytest.mark.parametrize("demo", [False, True], ids=["demo-off", "demo-on"])
async def test_the_feed_matches_the_sessions_and_ends_with_its_token(sf, tmp_path: Path,  # noqa: ANN001
                                                                     demo: bool) -> None:
    await _prepare(sf)
    async with sf() as s:  # every schedule of the example roster is the leader's
        rows = (await s.execute(select(ReceptionSession, ReceptionSchedule.code,
                                       ReceptionSchedule.place)
                                .join(ReceptionSchedule,
                                      ReceptionSchedule.id == ReceptionSession.schedule_id)
                                .order_by(ReceptionSession.starts_at))).all()
    assert [(r.origin_day.isoformat(), r.local_date.isoformat(), r.status)
            for r, code, _ in rows if code == "R-LEADER1"] == [
        ("2026-09-30", "2026-09-30", "scheduled"), ("2026-10-07", "2026-10-08", "moved"),
        ("2026-10-14", "2026-10-14", "scheduled"), ("2026-10-21", "2026-10-21", "cancelled"),
        ("2026-10-28", "2026-10-28", "scheduled")]
    token = await _issue(sf, LEADER)
    async with Server(sf, tmp_path, demo=demo) as web:
        url = feed_url(web.base + "/", token)
        assert url == f"{web.base}/feeds/reception/{token}.ics"
        status, headers, body = await web.get(url)  # no web chat token, no cookie
        assert status == 200, body
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert headers["Cache-Control"] == "no-store"
        events = _events(body)
        by_uid = {f"{code}-{r.origin_day.isoformat()}-{r.kind}@xinqiao-reception": (r, place)
                  for r, code, place in rows}
        assert [str(e["uid"]) for e in events] == list(by_uid)  # every session, in order
        for event in events:
            row, place = by_uid[str(event["uid"])]
            assert (event.decoded("dtstart"), event.decoded("dtend")) == \
                (row.starts_at, row.ends_at)
            assert str(event["location"]) == place
            assert str(event["status"]) == ("CANCELLED" if row.status == "cancelled"
                                            else "CONFIRMED")
        moved = next(e for e in events if str(e["uid"]).startswith("R-LEADER1-2026-10-07-"))
        assert moved.decoded("dtstart") == datetime(2026, 10, 8, 6, 30, tzinfo=timezone.utc)
        assert "2026-10-07" in str(moved["description"])
        # A calendar app reaches the server by its public name (a proxy's): still served.
        assert (await web.get(url, Host="xq.example.edu"))[0] == 200
        assert (await web.get(web.base + "/api/me", Host="xq.example.edu"))[0] == 403

        # A new link ends the old one; revoking ends every one.
        renewed = await _issue(sf, LEADER)
        assert (await web.get(url))[0] == 404
        assert (await web.get(feed_url(web.base, renewed)))[0] == 200
        leader = await person_by_number(sf, LEADER)
        async with unit_of_work(sf) as uow:
            assert await revoke_feed(uow.store, leader, T0, actor_id=None, source="cli") == 1
        gone = [feed_url(web.base, renewed), url,
                feed_url(web.base, secrets.token_urlsafe(32)),  # forged: right shape
                f"{web.base}/feeds/reception/{renewed}",        # no .ics
                f"{web.base}/feeds/reception/{renewed}.ics.ics",
                f"{web.base}/feeds/reception/{renewed[:-1]}.ics",
                f"{web.base}/feeds/reception/{'A' * 500}.ics",
                f"{web.base}/feeds/reception/%00.ics"]
        for link in gone:
            status, headers, body = await web.get(link)
            assert (status, body.decode()) == (404, NOT_FOUND), link
            assert headers["Content-Type"].startswith("text/plain")
    async with sf() as s:
        feeds = list(await s.scalars(select(ReceptionFeed).order_by(ReceptionFeed.id)))
        audits = list(await s.scalars(select(AuditLog).where(AuditLog.kind == "reception_feed")
                                      .order_by(AuditLog.id)))
    assert all(f.revoked_at == T0 for f in feeds) and len(feeds) == 2
    assert token not in {f.token_hash for f in feeds} and all(len(f.token_hash) == 64
                                                               for f in feeds)
    assert [(a.detail["action"], a.detail["source"]) for a in audits] == [
        ("issue", "chat"), ("issue", "chat"), ("revoke", "cli")]


async def test_a_leader_who_loses_the_role_loses_the_feed_and_others_get_none(
        sf, tmp_path: Path) -> None:  # noqa: ANN001
    await _prepare(sf)
    token = await _issue(sf, LEADER)
    student = await person_by_number(sf, STUDENT)
    async with unit_of_work(sf) as uow:
        with pytest.raises(AccessDenied) as refused:
            await renew_feed(uow.store, student, T0, actor_id=student, source="chat")
    assert refused.value.key == "feed.leaders_only"
    leader = await person_by_number(sf, LEADER)
    async with unit_of_work(sf) as uow:  # no web server to serve it: nothing is issued
        with pytest.raises(InputError, match="feed.unavailable"):
            await renew_feed(uow.store, leader, T0, actor_id=leader, source="chat",
                             served=False)
    async with sf() as s:
        assert len(list(await s.scalars(select(ReceptionFeed)))) == 1
    async with Server(sf, tmp_path, demo=False) as web:
        assert (await web.get(feed_url(web.base, token)))[0] == 200
        async with sf() as s, s.begin():
            await s.execute(delete(RoleAssignment).where(RoleAssignment.person_id == leader))
        assert (await web.get(feed_url(web.base, token)))[0] == 404


def test_the_cli_prints_a_link_that_works_and_refuses_others(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env |= {"XQ_DATABASE__URL": db, "XQ_WEB__BASE_URL": f"http://127.0.0.1:{port}/"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "bot", *a], cwd=ROOT, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    assert run("roster", "import", str(ROSTER)).returncode == 0
    assert run("reception", "sessions", "--weeks", "4").returncode == 0
    unknown = run("reception", "feed", "0000000000")
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert "找不到工号为 0000000000 的人员" in unknown.stderr
    student = run("reception", "feed", STUDENT)
    assert (student.returncode, student.stdout) == (1, "") and "不是校领导" in student.stderr
    made = run("reception", "feed", LEADER)
    assert made.returncode == 0, made.stderr
    link = made.stdout.strip()
    assert made.stdout == link + "\n"
    assert link.startswith(f"http://127.0.0.1:{port}/feeds/reception/") and link.endswith(".ics")

    async def fetch() -> tuple[int, bytes]:
        engine = make_engine(db)
        server = Server(session_factory(engine), tmp_path, demo=False, port=port,
                        now=datetime.now(timezone.utc))
        try:
            async with server:
                status, _, body = await server.get(link)
                return status, body
        finally:
            await engine.dispose()

    status, body = asyncio.run(fetch())
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR")
    events = _events(body)  # the coming four weeks' Wednesdays (today's may have ended)
    assert sum(str(e["summary"]) == "领导接待日 行政楼 201" for e in events) >= 3
    revoked = run("reception", "feed", LEADER, "--revoke")
    assert revoked.returncode == 0
    assert revoked.stdout == "已停用 9200000001 的接待日日历订阅链接（1 个）。\n"
    assert asyncio.run(fetch())[0] == 404
