"""An anonymous survey, attacked: nothing the bot keeps tells which response is whose.

Ten students (eight in Telegram, two in the web chat) answer one survey through the real
bot, each with answers of their own (a window option nobody else picks, free text with a
unique phrase; low ratings open a multiple choice; three skip the free text), one step at
a time in turns, on a clock the test moves through one day (08:10 to 13:10). Then the
attacker of ``tests/support/anonymity_scan.py`` reads every table and column (SQLite's
rowid order too), every log record the process emitted at DEBUG and the web chat's
stored events (its history and its replay memory), and looks for a join path: a row
holding a person and an answer, a shared key, a time finer than the day, an order that
pairs responses with people, an answer echoed anywhere, a group of one.

- The anonymous run: the scan finds nothing at all (not even an echo without a person),
  and the same scan, given that snapshot with one leak planted (a log line, an inbox
  payload kept, a conversation's crisis memory, a time on a response, a person on a
  response, a group of one, the responses in submission order), finds each. Three
  attacks of ``anonymity_residue`` find nothing either (docs/decisions/0023): the shape
  of a person's traffic (redacted inbox rows keep no chat or kind, sealed outbox rows
  none once sent), the steps a conversation's version counted (an anonymous submit
  draws a fresh random version), and the order of cells in the database file's pages
  (the mix sweep rewrote the responses in key order; the file copied before the mix
  shows the attack pairs everyone there).
- The control: the same people answer the same survey, named, on a schema whose
  ``survey_responses`` and ``survey_participation`` keep SQLite's rowid (the protection
  against insertion order removed). The scan must pair every person with their own
  response three ways: a row (the response's ``person_id`` beside its answers), a key
  (that ``person_id`` in participation, deliveries, outbox, ...) and an order (responses
  by rowid against participation by rowid).
  So the row, key and order attacks are shown to see a link that exists; the echo, time
  and group attacks are shown to by the planted leaks (a named survey's flow is sealed
  and redacted too, so it echoes nothing either); the version attack by the named
  survey's versions, which still count steps.

SQLite only: PostgreSQL's system columns (``xmin``, ``ctid``) are attacked by
tests/integration/test_survey_mixing.py.
"""
from __future__ import annotations

import json
import logging
from contextlib import AsyncExitStack
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.web.tokens import issue_tokens
from core.surveys.admin import create_survey
from core.surveys.push import start_push
from scheduler.survey_mix import mix_sweep
from scheduler.survey_push import push_sweep
from storage.db import make_engine, session_factory
from storage.people.roster import issue_codes
from storage.tables import Person, Survey
from storage.uow import unit_of_work
from tests.support import anonymity_residue as R
from tests.support import anonymity_scan as A
from tests.support.anonymity_walk import (
    PEOPLE,
    STEP,
    Screen,
    Stream,
    TITLE,
    TURNS,
    copy_checkpointed,
    db_path,
    steps_of,
    submission_order,
    survey_file,
    unique_shapes,
    with_rowid,
)
from tests.support.chat import ChatUser
from tests.support.db import query, settled
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, MovableClock, seed_roster
from tests.support.reception import TZ, local
from tests.support.web import WebBot, WebUser

#: the anonymous run's database file as it was before the mix sweep
BEFORE_MIX = "before-mix.db"

