"""The web chat's in-process fan-out (bot/web/sender.EventHub)."""
from __future__ import annotations

import pytest

from bot.web.sender import EventHub, TooManyStreams


def _msg(i: int) -> dict:
    return {"id": i, "kind": "message", "html": f"m{i}"}


def _drain(q) -> list[int]:  # noqa: ANN001
    out = []
    while not q.empty():
        out.append(q.get_nowait()["id"])
    return out


def test_a_new_stream_gets_the_chats_recent_messages_but_no_toasts() -> None:
    hub = EventHub()
    hub.publish("web:1", _msg(1))   # published while nobody listened (a page connecting)
    hub.publish("web:1", {"id": 2, "kind": "toast", "html": "ok"})
    hub.publish("web:2", _msg(3))   # someone else's
    q = hub.subscribe("web:1")
    assert _drain(q) == [1]
    hub.publish("web:1", _msg(4))
    assert _drain(q) == [4]


def test_recent_messages_are_bounded_per_chat_and_in_chats() -> None:
    hub = EventHub()
    for i in range(EventHub.RECENT + 10):
        hub.publish("web:1", _msg(i))
    assert _drain(hub.subscribe("web:1")) == list(range(10, EventHub.RECENT + 10))
    for chat in range(EventHub.RECENT_CHATS + 5):
        hub.publish(f"web:x{chat}", _msg(chat))
    assert len(hub._recent) == EventHub.RECENT_CHATS
    assert _drain(hub.subscribe("web:x0")) == []  # the oldest chat was dropped


def test_a_person_may_hold_only_a_few_streams() -> None:
    hub = EventHub()
    queues = [hub.subscribe("web:1") for _ in range(EventHub.MAX_STREAMS)]
    with pytest.raises(TooManyStreams):
        hub.subscribe("web:1")
    hub.subscribe("web:2")  # another person is not affected
    hub.unsubscribe("web:1", queues[0])
    hub.subscribe("web:1")  # a closed stream frees its place
