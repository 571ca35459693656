"""After every end-to-end test that passed, two checks on the Telegram people it made
(tests.support.chat.ChatUser):

- every callback query pushed to their fake Bot API got exactly one answerCallbackQuery
  (none leaves a spinner on the button; a second one is an error at Telegram);
- every chat the test read was read to its end: no message arrived that the test did not
  expect (or explicitly ignore).
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import chat


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_PASSED] = report.passed


_PASSED = pytest.StashKey[bool]()


def unanswered_or_twice(users: list[chat.ChatUser]) -> dict[str, int]:
    """Pushed callback query ids whose answerCallbackQuery count is not exactly 1."""
    apis = {id(u.api): u.api for u in users}.values()
    return {qid: n for api in apis for qid, n in api.callback_answers().items() if n != 1}


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
    bad = unanswered_or_twice(users)
    assert not bad, f"callback queries not answered exactly once (id: answers): {bad}"
    unread = unread_messages(users)
    assert not unread, f"messages no step of the test expected (user: texts): {unread}"
