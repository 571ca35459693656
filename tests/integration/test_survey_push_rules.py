"""The push engine's rules in the database (SQLite, and PostgreSQL with
XQ_TEST_DATABASE_URL), without a sender: the feed keeps the bulk lane at most a window
deep; outcomes settle deliveries (sent, unreachable, ambiguous, failed); pause stops the
feed, cancel cancels what is not sent; reminder rounds go only to those who have not
submitted, and none after close."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from core.errors import InputError
from core.surveys import answering as A
from core.surveys.admin import create_survey
from core.surveys.push import control, feed_push, progress, settle_push, start_push
from core.surveys.reminders import start_due_rounds
from storage.tables import OutboxRow, Survey, SurveyDelivery
from storage.uow import unit_of_work
from tests.integration.test_survey_answering import SURVEY
from tests.support.harness import seed_with_chats

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
CODE = "canteen-2026"


async def _run(sf, fn, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
    async with unit_of_work(sf) as uow:
        return await fn(uow.store, *args, **kw)


async def _setup(sf, reminders: str = "") -> tuple[dict[str, int], int]:  # noqa: ANN001
    ids = await seed_with_chats(sf, NOW)
    text = SURVEY.format(anonymous="true").replace("\n[audience]", f"{reminders}\n[audience]")
    made = await _run(sf, create_survey, text=text, list_files=None, person_id=None, now=NOW,
                      max_reminders=3)
    await _run(sf, start_push, CODE, person_id=None, now=NOW)
    return ids, made.survey_id


async def _feed(sf, window: int, at: datetime = NOW):  # noqa: ANN001, ANN202
    return await _run(sf, feed_push, window=window, now=at, tz="Asia/Shanghai",
                      default_locale="zh_CN")


async def _deliver(sf, status: str = "sent", n: int | None = None) -> list[int]:  # noqa: ANN001
    """As the sender would: the oldest ``n`` waiting bulk rows get ``status``."""
    async with sf.begin() as s:
        ids = list(await s.scalars(select(OutboxRow.id).where(
            OutboxRow.status == "pending", OutboxRow.lane == 2).order_by(OutboxRow.id)))[:n]
        await s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(
            status=status, sent_at=NOW))
    return ids


async def _states(sf) -> Counter[str]:  # noqa: ANN001
    async with sf() as s:
        return Counter(await s.scalars(select(SurveyDelivery.status)))


async def test_the_feed_keeps_the_window_and_outcomes_settle(sf) -> None:  # noqa: ANN001
    await _setup(sf)
    total = sum((await _states(sf)).values())
    assert total >= 4
    fed = await _feed(sf, 2)
    assert (fed.claimed, fed.rows) == (2, 2)
    assert (await _feed(sf, 2)).claimed == 0  # the window is full
    await _deliver(sf, "sent", 1)
    await _deliver(sf, "unreachable", 1)
    assert await _run(sf, settle_push, now=NOW) == 2
    assert await _states(sf) == Counter({"pending": total - 2, "sent": 1, "unreachable": 1})
    while (fed := await _feed(sf, 2)).claimed:
        await _deliver(sf, "ambiguous" if fed.claimed == 1 else "sent")
        await _run(sf, settle_push, now=NOW)
    states = await _states(sf)
    assert states["pending"] == states["queued"] == 0 and states["sent"] >= 1
    async with sf() as s:
        assert (await s.scalar(select(Survey.status))) == "open"
    shown = await _run(sf, progress, CODE, now=NOW)
    assert (shown.status, shown.remaining) == ("open", 0)
    assert sum(shown.counts.values()) == total


async def test_pause_stops_the_feed_and_cancel_cancels_the_rest(sf) -> None:  # noqa: ANN001
    await _setup(sf)
    await _feed(sf, 1)
    assert await _run(sf, control, CODE, "pause", person_id=None, now=NOW) == "paused"
    assert (await _feed(sf, 100)).claimed == 0
    with pytest.raises(InputError) as err:
        await _run(sf, control, CODE, "pause", person_id=None, now=NOW)
    assert err.value.key == "survey_admin.cannot_pause"
    await _run(sf, control, CODE, "resume", person_id=None, now=NOW)
    await _feed(sf, 2)
    assert await _run(sf, control, CODE, "cancel", person_id=None, now=NOW) == "cancelled"
    await _run(sf, settle_push, now=NOW)
    states = await _states(sf)
    assert states["pending"] == states["queued"] == 0 and states["cancelled"] >= 2
    async with sf() as s:  # the rows not yet sending never go
        assert set(await s.scalars(select(OutboxRow.status).where(OutboxRow.lane == 2))) \
            == {"cancelled"}


async def test_reminders_go_to_those_who_have_not_submitted_and_stop_at_close(sf) -> None:  # noqa: ANN001
    ids, sid = await _setup(sf, 'reminders = ["1d", "3d"]')
    await _feed(sf, 10_000)
    await _deliver(sf)
    await _run(sf, settle_push, now=NOW)
    me = ids["2023010101"]
    await _run(sf, A.answer, me, sid, 0, "5", NOW)
    await _run(sf, A.move, me, sid, 1, True, NOW)
    await _run(sf, A.submit, me, sid, now=NOW, tz="Asia/Shanghai")
    assert await _run(sf, start_due_rounds, now=NOW + timedelta(hours=23)) == []
    [(_, round_, people)] = await _run(sf, start_due_rounds, now=NOW + timedelta(days=1))
    sent = sum((await _states(sf)).values())
    assert round_ == 1 and people == sent - 1  # everyone but the one who submitted
    await _feed(sf, 10_000, NOW + timedelta(days=1))
    async with sf() as s:
        reminded = [r.person_id for r in await s.scalars(select(OutboxRow)) if
                    r.reply["key"] == "survey.reminder"]
    assert len(reminded) == people and me not in reminded
    await _deliver(sf)
    await _run(sf, settle_push, now=NOW)
    await _run(sf, control, CODE, "close", person_id=None, now=NOW + timedelta(days=2))
    assert await _run(sf, start_due_rounds, now=NOW + timedelta(days=4)) == []
