"""Quiet hours of review items: the config value and the local-time test across midnight."""
from __future__ import annotations

from datetime import datetime, time, timezone

import pytest

from bot.config import quiet_span
from core.crisis.paging import CrisisRules

UTC = timezone.utc


@pytest.mark.parametrize(("value", "span"), [
    ("22:30-07:30", (time(22, 30), time(7, 30))),
    (" 12:00 - 13:00 ", (time(12), time(13))),
    ("", None), ("   ", None),
])
def test_quiet_span_reads_a_span_or_nothing(value: str, span: object) -> None:
    assert quiet_span(value) == span


@pytest.mark.parametrize(("value", "said"), [
    ("22:30", "HH:MM-HH:MM"), ("22:30-07:30-08:00", "HH:MM-HH:MM"),
    ("25:00-07:00", "HH:MM-HH:MM"), ("night", "HH:MM-HH:MM"),
    ("08:00-08:00", "two different times"),
])
def test_quiet_span_refuses_with_what_is_expected(value: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        quiet_span(value)


@pytest.mark.parametrize(("hour", "minute", "quiet"), [
    (22, 29, False), (22, 30, True), (23, 59, True), (0, 0, True), (3, 0, True),
    (7, 29, True), (7, 30, False), (12, 0, False),
])
def test_the_night_span_crosses_midnight_in_local_time(hour: int, minute: int,
                                                       quiet: bool) -> None:
    rules = CrisisRules()  # 22:30-07:30 Asia/Shanghai
    at = datetime(2026, 11, 30, hour, minute, tzinfo=UTC)
    local = at.replace(hour=(hour - 8) % 24)  # the same wall-clock time in Shanghai, as UTC
    assert rules.quiet(local) is quiet


def test_a_day_span_and_no_span() -> None:
    lunch = CrisisRules(quiet_start=time(12), quiet_end=time(13))
    assert lunch.quiet(datetime(2026, 11, 30, 4, 30, tzinfo=UTC))  # 12:30 in Shanghai
    assert not lunch.quiet(datetime(2026, 11, 30, 5, 0, tzinfo=UTC))  # 13:00
    never = CrisisRules(quiet_start=time(0), quiet_end=time(0))  # what "" configures
    assert not any(never.quiet(datetime(2026, 11, 30, h, tzinfo=UTC)) for h in range(24))
