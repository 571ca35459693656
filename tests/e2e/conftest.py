"""After every end-to-end test that passed, two checks on the Telegram people it made
(tests.support.chat.ChatUser):

- every callback query pushed to their fake Bot API got exactly one answerCallbackQuery
  (none leaves a spinner on the button; a second one is an error at Telegram). A test
  marked ``crash_resends`` kills the bot between a delivery and its record, which may
  send an answer again (Telegram refuses it): there exactly one answer must succeed;
- every chat the test read was read to its end: no message arrived that the test did not
  expect (or explicitly ignore).
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import chat


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "crash_resends: the bot is killed between a delivery "
                            "and its record; a callback answer may be re-sent (and refused)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_PASSED] = report.passed


_PASSED = pytest.StashKey[bool]()


def unread_messages(users: list[chat.ChatUser]) -> dict[int, list[str]]:
    return {u.user_id: u.unread() for u in users if u.read_any and u.unread()}


@pytest.fixture(autouse=True)
def chat_oracles(request: pytest.FixtureRequest) -> Iterator[None]:
    chat.LIVE.clear()
    yield
    users = list(chat.LIVE)
    chat.LIVE.clear()
    if not request.node.stash.get(_PASSED, False):
        return  # the test's own failure says more
    bad = chat.unanswered_or_twice(
        users, ok_only=request.node.get_closest_marker("crash_resends") is not None)
    assert not bad, f"callback queries not answered exactly once (id: answers): {bad}"
    unread = unread_messages(users)
    assert not unread, f"messages no step of the test expected (user: texts): {unread}"
