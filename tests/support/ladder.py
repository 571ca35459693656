"""The 催办/督办 ladder in end-to-end tests (docs/decisions/0016): `python -m bot sweep`
as subprocesses at a chosen time, the reminder rows, and the notices a chat received.

A concern's clock start (``concerns.deadline_from``) is moved to a weekday afternoon in
the future (``afternoon_start``): left at the submission's real time, the 催办 window of a
24 h limit (19.2 h to 24 h after it) lies wholly inside the quiet hours when the test runs
between 03:18 and 07:30 Shanghai time, and a walk then could not see 催办 before 督办.
Every sweep time is then computed from the rows the sweep planned.
"""
from __future__ import annotations

import asyncio
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from core.clock import SystemClock
from core.concerns.intake import IntakeRules, submit_concern
from core.model import Draft
from storage.db import make_engine, session_factory
from storage.store import SqlStore
from storage.tables import Concern, OutboxRow, Person, Reminder
from tests.support.db import query
from tests.support.harness import seed_roster

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")
GRACE = timedelta(hours=24)  # config.toml [ladder] grace_hours
#: the kind of each step of the ladder as its notice names it (locales/zh_CN.toml)
LEVELS = ("催办", "党支部书记", "学院党委", "组织部")
SUBJECTS = {"accept": "签收", "contact": "首次联系（响应）", "reply": "答复"}
_NOTICE = re.compile(r"<b>(?:(催办)|督办（(党支部书记|学院党委|组织部)）)</b>：诉求 (\S+?)（[^（）]+）"
                     r"((?:签收|首次联系（响应）|答复)(?:(?:和|、)(?:签收|首次联系（响应）|答复))*)"
                     r"(?:时限为|已超时)")
#: limits due together share one message ("签收和首次联系（响应）"): each counts once
_PART = re.compile(r"签收|首次联系（响应）|答复")
_LADDERISH = re.compile(r"催办|督办|Reminder|Supervision|ladder\.")


def quiet(at: datetime) -> bool:
    """Inside config.toml's quiet hours (22:30-07:30 Shanghai)."""
    t = at.astimezone(SHANGHAI).time()
    return t >= time(22, 30) or t < time(7, 30)


def afternoon_start(now: datetime) -> datetime:
    """The first Tuesday 14:00 Shanghai more than a day after ``now`` (UTC): its 80% of
    24 h is Wednesday 09:12, and nothing of its ladder is due at the real time."""
    day = (now.astimezone(SHANGHAI) + timedelta(days=1)).date()
    while True:
        day += timedelta(days=1)
        if day.weekday() == 1:
            return datetime.combine(day, time(14, 0), SHANGHAI).astimezone(timezone.utc)


async def move_clock_start(db_url: str, concern_id: int, start: datetime) -> None:
    """Start the concern's three clocks at ``start`` (planned by the next ladder sweep)."""
    engine = make_engine(db_url)
    try:
        async with session_factory(engine)() as s, s.begin():
            await s.execute(update(Concern).where(Concern.id == concern_id).values(
                deadline_from=start, ladder_plan="all"))
    finally:
        await engine.dispose()


# ------------------------------------------------------------------ the CLI
def cli_env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env.update({"XQ_DATABASE__URL": db_url, **extra})
    return env


@dataclass(frozen=True)
class SweepRun:
    code: int
    out: str
    err: str

    def _ladder(self, which: int) -> int:
        """A number of the ladder's line (the CLI speaks zh_CN by default)."""
        found = re.search(r"催办/督办提醒：已发送 (\d+) 条（合并为 \d+ 条消息），"
                          r"过期未发 (\d+) 条，新排期的诉求 (\d+) 件", self.out)
        assert found, f"no ladder line in {self.out!r}\n{self.err}"
        return int(found.group(which))

    @property
    def sent(self) -> int:
        return self._ladder(1)

    @property
    def dropped(self) -> int:
        return self._ladder(2)

    @property
    def planned(self) -> int:
        """How many concerns the sweep planned."""
        return self._ladder(3)


async def _start(db_url: str, now: datetime | None, args: tuple[str, ...],
                 env: dict[str, str]) -> asyncio.subprocess.Process:
    when = ("--now", now.isoformat()) if now else ()
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sweep", *when, *args, cwd=ROOT,
        env=cli_env(db_url, **env), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)


async def _finish(proc: asyncio.subprocess.Process) -> SweepRun:
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    run = SweepRun(proc.returncode or 0, out.decode(), err.decode())
    assert run.code == 0, f"sweep exited {run.code}:\n{run.out}\n{run.err}"
    return run


async def sweep(db_url: str, now: datetime | None, *args: str, **env: str) -> SweepRun:
    """``python -m bot sweep [--now NOW] ARGS`` (a subprocess; the event loop keeps
    serving the fake Bot API meanwhile)."""
    return await _finish(await _start(db_url, now, args, env))


async def sweeps_at_once(db_url: str, now: datetime, *args: str, n: int = 2) -> list[SweepRun]:
    """``n`` sweep processes started together, then waited for."""
    procs = [await _start(db_url, now, args, {}) for _ in range(n)]
    return [await _finish(p) for p in procs]


# ------------------------------------------------------------------ the rows
@dataclass(frozen=True)
class Row:
    key: str
    subject: str
    step: int
    due_at: datetime
    status: str
    urgent: bool


async def reminders(db_url: str, concern_id: int) -> list[Row]:
    rows = await query(db_url, select(Reminder.key, Reminder.subject, Reminder.step,
                                      Reminder.due_at, Reminder.status, Reminder.urgent)
                       .where(Reminder.concern_id == concern_id).order_by(Reminder.id))
    return [Row(k, s, st, d if d.tzinfo else d.replace(tzinfo=timezone.utc), status, bool(u))
            for k, s, st, d, status, u in rows]


