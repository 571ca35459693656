"""Per-chat sliding windows (bot/rate_limits.py): Telegram's one a second and WeCom's 30
a minute and 1,000 an hour to one person, paced by the same rule. Times are synthetic."""
from __future__ import annotations

import pytest

from bot.rate_limits import WECOM_CHAT_LIMITS, ChatWindows


def _send_as_fast_as_allowed(w: ChatWindows, chat: str, until: float) -> list[float]:
    """Each send at the earliest time the windows allow, from 0 to ``until``."""
    sent, now = [], 0.0
    while True:
        now = w.next_allowed(chat, now)
        if now >= until:
            return sent
        w.record(chat, now)
        sent.append(now)


def _most_in_any(sent: list[float], seconds: float) -> int:
    return max(sum(1 for t in sent if start <= t < start + seconds) for start in sent)


def test_telegram_one_a_second() -> None:
    w = ChatWindows(((1, 1.0),))
    assert w.next_allowed("a", 5.0) == 5.0
    w.record("a", 5.0)
    assert w.next_allowed("a", 5.2) == 6.0 and w.next_allowed("b", 5.2) == 5.2
    assert _send_as_fast_as_allowed(ChatWindows(((1, 1.0),)), "a", 10) == [
        float(i) for i in range(10)]


def test_wecom_thirty_a_minute_and_a_thousand_an_hour_to_one_person() -> None:
    w = ChatWindows(WECOM_CHAT_LIMITS)
    sent = _send_as_fast_as_allowed(w, "zhangsan", until=3 * 3600)
    # The first 30 go at once; the 31st waits for the first to leave the minute.
    assert sent[:30] == [0.0] * 30 and sent[30] == 60.0
    assert _most_in_any(sent, 60) == 30
    assert _most_in_any(sent, 3600) == 1000
    # 30 a minute would be 1,800 an hour: the hour's limit is what holds.
    assert sum(1 for t in sent if t < 3600) == 1000
    assert len(sent) == 3000  # three hours, a thousand each
    assert w.next_allowed("lisi", 10.0) == 10.0  # another person is not held back


def test_a_chat_keeps_only_what_its_windows_need_and_quiet_chats_are_forgotten() -> None:
    w = ChatWindows(WECOM_CHAT_LIMITS)
    _send_as_fast_as_allowed(w, "zhangsan", until=7200)
    assert len(w._sent["zhangsan"]) == 1000
    w.PRUNE_EVERY = 5
    for i in range(10):  # an hour later, other people are sent to
        w.record(f"p{i}", 7200 + 3600 + i)
    assert "zhangsan" not in w._sent and len(w) <= 10


@pytest.mark.parametrize("limits", [(), ((0, 60.0),), ((30, 0.0),)])
def test_limits_that_mean_nothing_are_refused(limits: tuple) -> None:
    with pytest.raises(ValueError, match="chat limits"):
        ChatWindows(limits)
