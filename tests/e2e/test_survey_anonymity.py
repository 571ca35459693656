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
  response, a group of one, the responses in submission order), finds each. Two known
  residuals are pinned apart: the number and kinds of a person's redacted inbox and
  sealed outbox rows tell the shape of their answers (``shape_attack``), and the
  database file keeps the insertion order in its pages (``page_order_attack``).
- The control: the same people answer the same survey, named, on a schema whose
  ``survey_responses`` and ``survey_participation`` keep SQLite's rowid (the protection
  against insertion order removed). The scan must pair every person with their own
  response three ways: a row (the response's ``person_id`` beside its answers), a key
  (that ``person_id`` in participation, deliveries, outbox, ...) and an order (responses
  by rowid against participation by rowid, and against each person's last inbox row).
  So the row, key and order attacks are shown to see a link that exists; the echo, time
  and group attacks are shown to by the planted leaks (a named survey's flow is sealed
  and redacted too, so it echoes nothing either).

SQLite only: on PostgreSQL every heap row has ``ctid`` (its physical place: insertion
order in a table never updated) and ``xmin`` (the transaction that wrote it: the same for
a submission's participation row, its response and the inbox row of the press), which
this schema cannot hide; the attacker here does not read them.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.web.tokens import issue_tokens
from core.surveys.admin import create_survey
from core.surveys.push import start_push
from scheduler.survey_push import push_sweep
from storage.db import make_engine, session_factory
from storage.people.roster import issue_codes
from storage.tables import InboxRow, OutboxRow, Person, Survey
from storage.uow import unit_of_work
from tests.support import anonymity_scan as A
from tests.support.chat import ChatUser
from tests.support.db import query
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, MovableClock, seed_roster
from tests.support.reception import TZ, local
from tests.support.web import WebBot, WebUser

TITLE = "食堂窗口满意度调查"
Q_OVERALL, Q_WINDOW, Q_WHY, Q_SAY = ("您对食堂的总体满意度？", "您最常去哪个窗口？",
                                     "不满意的原因？", "还有什么建议？")
WINDOWS = ["甲窗·雪松", "乙窗·赤枫", "丙窗·青鸾", "丁窗·白鹭", "戊窗·紫藤", "己窗·金雀",
           "庚窗·银杏", "辛窗·墨竹", "壬窗·玉兰", "癸窗·海棠"]
REASONS = ["价格偏高", "口味单一", "卫生欠佳", "排队太久"]
SURVEY = """
code = "canteen-windows"
title = "{title}"
intro = "请按真实体验作答。"
anonymous = {anonymous}
opens = 2026-12-01T08:00:00+08:00
closes = 2026-12-08T18:00:00+08:00

[audience]
colleges = ["ACC", "ECO", "INF"]
kinds = ["student"]
[audience.except]
grades = ["2022"]

[[questions]]
id = "overall"
kind = "rating"
text = "{q1}"

[[questions]]
id = "window"
kind = "single"
text = "{q2}"
options = {windows}

[[questions]]
id = "why"
kind = "multiple"
text = "{q3}"
options = {reasons}
max = 2
show_if = {{ question = "overall", is = ["1", "2"] }}

[[questions]]
id = "say"
kind = "text"
text = "{q4}"
required = false
"""


@dataclass(frozen=True)
class Respondent:
    """A roster student, the chat they use and the answers they give."""

    number: str
    web: bool
    rating: int
    window: str
    why: tuple[str, ...]
    say: str | None

    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {"overall": str(self.rating), "window": self.window}
        if self.why:
            out["why"] = [r for r in REASONS if r in self.why]
        if self.say:
            out["say"] = self.say
        return out


PEOPLE = [  # grade 2023 of ACC-S1, ECO-S1 (four each) and INF-S1 (two)
    Respondent("2023010101", False, 2, WINDOWS[2], (REASONS[0], REASONS[2]), "建议增设琥珀灯塔夜宵档"),
    Respondent("2023010102", False, 5, WINDOWS[0], (), "希望保留青瓷小碗套餐"),
    Respondent("2023010103", True, 1, WINDOWS[5], (REASONS[1],), "汤里常有铜锣湾的咸味"),
    Respondent("2023010104", False, 4, WINDOWS[1], (), None),
    Respondent("2023020101", False, 3, WINDOWS[7], (), "周末请开放北冥鲲鹏窗口"),
    Respondent("2023020102", True, 4, WINDOWS[3], (), "餐具回收处挪到珊瑚门旁"),
    Respondent("2023020103", False, 2, WINDOWS[4], (REASONS[3],), None),
    Respondent("2023020104", False, 5, WINDOWS[6], (), "饭卡充值机放在翡翠廊"),
    Respondent("2023030101", False, 3, WINDOWS[8], (), "图书馆旁开个星图咖啡角"),
    Respondent("2023030102", False, 1, WINDOWS[9], (REASONS[0], REASONS[1]), None),
]
#: the turn order of each round (people with fewer steps submit first)
TURNS = [4, 1, 9, 7, 0, 5, 2, 8, 3, 6]
STEP = timedelta(minutes=5)


def _survey(anonymous: bool) -> str:
    return SURVEY.format(title=TITLE, anonymous=str(anonymous).lower(), q1=Q_OVERALL,
                         q2=Q_WINDOW, q3=Q_WHY, q4=Q_SAY,
                         windows=json.dumps(WINDOWS, ensure_ascii=False),
                         reasons=json.dumps(REASONS, ensure_ascii=False))


class Stream:
    """A web chat page's live event stream (/api/events), read in order: sealed
    questions show whole only there (the history keeps a neutral line)."""

    def __init__(self, response: Any) -> None:
        self.response = response

    async def expect(self, fragment: str, timeout: float = 10) -> dict:
        async def find() -> dict:
            while True:
                line = await self.response.content.readline()
                if line.startswith(b"data: "):
                    event = json.loads(line[6:])
                    if fragment in event.get("html", ""):
                        return event
        return await asyncio.wait_for(find(), timeout)


class Screen:
    """One respondent's chat, Telegram or web, behind the same three calls."""

    def __init__(self, tg: ChatUser | None = None, web: WebUser | None = None,
                 stream: Stream | None = None) -> None:
        self.tg, self.web, self.stream = tg, web, stream
        self.shown: Any = None  # the message the next press is on

    async def expect(self, fragment: str) -> None:
        if self.tg is not None:
            self.shown = await self.tg.expect(fragment)
        else:
            assert self.stream is not None
            self.shown = await self.stream.expect(fragment)

    async def press(self, label: str, then: str) -> None:
        if self.tg is not None:
            await self.tg.press(self.shown, label)
        else:
            assert self.web is not None
            await self.web.press(self.shown, label)
        await self.expect(then)

    async def say(self, text: str, then: str) -> None:
        if self.tg is not None:
            self.tg.say(text)
        else:
            assert self.web is not None
            await self.web.say(text)
        await self.expect(then)


def _actions(r: Respondent) -> list[tuple[str, str, str]]:
    """The respondent's steps straight through: (press or say, label or text, what the
    reply shows)."""
    acts = [("press", "📝 开始填写", Q_OVERALL), ("press", str(r.rating), Q_WINDOW),
            ("press", r.window, Q_WHY if r.why else Q_SAY)]
    acts += [("press", pick, Q_WHY) for pick in r.why]
    if r.why:
        acts.append(("press", "下一题 ➡️", Q_SAY))
    acts.append(("say", r.say, "已回答全部") if r.say else ("press", "下一题 ➡️", "已回答全部"))
    return [*acts, ("press", "✅ 提交问卷", "已提交")]


def _steps(r: Respondent, s: Screen) -> list[Any]:
    return [lambda act=act, what=what, then=then: (s.press if act == "press" else s.say)(
        what, then) for act, what, then in _actions(r)]


def _unique_shapes(ids: dict[str, int]) -> set[int]:
    """The people whose number of presses and of typed answers nobody else has."""
    shape = {ids[r.number]: tuple(sum(a == k for a, _, _ in _actions(r))
                                  for k in ("press", "say")) for r in PEOPLE}
    return {pid for pid, sh in shape.items() if list(shape.values()).count(sh) == 1}


def _path(db_url: str) -> str:
    return make_url(db_url).database or ""


def _with_rowid(path: str) -> None:
    """The control's schema: survey_responses and survey_participation as ordinary rowid
    tables (what they would be without ``sqlite_with_rowid=False``)."""
    conn = sqlite3.connect(path)
    try:
        for name in ("survey_responses", "survey_participation"):
            (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                                  "name = ?", (name,)).fetchone()
            assert "WITHOUT ROWID" in sql.upper()
            indexes = [s for (s,) in conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND "
                "sql IS NOT NULL", (name,))]
            conn.execute(f"DROP TABLE {name}")
            conn.execute(re.sub(r"\s*WITHOUT ROWID\s*$", "", sql, flags=re.IGNORECASE))
            for s in indexes:
                conn.execute(s)
        conn.commit()
    finally:
        conn.close()


async def _settled(db_url: str, timeout: float = 20) -> None:
    """Every outbox row delivered (its sealed remains written) and every inbox row handled
    (its payload redacted): what stays is what the attacker sees."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        (out,), = await query(db_url, select(func.count()).select_from(OutboxRow).where(
            OutboxRow.status.in_(("pending", "sending"))))
        (inb,), = await query(db_url, select(func.count()).select_from(InboxRow).where(
            InboxRow.status != "done"))
        if not out and not inb:
            return
        assert loop.time() < end, f"{out} outbox and {inb} inbox rows still open"
        await asyncio.sleep(0.1)


async def _answer_all(db_url: str, tmp_path: Path, *, anonymous: bool
                      ) -> tuple[A.Snapshot, dict[int, str]]:
    """Seed, push, let everyone answer in turns; the attacker's snapshot and the truth
    (person id -> their response's id)."""
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
                await create_survey(uow.store, text=_survey(anonymous), list_files=None,
                                    person_id=None, now=clock.now(), max_reminders=3)
            async with unit_of_work(sf) as uow:
                await start_push(uow.store, "canteen-windows", person_id=None, now=clock.now())
            await push_sweep(sf, clock, window=100, timezone=TZ, default_locale="zh_CN")
            for s in screens:
                await s.expect(TITLE)
            steps = [_steps(r, s) for r, s in zip(PEOPLE, screens, strict=True)]
            for k in range(max(map(len, steps))):
                for i in TURNS:
                    if k < len(steps[i]):
                        clock.at += STEP
                        await steps[i][k]()
            await _settled(db_url)
            await push_sweep(sf, clock, window=100, timezone=TZ, default_locale="zh_CN")
            await _settled(db_url)
            for s in screens:
                if s.web is not None:
                    web_events.append(json.dumps(await s.web.history(), ensure_ascii=False))
            assert web.bot.rt is not None and web.bot.rt.web is not None
            web_events += [json.dumps(list(events), ensure_ascii=False)
                           for events in web.bot.rt.web.hub._recent.values()]
    finally:
        root.removeHandler(records)
        root.setLevel(level)
    (survey_id,), = await query(db_url, select(Survey.id))
    ids = dict(await query(db_url, select(Person.number, Person.id).where(
        Person.number.in_(numbers))))
    await engine.dispose()
    assert clock.now().astimezone(ZoneInfo(TZ)).date() == date(2026, 12, 1)  # one day
    snap = A.read_sqlite(_path(db_url), survey_id, logs=records.texts, web_events=web_events)
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

    # KNOWN RESIDUAL, reported and not fixed here: the traffic's shape. Each person's
    # redacted inbox rows (kept INBOX_KEEP) and sealed outbox rows (kept) still count
    # their presses and typed answers, which a response's answers imply: whoever answered
    # in a way nobody else did is linked. When that is closed, this becomes "== set()".
    shaped = A.shape_attack(snap, truth)
    assert all(truth[f.person] == f.response for f in shaped), _shown(shaped)
    unique = _unique_shapes({p["number"]: p["id"] for p in snap.tables["people"].rows})
    assert len(unique) == 5 and A.linked(shaped, truth) == unique
    assert {f.where for f in shaped} == {"inbox", "outbox"}
    # KNOWN RESIDUAL, reported and not fixed here: the file. WITHOUT ROWID hides the
    # insertion order from SQL, not from whoever reads the database file (or a backup):
    # the cells' places in a page keep it, in both tables. When that is closed (say, the
    # responses rewritten in key order), this becomes "== set()".
    paged = A.page_order_attack(_path(db_url), snap, truth)
    assert A.linked(paged, truth) == set(truth), _shown(paged)


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
    inbox = snap.tables["inbox"]
    at = next(i for i, r in enumerate(inbox.rows) if chat in r["chat_key"]
              and r["payload"].get("redacted"))
    finds(A.with_row(snap, "inbox", at, payload={"text": marker, "client_id": "m9"}), "row")
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
    order = A.person_orders(snap, people, A.Identifier(people))["last inbox row by id"]
    rows = sorted(resp.rows, key=lambda r: order.index(next(p for p, x in truth.items()
                                                            if x == r["id"])))
    tables = dict(snap.tables)
    tables["survey_responses"] = A.Table(resp.name, resp.types, rows,
                                         list(range(1, len(rows) + 1)), resp.refs)
    found = A.scan(A.Snapshot(snap.survey_id, tables, snap.logs, snap.web_events), truth)
    assert A.linked(found, truth, "order") == set(truth), _shown(found)


@pytest.mark.slow
async def test_the_scan_finds_every_link_of_a_named_survey_with_rowids(
        db_url: str, tmp_path: Path) -> None:
    _sqlite_only(db_url)
    _with_rowid(_path(db_url))
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
    assert any("survey_responses rowid" in w and "last inbox row" in w for w in orders), orders
    # Nothing of the answers outside the responses: the named flow is sealed as well.
    assert [f for f in findings if f.category in ("echo", "time", "group")] == []
    # A link the scan reports is a true one: no finding pairs a person with another's answer.
    wrong = [f for f in findings if f.category in ("row", "order") and f.person is not None
             and truth[f.person] != f.response]
    assert wrong == [], _shown(wrong)