async def _answer_all(db_url: str, tmp_path: Path, *, anonymous: bool
                      ) -> tuple[A.Snapshot, dict[int, str]]:
    """Seed, push, let everyone answer in turns; the attacker's snapshot and the truth
    (person id -> their response's id). The anonymous run ends with the mix sweep, the
    database file as it was before it copied to ``tmp_path / BEFORE_MIX``."""
    await seed_roster(db_url)
    clock = MovableClock(local(2026, 12, 1, 8, 10))
    engine = make_engine(db_url)
    sf = session_factory(engine)
    numbers = [r.number for r in PEOPLE]
    codes = await issue_codes(sf, now=clock.now(), ttl=timedelta(hours=1),
                              person_numbers=[r.number for r in PEOPLE if not r.web])
    code_of = {c.person_number: c.code for c in codes}
    tokens = await issue_tokens(sf, [r.number for r in PEOPLE if r.web], clock.now())
    records = A.LogRecords()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(records)
    web_events: list[str] = []
    try:
        async with FakeBotAPI(token=TOKEN) as api, \
                WebBot(db_url, api, tmp_path, clock=clock) as web, AsyncExitStack() as stack:
            screens: list[Screen] = []
            for i, r in enumerate(PEOPLE):
                if r.web:
                    user = WebUser(web, tokens[r.number])
                    resp = await stack.enter_async_context(web.http.get(
                        f"{web.base}/api/events?since=0", headers=user._headers()))
                    assert resp.status == 200
                    screens.append(Screen(web=user, stream=Stream(resp)))
                else:
                    tg = ChatUser(api, 8830100 + i).ignore("隐私说明")
                    tg.say(f"/start {code_of[r.number]}")
                    await tg.expect("绑定成功")
                    screens.append(Screen(tg=tg))
            async with unit_of_work(sf) as uow:
                await create_survey(uow.store, text=survey_file(anonymous), list_files=None,
                                    person_id=None, now=clock.now(), max_reminders=3)
            async with unit_of_work(sf) as uow:
                await start_push(uow.store, "canteen-windows", person_id=None, now=clock.now())
            await push_sweep(sf, clock, window=100, timezone=TZ, default_locale="zh_CN")
            for s in screens:
                await s.expect(TITLE)
            steps = [steps_of(r, s) for r, s in zip(PEOPLE, screens, strict=True)]
            for k in range(max(map(len, steps))):
                for i in TURNS:
                    if k < len(steps[i]):
                        clock.at += STEP
                        await steps[i][k]()
            await settled(db_url)
            await push_sweep(sf, clock, window=100, timezone=TZ, default_locale="zh_CN")
            await settled(db_url)
            for s in screens:
                if s.web is not None:
                    web_events.append(json.dumps(await s.web.history(), ensure_ascii=False))
            assert web.bot.rt is not None and web.bot.rt.web is not None
            web_events += [json.dumps(list(events), ensure_ascii=False)
                           for events in web.bot.rt.web.hub._recent.values()]
    finally:
        root.removeHandler(records)
        root.setLevel(level)
    if anonymous:  # the running bot's mix sweep, at its next turn
        copy_checkpointed(db_path(db_url), tmp_path / BEFORE_MIX)
        assert await mix_sweep(sf) == 1
    (survey_id,), = await query(db_url, select(Survey.id))
    ids = dict(await query(db_url, select(Person.number, Person.id).where(
        Person.number.in_(numbers))))
    await engine.dispose()
    assert clock.now().astimezone(ZoneInfo(TZ)).date() == date(2026, 12, 1)  # one day
    snap = A.read_sqlite(db_path(db_url), survey_id, logs=records.texts, web_events=web_events)
    return snap, _truth(snap, ids)


def _truth(snap: A.Snapshot, ids: dict[str, int]) -> dict[int, str]:
    """Whose each response is, from the answers the test gave (each set is unique)."""
    by_answers = {json.dumps(r["answers"], sort_keys=True, ensure_ascii=False): r["id"]
                  for r in A.responses(snap)}
    assert len(by_answers) == len(PEOPLE)
    return {ids[p.number]: by_answers[json.dumps(p.answers(), sort_keys=True,
                                                 ensure_ascii=False)] for p in PEOPLE}


def _sqlite_only(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite only: on PostgreSQL the rows' ctid and xmin tell insertion order "
                    "and transaction, which this schema cannot hide (see the module docstring)")


def _shown(findings: list[A.Finding]) -> list[str]:
    return [f"{f.category} {f.where}: person {f.person} response {f.response} {f.detail}"
            for f in findings[:40]]


@pytest.mark.slow
async def test_the_attacker_links_nobody_to_an_anonymous_answer(db_url: str,
                                                                tmp_path: Path) -> None:
    _sqlite_only(db_url)
    snap, truth = await _answer_all(db_url, tmp_path, anonymous=True)
    assert all(r["person_id"] is None for r in A.responses(snap))
    assert set(A.respondents(snap)) == set(truth)
    assert sum(len(t.rows) for t in snap.tables.values()) > 300 and len(snap.logs) > 100
    responses_orders, people_orders = A.order_count(snap, A.respondents(snap))
    assert responses_orders >= 1 and people_orders >= 3  # the order attack had material
    findings = A.scan(snap, truth)
    assert findings == [], _shown(findings)
    _planted_leaks_are_found(snap, truth)

    # The traffic's shape: five people answered in a way nobody else did, and their
    # redacted inbox rows and sealed outbox rows used to count it. Nothing counts it now.
    unique = unique_shapes({p["number"]: p["id"] for p in snap.tables["people"].rows})
    assert len(unique) == 5
    assert R.shape_attack(snap, truth) == []
    assert not [r for r in snap.tables["inbox"].rows if r["payload"].get("redacted")
                and (r["chat_key"] != "-" or set(r["payload"]) != {"redacted"})]
    assert not [r for r in snap.tables["outbox"].rows if r["reply"].get("sealed")
                and (r["chat_id"] != "-" or r["reply"] != {"sealed": True})]
    # The conversations' versions: each submit drew a fresh one, so they do not line up
    # with the responses' step counts (in the named control they all do).
    versions = R.version_attack(snap)
    assert sorted(n for n, _ in versions.values()) == [2, 8]  # web, Telegram
    assert all(len(lined) <= 2 for _, lined in versions.values()), versions
    # The file: before the mix its pages paired every response with its person (the
    # attack works); after it, nothing.
    before = R.page_order_attack(str(tmp_path / BEFORE_MIX), snap, truth)
    assert A.linked(before, truth) == set(truth), _shown(before)
    assert R.page_order_attack(db_path(db_url), snap, truth) == []


