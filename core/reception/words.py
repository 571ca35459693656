"""The words a roster sheet (or, later, an admin command) may use for reception settings:
weekdays, repeat kinds, holiday policies, override actions, times, cut-offs, lists."""
from __future__ import annotations

import re
from datetime import time

from core.reception.schedule import Cutoff, Frequency, HolidayPolicy, OverrideAction

_WEEKDAYS = {**{str(n + 1): n for n in range(7)},
             **{w: n for n, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
             **{w: n for n, w in enumerate("一二三四五六日")}, "天": 6, "七": 6}
FREQUENCIES = {"weekly": Frequency.WEEKLY, "每周": Frequency.WEEKLY,
               "monthly": Frequency.MONTHLY, "每月": Frequency.MONTHLY}
POLICIES = {"skip": HolidayPolicy.SKIP, "跳过": HolidayPolicy.SKIP, "取消": HolidayPolicy.SKIP,
            "previous": HolidayPolicy.PREVIOUS, "提前": HolidayPolicy.PREVIOUS,
            "next": HolidayPolicy.NEXT, "顺延": HolidayPolicy.NEXT, "推迟": HolidayPolicy.NEXT}
ACTIONS = {"cancel": OverrideAction.CANCEL, "取消": OverrideAction.CANCEL,
           "move": OverrideAction.MOVE, "改期": OverrideAction.MOVE, "调整": OverrideAction.MOVE,
           "extra": OverrideAction.EXTRA, "加开": OverrideAction.EXTRA,
           "增加": OverrideAction.EXTRA}
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?::00)?$")
_CUTOFF = re.compile(r"^(?:(\d{1,2})\s*(?:d|天|个工作日)?\s+)?(\d{1,2}[:：]\d{2}(?::00)?)$")


def split_list(text: str) -> list[str]:
    """``a, b、c`` -> [a, b, c] (commas, 、, semicolons or spaces; empty parts dropped)."""
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def parse_weekday(text: str) -> int | None:
    """``3``, ``wed``, ``Wednesday``, ``三``, ``周三``, ``星期三`` -> 2 (0 = Monday)."""
    word = text.strip().lower()
    for prefix in ("星期", "周", "礼拜"):
        word = word.removeprefix(prefix)
    return _WEEKDAYS.get(word[:3] if word.isascii() and not word.isdigit() else word)


def parse_time(text: str) -> time | None:
    m = _TIME.match(text.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return None
    return time(int(m[1]), int(m[2]))


def parse_cutoff(text: str) -> Cutoff | None:
    """Empty: the default (previous working day 16:00); ``15:00``: the previous working day
    at 15:00; ``2 12:00`` (or ``2天 12:00``): two working days before, 12:00; ``0 09:00``:
    the session's own day."""
    if not text.strip():
        return Cutoff()
    m = _CUTOFF.match(text.strip())
    at = parse_time(m[2]) if m else None
    if m is None or at is None:
        return None
    return Cutoff(int(m[1]) if m[1] is not None else 1, at)
