"""The sender's exact rules, driven by hand with a scripted channel and a fixed clock.

What is written to a row on each outcome (retry with backoff, 429, 403, 400, retries used
up), the admin alert and audit event that go with it, and how ``step`` applies the limits:
the web chat's ``flooded``/``pause_after`` hooks, callback answers, busy chats, concurrency.
"""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.delivery import Permanent, RetryAfter, Transient, Unreachable
from bot.sender import DEAD_REASONS, OutboxSender
from core.clock import FixedClock
from core.model import Lane, Role
from core.replies import Reply
from storage.store import SqlStore
from storage.tables import AuditLog, ChannelIdentity, OrgUnit, OutboxRow, Person, RoleAssignment

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


class _Chan:
    """Records each delivery as (row ids, merged text); raises the scripted outcomes in turn."""

    def __init__(self, *outcomes: BaseException | None, rate_limited: bool = True) -> None:
        self.rate_limited = rate_limited
        self.outcomes = list(outcomes)
        self.delivered: list[tuple[list[int], str | None]] = []
        self.gate: asyncio.Event | None = None  # when set: deliveries wait for it

    def render_text(self, row) -> str:  # noqa: ANN001
        return row.reply["key"]

    async def deliver(self, rows, merged_text):  # noqa: ANN001, ANN201
        self.delivered.append(([r.id for r in rows], merged_text))
        if self.gate is not None:
            await self.gate.wait()
        if self.outcomes and (exc := self.outcomes.pop(0)) is not None:
            raise exc
        return f"m{rows[-1].id}"


class _Web(_Chan):
    """The web chat: no rate limits, with a ``flooded`` hook that records its argument."""

    def __init__(self, flooded: bool) -> None:
        super().__init__(rate_limited=False)
        self.is_flooded = flooded
        self.asked: list[tuple[str, str]] = []

    def flooded(self, chat_id: str) -> bool:
        self.asked.append(("flooded", chat_id))
        return self.is_flooded


class _PausingWeb(_Web):
    """... and a ``pause_after`` hook that holds a chat back for ``pause`` seconds."""

    def __init__(self, flooded: bool, pause: float) -> None:
        super().__init__(flooded)
        self.pause = pause

    def pause_after(self, chat_id: str) -> float:
        self.asked.append(("pause_after", chat_id))
        return self.pause


def _sender(sf, chan, *, channel: str = "telegram",  # noqa: ANN001
            clock: FixedClock | None = None, **kw: float) -> OutboxSender:
    opts = dict(global_rate=1000, per_chat_rate=1000, concurrency=8, max_attempts=10) | kw
    return OutboxSender(sf, clock or FixedClock(NOW), {channel: chan},
                        default_locale="zh_CN", **opts)


async def _enqueue(sf, *replies: Reply, chat: str = "5", channel: str = "telegram",  # noqa: ANN001
                   lane: Lane = Lane.INTERACTIVE) -> None:
    async with sf() as s, s.begin():
        store = SqlStore(s)
        for reply in replies:
            await store.enqueue(channel, chat, reply, lane=lane, locale="zh_CN",
                                      person_id=None, now=NOW)