def _planted_leaks_are_found(snap: A.Snapshot, truth: dict[int, str]) -> None:
    """The scan that found nothing in ``snap`` finds each leak planted in it."""
    people = A.respondents(snap)
    pid, chat = min((p.id, c) for p in people.values() for c in p.chats
                    if c.startswith("web:"))  # a web respondent and their chat
    rid = truth[pid]
    marker = next(m for m in A.markers(snap)[rid] if m != rid and len(m) > 6)

    def finds(planted: A.Snapshot, category: str) -> None:
        found = A.scan(planted, truth)
        assert pid in A.linked(found, truth, category), (category, _shown(found))

    leaky_log = A.Snapshot(snap.survey_id, snap.tables,
                           [*snap.logs, f"DEBUG handled text {marker!r} in chat {chat}"],
                           snap.web_events)
    finds(leaky_log, "row")
    finds(leaky_log, "echo")
    inbox = snap.tables["inbox"]  # a redacted row given back its chat and text
    at = next(i for i, r in enumerate(inbox.rows) if r["payload"].get("redacted"))
    finds(A.with_row(snap, "inbox", at, chat_key=chat,
                     payload={"text": marker, "client_id": "m9"}), "row")
    convs = snap.tables["conversations"]
    at = next(i for i, r in enumerate(convs.rows) if r["chat_id"] == chat)
    finds(A.with_row(snap, "conversations", at, crisis_state={
        "level": 0, "until": "2026-12-01T06:00:00+00:00",
        "recent": [["2026-12-01T05:40:00+00:00", marker]]}), "echo")
    resp = snap.tables["survey_responses"]
    at = next(i for i, r in enumerate(resp.rows) if r["id"] == rid)
    finds(A.with_row(snap, "survey_responses", at, person_id=pid), "key")
    timed = A.scan(A.with_row(snap, "survey_responses", at, day="2026-12-01 10:17:00.000000"),
                   truth)
    assert [f.category for f in timed] == ["time"], _shown(timed)
    alone = A.with_row(snap, "survey_responses", at, grade="2031")
    people_rows = alone.tables["people"].rows
    finds(A.with_row(alone, "people", next(i for i, r in enumerate(people_rows)
                                           if r["id"] == pid), grade="2031"), "group")
    # The responses in submission order, as a rowid table would keep them.
    number = {p["id"]: p["number"] for p in snap.tables["people"].rows}
    order = submission_order()
    rows = sorted(resp.rows, key=lambda r: order.index(number[next(
        p for p, x in truth.items() if x == r["id"])]))
    tables = dict(snap.tables)
    tables["survey_responses"] = A.Table(resp.name, resp.types, rows,
                                         list(range(1, len(rows) + 1)), resp.refs)
    found = A.scan(A.Snapshot(snap.survey_id, tables, snap.logs, snap.web_events), truth)
    assert A.linked(found, truth, "order") == set(truth), _shown(found)


@pytest.mark.slow
async def test_the_scan_finds_every_link_of_a_named_survey_with_rowids(
        db_url: str, tmp_path: Path) -> None:
    _sqlite_only(db_url)
    with_rowid(db_path(db_url))
    snap, truth = await _answer_all(db_url, tmp_path, anonymous=False)
    assert {r["person_id"] for r in A.responses(snap)} == set(truth)
    findings = A.scan(snap, truth)
    everyone = set(truth)
    assert A.linked(findings, truth, "row") == everyone, _shown(findings)
    assert A.linked(findings, truth, "key") == everyone, _shown(findings)
    orders = {f.where for f in findings if f.category == "order"}
    assert A.linked(findings, truth, "order") == everyone, orders
    assert any("survey_responses rowid" in w and "survey_participation rowid" in w
               for w in orders), orders
    # Each person's last inbox row no longer orders them: a handled answer's row keeps
    # no chat (docs/decisions/0023), named survey or not.
    assert not any("last inbox row" in w for w in orders), orders
    # A named survey's versions still count its steps: the version attack lines up every
    # respondent of each channel, each with candidates that hold their own response and
    # fewer than all (here the step counts 5, 7 and 8 split the ten responses 6/2/2).
    versions = R.version_attack(snap)
    assert sorted(n for n, _ in versions.values()) == [2, 8]
    for n, lined in versions.values():
        assert len(lined) == n and all(truth[p] in c for p, c in lined.items()), versions
    sizes = sorted(len(c) for _, lined in versions.values() for c in lined.values())
    assert max(sizes) < len(truth) and sizes.count(2) >= 2, sizes
    # Nothing of the answers outside the responses: the named flow is sealed as well.
    assert [f for f in findings if f.category in ("echo", "time", "group")] == []
    # A link the scan reports is a true one: no finding pairs a person with another's answer.
    wrong = [f for f in findings if f.category in ("row", "order") and f.person is not None
             and truth[f.person] != f.response]
    assert wrong == [], _shown(wrong)