def statuses(rows: list[Row]) -> dict[tuple[str, int], str]:
    return {(r.subject, r.step): r.status for r in rows if r.status != "cancelled"}


def step_time(rows: list[Row], step: int, subjects: tuple[str, ...] = ("accept", "contact"),
              ) -> datetime:
    """A minute after the last of ``subjects``' pending rows of ``step`` came due."""
    at = max(r.due_at for r in rows if r.step == step and r.subject in subjects
             and r.status == "pending") + timedelta(minutes=1)
    assert not quiet(at), f"{at} is in the quiet hours"
    return at


def outcome(rows: list[Row], at: datetime) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """What a sweep at ``at`` must do with the pending rows (docs/decisions/0016): the
    (subject, step) it sends and those it drops as older than the grace."""
    due = [r for r in rows if r.status == "pending" and r.due_at <= at]
    dropped = {(r.subject, r.step) for r in due if r.due_at < at - GRACE}
    sent = {(r.subject, r.step) for r in due if r.due_at >= at - GRACE
            and (r.urgent or not quiet(at))}
    return sent, dropped


async def outbox_drained(db_url: str, timeout: float = 20) -> None:
    """Wait until the running bot has delivered every pending outbox row."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        (left,), = await query(db_url, select(func.count()).select_from(OutboxRow).where(
            OutboxRow.status == "pending"))
        if not left:
            return
        assert loop.time() < end, f"{left} outbox row(s) still pending after {timeout}s"
        await asyncio.sleep(0.1)


# ------------------------------------------------------------------ the notices
def notices(texts: list[str], number: str) -> Counter[tuple[str, str]]:
    """(level, subject) of each ladder notice about concern ``number`` in ``texts``, which
    may be messages the sender merged ("\\n\\n" between the parts); other texts are
    left out. Every notice must be Chinese (zh_CN, the default locale) and rendered."""
    out: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for part in text.split("\n\n"):
            if number not in part or not _LADDERISH.search(part):
                continue
            found = _NOTICE.search(part)
            assert found, f"not a Chinese ladder notice: {part!r}"
            assert found.group(3) == number
            assert not re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>|/\w+|[A-Z]+-\d{4}-\d+", "",
                                                         part)), part
            assert "{" not in part and "ladder." not in part, part
            for subject in _PART.findall(found.group(4)):
                out[(found.group(1) or found.group(2), subject)] += 1
    return out


def expected(pairs: set[tuple[str, int]], step: int) -> Counter[tuple[str, str]]:
    """The notices a recipient at ``step`` of the ladder gets for ``pairs`` sent."""
    return Counter((LEVELS[step], SUBJECTS[subj]) for subj, st in pairs if st == step)


# ------------------------------------------------------------------ rows by hand
async def open_concern(db_url: str, requester: str, chats: dict[str, int], *,
                       urgency: str = "P2") -> tuple[int, str]:
    """The example roster, Telegram chats (user id = chat id) for the people ``chats``
    names, and a 3号楼 logistics concern of ``requester`` submitted through the use case.
    Its clocks are left unplanned (``ladder_plan`` cleared), so only the reminder rows a
    test inserts exist. Returns (concern id, number)."""
    await seed_roster(db_url)
    now = SystemClock().now()
    engine = make_engine(db_url)
    try:
        async with session_factory(engine)() as s, s.begin():
            store = SqlStore(s)
            ids = dict((await s.execute(select(Person.number, Person.id))).all())
            for number, chat in chats.items():
                ident = await store.upsert_identity("telegram", str(chat), str(chat),
                                                    username=None, display_name=None, now=now)
                await store.link_identity(ident.id, ids[number])
            rules = IntakeRules(university_code="DEMO", timezone="Asia/Shanghai",
                                default_locale="zh_CN")
            new = await submit_concern(
                store, now=now, rules=rules,
                requester_id=ids[requester], channel="telegram", source_key="ladder-e2e",
                draft=Draft(category="logistics", type="help", texts=["3号楼水房没有热水"]))
        async with session_factory(engine)() as s, s.begin():
            await s.execute(update(Concern).where(Concern.id == new.id).values(
                ladder_plan=None, urgency=urgency))
    finally:
        await engine.dispose()
    return new.id, new.number


async def add_reminder(db_url: str, concern_id: int, subject: str, step: int, *,
                       due: datetime, limit_due: datetime, urgent: bool = False) -> str:
    """A pending ladder row, keyed as the planner keys it; returns the key."""
    key = f"ladder:{concern_id}:{subject}:{step}:{int(limit_due.timestamp())}"
    engine = make_engine(db_url)
    try:
        async with session_factory(engine)() as s, s.begin():
            s.add(Reminder(key=key, kind="ladder", subject=subject, step=step,
                           concern_id=concern_id, recipient_id=None, urgent=urgent,
                           due_at=due, status="pending",
                           detail={"limit_due": limit_due.isoformat()},
                           created_at=due - timedelta(days=1)))
    finally:
        await engine.dispose()
    return key


async def ladder_outbox(db_url: str) -> list[tuple[str, str, dict, str]]:
    """(chat, reply key, params, locale) of each ladder notice in the outbox, in order."""
    rows = await query(db_url, select(OutboxRow.chat_id, OutboxRow.reply, OutboxRow.locale)
                       .order_by(OutboxRow.id))
    return [(chat, r["key"], r.get("params", {}), locale) for chat, r, locale in rows
            if str(r.get("key", "")).startswith("ladder.")]
