"""core.reception.booking with a fake store: who may book, the refusals (audited), the
cut-off on cancelling, a change told once per version."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from core.errors import InputError
from core.reception import booking as B
from core.reception.ports import SessionView

NOW = datetime(2026, 9, 28, 1, 0, tzinfo=timezone.utc)


def _session(**kw: Any) -> SessionView:
    base = dict(id=1, day=date(2026, 9, 30), starts_at=datetime(2026, 9, 30, 6, 30, tzinfo=timezone.utc),
                ends_at=datetime(2026, 9, 30, 8, 30, tzinfo=timezone.utc),
                cutoff_at=datetime(2026, 9, 29, 8, 0, tzinfo=timezone.utc), status="scheduled",
                moved_from=None, place="行政楼 201", leader_name="王书记", capacity=2, topics=0)
    return SessionView(**{**base, **kw})  # type: ignore[arg-type]


class Fake:
    def __init__(self, session: SessionView, verified: bool = True) -> None:
        self.session, self.verified = session, verified
        self.audits: list[tuple[str, dict[str, Any]]] = []
        self.booked: dict[int, int] = {}
        self.notices: set[tuple[int, str]] = set()
        self.sent: list[tuple[int, str, dict[str, Any]]] = []

    async def person_card(self, pid: int) -> Any:
        return SimpleNamespace(verified=self.verified)

    async def reception_session(self, sid: int) -> SessionView | None:
        return self.session if sid == self.session.id else None

    async def lock_reception_session(self, sid: int) -> None: ...

    async def person_booking_in(self, sid: int, pid: int) -> int | None:
        return self.booked.get(pid)

    async def add_reception_topic(self, sid: int, pid: int, text: str, files: Any, now: Any) -> int:
        self.booked[pid] = 10 + pid
        return 10 + pid

    async def audit(self, kind: str, actor: Any, detail: dict[str, Any], now: Any) -> None:
        self.audits.append((kind, detail))

    async def session_booked_people(self, sid: int) -> list[tuple[int, int]]:
        return [(b, p) for p, b in self.booked.items()]

    async def claim_reception_notice(self, bid: int, version: str, now: Any) -> bool:
        fresh = (bid, version) not in self.notices
        self.notices.add((bid, version))
        return fresh

    async def identities_of(self, pid: int) -> list[Any]:
        return [SimpleNamespace(unreachable=False, channel="telegram", chat_id=str(pid),
                                locale=None)]

    async def enqueue(self, channel: str, chat_id: str, reply: Any, **kw: Any) -> int:
        self.sent.append((int(chat_id), reply.key, reply.params))
        return 0


async def _refusal(fake: Fake, coro: Any) -> str:
    with pytest.raises(InputError) as err:
        await coro
    return f"{err.value.key}/{fake.audits[-1][1]['why']}"


async def test_refusals_are_audited_with_their_reason() -> None:
    fake = Fake(_session())
    assert (await B.book(fake, 7, 1, " 热水 ", [], NOW)).booking_id == 17  # type: ignore[arg-type]
    assert await _refusal(fake, B.book(fake, 7, 1, "再约", [], NOW)) == \
        "reception.already/already_booked"  # type: ignore[arg-type]
    assert await _refusal(fake, B.check_booking(fake, None, 1, NOW)) == \
        "reception.not_on_roster/not_on_roster"  # type: ignore[arg-type]
    full = Fake(_session(topics=2))
    assert await _refusal(full, B.check_booking(full, 8, 1, NOW)) == "reception.full/full"  # type: ignore[arg-type]
    late = NOW + timedelta(days=2)
    assert await _refusal(fake, B.check_booking(fake, 8, 1, late)) == "reception.closed/cutoff"  # type: ignore[arg-type]
    off = Fake(_session(status="cancelled"))
    assert await _refusal(off, B.check_booking(off, 8, 1, NOW)) == \
        "reception.cancelled/cancelled"  # type: ignore[arg-type]
    guest = Fake(_session(), verified=False)
    assert await _refusal(guest, B.check_booking(guest, 9, 1, NOW)) == \
        "reception.not_on_roster/not_on_roster"  # type: ignore[arg-type]
    with pytest.raises(InputError) as err:
        await B.book(fake, 8, 1, "x" * (B.MAX_TOPIC_CHARS + 1), [], NOW)  # type: ignore[arg-type]
    assert err.value.key == "too_long.message"


async def test_a_change_is_told_once_per_version() -> None:
    fake = Fake(_session(status="moved", moved_from=date(2026, 9, 30), day=date(2026, 10, 1),
                         starts_at=datetime(2026, 10, 1, 6, 30, tzinfo=timezone.utc)))
    fake.booked = {7: 17, 8: 18}
    told = await B.tell_session_changed(fake, 1, now=NOW, tz_render="Asia/Shanghai",  # type: ignore[arg-type]
                                        default_locale="zh_CN")
    again = await B.tell_session_changed(fake, 1, now=NOW, tz_render="Asia/Shanghai",  # type: ignore[arg-type]
                                         default_locale="zh_CN")
    assert (told, again) == (2, 0)
    assert [(p, k, d["day"], d["start"]) for p, k, d in fake.sent] == [
        (7, "reception.told_moved", "2026-10-01", "14:30"),
        (8, "reception.told_moved", "2026-10-01", "14:30")]
