"""Helpers of the crash tests (tests/e2e/test_crash.py): the populations of users that
drive the bot, snapshots of what was stored and delivered at a crash, and the
exactly-once checks after the restart."""
from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.config import load_settings
from bot.telegram.render import render_text
from core.replies import t
from locales import Catalog
from storage.db import make_engine, session_factory
from storage.tables import Concern, ConcernEvent, InboxRow, OutboxRow
from tests.support.botprocess import BotProcess
from tests.support.chat import ChatUser
from tests.support.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
LOCALE = "zh_CN"
CATALOG = Catalog.load(LOCALE)
GETUPDATES_LIMIT = 100  # Telegram (and the fake) hand out at most 100 updates per call
CONCURRENCY = 16  # outbox sends in flight, delivered-but-unrecorded ones included
FAST = {"outbox": {"per_chat_per_second": 50, "global_per_second": 1000,
                   "concurrency": CONCURRENCY}}


def render(key: str, **params: Any) -> str:
    return render_text(CATALOG, LOCALE, {"key": key, "params": params})


def notice() -> str:
    """The privacy notice every account gets once, with its first reply."""
    from core.privacy.notice import privacy_notice

    reply = privacy_notice(load_settings(ROOT / "config.toml").privacy.rules())
    return render(reply.key, **reply.params)


# ----------------------------------------------------------------------------- database
class Db:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sf = session_factory(self.engine)

    async def statuses(self, model: Any) -> dict[str, int]:
        async with self.sf() as s:
            rows = await s.execute(select(model.status, func.count()).group_by(model.status))
            return {status: n for status, n in rows}

    async def rows(self, model: Any, *where: Any) -> list[Any]:
        async with self.sf() as s:
            return list((await s.execute(select(model).where(*where).order_by(model.id)))
                        .scalars().all())

    async def count(self, model: Any) -> int:
        async with self.sf() as s:
            return (await s.execute(select(func.count()).select_from(model))).scalar_one()

    async def close(self) -> None:
        await self.engine.dispose()


# ----------------------------------------------------------------------------- workload
class Bulk:
    """Users who each send unknown commands ``/q<uid>x<i>``: the reply names the command,
    so every reply identifies the one update it answers."""

    def __init__(self, api: FakeBotAPI, users: range) -> None:
        self.api, self.users = api, list(users)
        self.sent: dict[int, int] = {u: 0 for u in self.users}

    def push(self, per_user: int) -> list[int]:
        ids = []
        for _ in range(per_user):  # round robin: chats interleave in every batch
            for uid in self.users:
                ids.append(self.api.push_text(uid, f"/q{uid}x{self.sent[uid]}"))
                self.sent[uid] += 1
        return ids

    def expected(self) -> set[tuple[int, str]]:
        return {(uid, render("error.unknown_command", command=f"q{uid}x{i}"))
                for uid, n in self.sent.items() for i in range(n)} | {
            (uid, notice()) for uid, n in self.sent.items() if n}


class Submitter:
    """An unbound user who reports a broken heater through the whole intake wizard."""

    def __init__(self, api: FakeBotAPI, uid: int) -> None:
        self.uid = uid
        self.chat = ChatUser(api, uid, f"同学{uid}")
        self.text = f"{uid} 宿舍的热水器坏了"
        self.confirm_call: Any = None
        self.number: str | None = None

    async def _press_first(self, call: Any) -> None:
        await self.chat.press(call, self.chat.buttons(call)[0]["text"])

    async def until_confirm(self, timeout: float) -> None:
        self.chat.say(self.text)
        await self._press_first(await self.chat.expect("请先选择您所在的学院", timeout))
        await self._press_first(await self.chat.expect("请选择您的宿舍楼", timeout))
        await self.chat.press(await self.chat.expect("请选择诉求类别", timeout), "后勤生活")
        await self.chat.press(await self.chat.expect("请选择诉求性质", timeout), "求助")
        self.confirm_call = await self.chat.expect("请确认您的诉求", timeout)

    async def press_submit(self) -> None:
        # The bot may be stopped or about to die: the answer is counted at the end.
        await self.chat.press(self.confirm_call, "确认提交", answered=False)

    async def submitted(self, timeout: float) -> str:
        done = await self.chat.expect("诉求已提交", timeout)
        match = re.search(r"<b>([^<]+)</b>", self.chat.text_of(done))
        assert match, self.chat.text_of(done)
        self.number = match.group(1)
        return self.number

    async def full(self, timeout: float) -> str:
        await self.until_confirm(timeout)
        await self.press_submit()
        return await self.submitted(timeout)

    def expected(self) -> set[tuple[int, str]]:
        # every later step is an edit
        return {(self.uid, notice()), (self.uid, render("profile.ask_college"))}


