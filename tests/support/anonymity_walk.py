"""The anonymity test's people, survey and walk (tests/e2e/test_survey_anonymity.py): who
answers what, in which turn, and how each answer is pressed or typed in either channel."""
from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from tests.support.chat import ChatUser
from tests.support.web import WebUser

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


def survey_file(anonymous: bool) -> str:
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


def actions(r: Respondent) -> list[tuple[str, str, str]]:
    """The respondent's steps straight through: (press or say, label or text, what the
    reply shows)."""
    acts = [("press", "📝 开始填写", Q_OVERALL), ("press", str(r.rating), Q_WINDOW),
            ("press", r.window, Q_WHY if r.why else Q_SAY)]
    acts += [("press", pick, Q_WHY) for pick in r.why]
    if r.why:
        acts.append(("press", "下一题 ➡️", Q_SAY))
    acts.append(("say", r.say, "已回答全部") if r.say else ("press", "下一题 ➡️", "已回答全部"))
    return [*acts, ("press", "✅ 提交问卷", "已提交")]


def steps_of(r: Respondent, s: Screen) -> list[Any]:
    return [lambda act=act, what=what, then=then: (s.press if act == "press" else s.say)(
        what, then) for act, what, then in actions(r)]


def submission_order() -> list[str]:
    """The respondents' numbers in the order they submit: turn by turn, each person's
    k-th step in ``TURNS`` order, so the last step (the submit) decides."""
    return [PEOPLE[i].number for i in sorted(
        range(len(PEOPLE)), key=lambda i: (len(actions(PEOPLE[i])) - 1, TURNS.index(i)))]


def unique_shapes(ids: dict[str, int]) -> set[int]:
    """The people whose number of presses and of typed answers nobody else has."""
    shape = {ids[r.number]: tuple(sum(a == k for a, _, _ in actions(r))
                                  for k in ("press", "say")) for r in PEOPLE}
    return {pid for pid, sh in shape.items() if list(shape.values()).count(sh) == 1}


def db_path(db_url: str) -> str:
    return make_url(db_url).database or ""


def copy_checkpointed(path: str, to: Path) -> None:
    """The database file as it is now (its write-ahead log checkpointed into it first)."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    shutil.copyfile(path, to)


def with_rowid(path: str) -> None:
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