async def _rows(sf) -> list[OutboxRow]:  # noqa: ANN001
    async with sf() as s:
        return list((await s.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars())


async def _audits(sf) -> list[tuple]:  # noqa: ANN001
    async with sf() as s:
        rows = (await s.execute(select(AuditLog).order_by(AuditLog.id))).scalars()
        return [(a.kind, a.actor_id, a.detail, a.created_at) for a in rows]


async def _turn(sender: OutboxSender) -> float:
    """One look at the outbox; the sends it starts finish and are recorded."""
    wait = await sender.step()
    await asyncio.gather(*list(sender._tasks))
    await sender._flush()
    return wait


async def _person(sf, chat: str, *, admin: bool = False) -> int:  # noqa: ANN001
    async with sf() as s, s.begin():
        unit = OrgUnit(code=f"U{chat}", name="组织部", kind="functional",
                       unit_class="admin_logistics")
        s.add(unit)
        await s.flush()
        p = Person(number=f"N{chat}", name="某人", kind="staff", unit_id=unit.id,
                   created_at=NOW, updated_at=NOW)
        s.add(p)
        await s.flush()
        if admin:
            s.add(RoleAssignment(person_id=p.id, role=Role.ADMIN.value, unit_id=unit.id))
        s.add(ChannelIdentity(channel="telegram", external_id=chat, chat_id=chat,
                              person_id=p.id, created_at=NOW))
        return p.id


def _state(r: OutboxRow) -> tuple:
    return (r.status, r.attempts, r.next_attempt_at, r.last_error)


@pytest.mark.parametrize(("attempts", "max_attempts", "exc", "delay", "error"), [
    (0, 10, Transient("boom"), 1, "Transient: boom"),
    (2, 10, ValueError("bad"), 4, "ValueError: bad"),
    (8, 10, Transient("boom"), 256, "Transient: boom"),  # the last try before giving up
    (9, 11, Transient("x" * 3000), 300, ("Transient: " + "x" * 3000)[:2000]),  # capped
])
async def test_a_failed_send_counts_the_attempt_and_backs_off(
        sf, attempts, max_attempts, exc, delay, error) -> None:  # noqa: ANN001
    await _enqueue(sf, Reply("a"))
    async with sf() as s, s.begin():
        await s.execute(update(OutboxRow).values(attempts=attempts))
    chan = _Chan(exc)
    sender = _sender(sf, chan, max_attempts=max_attempts)
    assert await _turn(sender) == 0.5
    assert [_state(r) for r in await _rows(sf)] == [
        ("pending", attempts + 1, NOW + timedelta(seconds=delay), error)]
    assert sender._in_flight == set() and chan.delivered == [([1], None)]
    assert await _audits(sf) == []


async def test_retries_used_up_park_the_row_as_given_up(sf) -> None:  # noqa: ANN001
    admin = await _person(sf, "9999", admin=True)
    await _enqueue(sf, Reply("a"))
    async with sf() as s, s.begin():
        await s.execute(update(OutboxRow).values(attempts=9))
    await _turn(_sender(sf, _Chan(Transient("boom")), max_attempts=10))
    dead, alert = await _rows(sf)
    assert _state(dead) == ("dead", 10, None, "Transient: boom")
    assert (alert.chat_id, alert.person_id, alert.reply["params"]) == ("9999", admin, {
        "id": 1, "channel": "telegram", "chat": "5", "why": {"t": "admin.dead_why_gave_up"}})


async def test_retry_after_waits_without_counting_and_holds_the_chat(sf) -> None:  # noqa: ANN001
    await _enqueue(sf, Reply("a"))
    async with sf() as s, s.begin():
        await s.execute(update(OutboxRow).values(attempts=2))
    clock = FixedClock(NOW)
    chan = _Chan(RetryAfter(7.5))
    sender = _sender(sf, chan, clock=clock)
    await _turn(sender)
    assert [_state(r) for r in await _rows(sf)] == [
        ("pending", 2, NOW + timedelta(seconds=7.5), "retry after 7.5s")]
    assert 7.0 < sender._next_allowed[("telegram", "5")] - time.monotonic() <= 7.5
    clock.at = NOW + timedelta(seconds=10)  # due again, but the chat still waits
    assert await _turn(sender) == 0.5
    assert chan.delivered == [([1], None)]


REASONS = ("refused", "chat_not_found", "too_long", "bad_text", "bad_file", "unauthorized",
           "gave_up")


@pytest.mark.parametrize("reason", [*REASONS, "no_such_reason"])
async def test_a_refused_row_dies_and_admins_hear_why(sf, reason: str) -> None:  # noqa: ANN001
    admin = await _person(sf, "9999", admin=True)
    await _enqueue(sf, Reply("a"))
    message = "Bad Request: " + "z" * 2100
    sender = _sender(sf, _Chan(Permanent(message, reason=reason)))
    await _turn(sender)
    dead, alert = await _rows(sf)
    assert _state(dead) == ("dead", 1, None, message[:2000])
    assert set(DEAD_REASONS) == set(REASONS)
    why = f"admin.dead_why_{reason}" if reason in REASONS else "admin.dead_why_refused"
    assert (alert.channel, alert.chat_id, alert.person_id, alert.lane, alert.locale,
            alert.status, alert.reply["key"], alert.reply["params"]) == (
        "telegram", "9999", admin, int(Lane.INTERACTIVE), "zh_CN", "pending",
        "admin.dead_outbox", {"id": 1, "channel": "telegram", "chat": "5", "why": {"t": why}})
    assert sender._rows == {} and await _audits(sf) == []


@pytest.mark.parametrize("exc", [Permanent("Forbidden", reason="refused"), Transient("down")])
async def test_an_alert_that_cannot_be_sent_raises_no_second_alert(sf, exc) -> None:  # noqa: ANN001
    await _person(sf, "9999", admin=True)
    await _enqueue(sf, Reply("admin.dead_outbox", {"id": 7}), chat="9999")
    await _turn(_sender(sf, _Chan(exc), max_attempts=1))
    assert [(r.id, r.status, r.attempts) for r in await _rows(sf)] == [(1, "dead", 1)]
    assert await _audits(sf) == []


@pytest.mark.parametrize("known", [True, False])
async def test_an_unreachable_chat_is_marked_and_audited(sf, known: bool) -> None:  # noqa: ANN001
    person = await _person(sf, "5") if known else None
    await _enqueue(sf, Reply("a"), Reply("b"))
    error = "Forbidden: bot was blocked by the user " + "y" * 2100
    chan = _Chan(Unreachable(error))
    sender = _sender(sf, chan)
    await _turn(sender)
    assert chan.delivered == [([1, 2], "a\n\nb")]
    assert [_state(r) for r in await _rows(sf)] == [("unreachable", 0, None, error[:2000])] * 2
    assert await _audits(sf) == [("unreachable", person, {
        "channel": "telegram", "chat_id": "5", "error": error[:300]}, NOW)]
    async with sf() as s:
        marks = (await s.execute(select(ChannelIdentity.unreachable_at))).scalars().all()
    assert marks == ([NOW] if known else [])
    assert sender._rows == {} and sender._in_flight == set()
    await _turn(sender)
    assert len(chan.delivered) == 1


@pytest.mark.parametrize(("rate_limited", "flooded", "expected", "asked"), [
    (False, True, [([1, 2, 3], "a\n\nb\n\nc")], [("flooded", "web:1")]),
    (False, False, [([1], None)], [("flooded", "web:1")]),
    (True, False, [([1, 2, 3], "a\n\nb\n\nc")], []),  # Telegram always merges
])
async def test_the_web_chat_merges_only_while_flooded(
        sf, rate_limited, flooded, expected, asked) -> None:  # noqa: ANN001
    await _enqueue(sf, Reply("a"), Reply("b"), Reply("c"), channel="web", chat="web:1")
    web = _Web(flooded)
    web.rate_limited = rate_limited
    await _turn(_sender(sf, web, channel="web"))
    assert web.delivered == expected
    assert web.asked == asked


async def test_a_web_chat_without_a_flooded_hook_is_always_merged(sf) -> None:  # noqa: ANN001
    await _enqueue(sf, Reply("a"), Reply("b"), channel="web", chat="web:1")
    chan = _Chan(rate_limited=False)
    sender = _sender(sf, chan, channel="web", per_chat_rate=0.01)
    await _turn(sender)
    assert chan.delivered == [([1, 2], "a\n\nb")]
    assert sender._next_allowed == {} and sender.bucket.tokens == sender.bucket.capacity


async def test_the_web_chat_pauses_a_flooded_chat_for_what_it_asks(sf) -> None:  # noqa: ANN001
    await _enqueue(sf, Reply("a"), Reply("b"), channel="web", chat="web:1")
    web = _PausingWeb(flooded=False, pause=0.3)
    sender = _sender(sf, web, channel="web", global_rate=30)
    await _turn(sender)
    assert web.delivered == [([1], None)]
    assert web.asked == [("flooded", "web:1"), ("pause_after", "web:1")]
    assert sender.bucket.tokens == sender.bucket.capacity == 3.0  # no token taken
    wait = await _turn(sender)
    assert 0 < wait <= 0.3 and web.delivered == [([1], None)]
    await asyncio.sleep(wait)
    await _turn(sender)
    assert web.delivered == [([1], None), ([2], None)]


async def test_a_rate_limited_chat_takes_a_token_and_waits_its_interval(sf) -> None:  # noqa: ANN001
    await _enqueue(sf, Reply("a", edit_of="1"), Reply("b", edit_of="2"))
    chan = _Chan()
    del chan.rate_limited  # a channel that does not say is limited
    sender = _sender(sf, chan, global_rate=10, per_chat_rate=4)  # a burst of one
    await _turn(sender)
    assert chan.delivered == [([1], None)]
    assert 0 <= sender.bucket.tokens < 0.5  # the token taken (10/s refill: 50 ms of slack)
    wait = await _turn(sender)
    assert 0 < wait <= 0.25 and chan.delivered == [([1], None)]


async def test_callback_answers_skip_every_limit_and_are_never_merged(sf) -> None:  # noqa: ANN001
    toast = Reply("ok", kind="callback_answer", callback_id="c")
    await _enqueue(sf, toast, toast, Reply("a"), Reply("b"))
    chan = _Chan()
    sender = _sender(sf, chan, per_chat_rate=0.01)  # one message per 100 s
    await _turn(sender)
    await _turn(sender)
    assert chan.delivered == [([1], None), ([2], None)]
    assert sender._next_allowed == {} and sender.bucket.tokens == sender.bucket.capacity
    await _turn(sender)
    await _enqueue(sf, toast, Reply("c"))
    await _turn(sender)
    await _turn(sender)
    assert chan.delivered == [([1], None), ([2], None), ([3, 4], "a\n\nb"), ([5], None)]
    assert [r.status for r in await _rows(sf)] == ["sent"] * 5 + ["pending"]


async def test_a_busy_chat_is_skipped_and_concurrency_bounds_the_starts(sf) -> None:  # noqa: ANN001
    await _enqueue(sf, Reply("a", edit_of="1"), Reply("b", edit_of="2"), chat="A")
    chan = _Chan()
    chan.gate = asyncio.Event()
    sender = _sender(sf, chan, concurrency=2)
    assert await sender.step() == 0.5
    await _enqueue(sf, Reply("c"), chat="B")
    await _enqueue(sf, Reply("d"), chat="C")
    assert await sender.step() == 0.5  # A is busy: B starts, C waits for a free slot
    await asyncio.sleep(0)
    assert chan.delivered == [([1], None), ([3], None)]
    assert await sender.step() == 0.02  # no free slot
    chan.gate.set()
    await asyncio.gather(*list(sender._tasks))
    await sender._flush()
    await _turn(sender)
    assert sorted(chan.delivered) == [([1], None), ([2], None), ([3], None), ([4], None)]