def delivered(api: FakeBotAPI) -> Counter[tuple[int, str]]:
    """Replies that reached chats: each successful send, split into its merged parts."""
    out: Counter[tuple[int, str]] = Counter()
    for c in api.sent():
        if c.method.startswith("send"):
            text = c.params.get("text") or c.params.get("caption") or ""
            for part in text.split("\n\n"):
                out[(int(c.params["chat_id"]), part)] += 1
    return out


def answered(api: FakeBotAPI) -> Counter[str]:
    return Counter(str(c.params.get("callback_query_id")) for c in api.calls
                   if c.method == "answerCallbackQuery" and c.ok)


class Stopwatch:
    """Phase times, printed (pytest -s shows them; a failure report includes them)."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()

    def __call__(self, what: str) -> None:
        print(f"{time.monotonic() - self.t0:6.2f}s {what}")


def pushed(api: FakeBotAPI, first: int = 1000) -> list[int]:
    """Every update id the fake handed out (it numbers them from ``first_update_id``)."""
    return list(range(first, api.next_update_id))


async def quiet(api: FakeBotAPI, still: float = 0.2) -> None:
    """Wait until the fake has logged everything the dead process had sent it."""
    n, since = len(api.calls), time.monotonic()
    while time.monotonic() - since < still:
        await asyncio.sleep(0.02)
        if len(api.calls) != n:
            n, since = len(api.calls), time.monotonic()


# ----------------------------------------------------------------------- crash snapshot
@dataclass
class Snapshot:
    """The database and the Bot API's log right after the process died."""

    inbox: dict[str, int]
    outbox: dict[str, int]
    concerns: int
    pending_update_ids: set[int]
    #: replies the API already delivered whose outbox rows are still pending
    unrecorded_sends: set[tuple[int, str]] = field(default_factory=set)
    unrecorded_answers: set[str] = field(default_factory=set)
    unrecorded_edits: int = 0
    #: Bot API calls that delivered them (a merged message carries several replies)
    unrecorded_calls: int = 0

    def describe(self) -> str:
        return (f"at the crash: inbox {self.inbox}, outbox {self.outbox}, concerns "
                f"{self.concerns}, delivered but unrecorded: {len(self.unrecorded_sends)} "
                f"replies, {len(self.unrecorded_answers)} answers, {self.unrecorded_edits} "
                f"edits, in {self.unrecorded_calls} calls")


async def snapshot(db: Db, api: FakeBotAPI) -> Snapshot:
    await quiet(api)
    snap = Snapshot(await db.statuses(InboxRow), await db.statuses(OutboxRow),
                    await db.count(Concern),
                    {int(r.update_id) for r in await db.rows(InboxRow,
                                                             InboxRow.status == "pending")})
    sends, answers = delivered(api), answered(api)
    edits = {(int(c.params["chat_id"]), int(c.params["message_id"]), c.params.get("text"))
             for c in api.sent() if c.method == "editMessageText"}
    for row in await db.rows(OutboxRow, OutboxRow.status == "pending"):
        reply = row.reply
        if reply.get("kind") == "callback_answer":
            if answers[str(reply["callback_id"])]:
                snap.unrecorded_answers.add(str(reply["callback_id"]))
            continue
        text = render_text(CATALOG, row.locale, reply)
        if reply.get("edit_of"):
            snap.unrecorded_edits += (int(row.chat_id), int(reply["edit_of"]), text) in edits
            continue
        for part in text.split("\n\n"):
            if sends[(int(row.chat_id), part)]:
                snap.unrecorded_sends.add((int(row.chat_id), part))
    snap.unrecorded_calls = len(snap.unrecorded_answers) + snap.unrecorded_edits + sum(
        1 for c in api.sent() if c.method.startswith("send") and any(
            (int(c.params["chat_id"]), part) in snap.unrecorded_sends
            for part in (c.params.get("text") or "").split("\n\n")))
    return snap


# --------------------------------------------------------------------------- draining
async def settle(db: Db, api: FakeBotAPI, expected: set[tuple[int, str]], *,
                 tasks: tuple[asyncio.Task, ...] = (), bot: BotProcess | None = None,
                 timeout: float = 40) -> None:
    """Wait until every task is done, every expected reply arrived and both queues are empty."""
    deadline = time.monotonic() + timeout
    while True:
        for t in tasks:
            if t.done() and t.exception():
                raise t.exception()
        if bot is not None and not bot.alive:
            raise AssertionError(f"the bot died (exit {bot.returncode})")
        inbox, outbox = await db.statuses(InboxRow), await db.statuses(OutboxRow)
        if inbox.get("dead"):
            dead = await db.rows(InboxRow, InboxRow.status == "dead")
            raise AssertionError(f"dead inbox rows: {[r.last_error for r in dead][:3]}")
        missing = expected - delivered(api).keys()
        if (all(t.done() for t in tasks) and not missing and not inbox.get("pending")
                and not outbox.get("pending")):
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not settled in {timeout}s: inbox {inbox}, outbox {outbox}, "
                f"{len(missing)} replies missing, e.g. {sorted(missing)[:3]}, "
                f"tasks open {sum(not t.done() for t in tasks)}; {api.describe()}")
        await asyncio.sleep(0.05)


async def check_exactly_once(db: Db, api: FakeBotAPI, *, update_ids: list[int],
                             expected: set[tuple[int, str]], submitters: list[Submitter],
                             snap: Snapshot) -> Counter[tuple[int, str]]:
    """The outcome after the restart drained everything; returns the duplicated replies."""
    inbox = await db.rows(InboxRow)
    assert sorted(int(r.update_id) for r in inbox) == sorted(update_ids), \
        "one inbox row per update: none lost, a re-delivered update not stored twice"
    assert {r.status for r in inbox} == {"done"}
    outbox = await db.rows(OutboxRow)
    bad = [(r.id, r.status, r.reply.get("kind"), r.last_error) for r in outbox
           if r.status != "sent"]
    assert not bad, f"outbox rows not sent: {bad[:5]}"

    concerns = await db.rows(Concern)
    assert len(concerns) == len(submitters), [c.number for c in concerns]
    assert sorted(c.text for c in concerns) == sorted(s.text for s in submitters)
    assert len({c.number for c in concerns}) == len(concerns)
    assert len({c.requester_id for c in concerns}) == len(concerns)
    assert {c.number for c in concerns} == {s.number for s in submitters}
    received = Counter(e.concern_id for e in await db.rows(ConcernEvent)
                       if e.kind == "received")
    assert received == Counter({c.id: 1 for c in concerns})

    callbacks = {str(r.payload["callback_query"]["id"]) for r in inbox
                 if "callback_query" in r.payload}
    assert callbacks and callbacks <= set(answered(api)), "every pressed button is answered"

    got = delivered(api)
    assert not expected - got.keys(), f"missing replies: {sorted(expected - got.keys())[:5]}"
    assert not got.keys() - expected, f"unexpected replies: {sorted(got.keys() - expected)[:5]}"
    dups = Counter({k: n - 1 for k, n in got.items() if n > 1})
    assert max(dups.values(), default=0) <= 1, f"a reply sent three times or more: {dups}"
    assert set(dups) == snap.unrecorded_sends, (
        "duplicates must be exactly the replies delivered but unrecorded at the crash; "
        f"extra {sorted(set(dups) - snap.unrecorded_sends)[:5]}, "
        f"not resent {sorted(snap.unrecorded_sends - set(dups))[:5]}")
    return dups
