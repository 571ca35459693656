"""core.reception.reminders.plan_session: which reminder rows a session needs and when
(the agenda on the working day before at 17:00, never before the cut-off; 60 minutes
before; the record card at the end; a visit's announcement), and none for a cancelled
session or reminders for one that has started."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from core.reception.ports import SessionClock, What
from core.reception.reminders import ReceptionRules, plan_session
from core.workdays import FixedCalendar

TZ = "Asia/Shanghai"
RULES = ReceptionRules()
CAL = FixedCalendar(holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2)}))
NOW = datetime(2026, 9, 20, 2, 0, tzinfo=timezone.utc)


def _utc(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=timezone.utc)


def _session(day: date, start: datetime, end: datetime, cutoff: datetime, *,
             status: str = "scheduled", visit: bool = False) -> SessionClock:
    return SessionClock(7, day, start, end, cutoff, status, visit)


WED = _session(date(2026, 9, 30), _utc(2026, 9, 30, 6, 30), _utc(2026, 9, 30, 8, 30),
               _utc(2026, 9, 29, 8, 0))  # 14:30-16:30 Shanghai, cut-off Tue 16:00


def _plan(s: SessionClock, now: datetime = NOW, rules: ReceptionRules = RULES) -> dict[What, datetime]:
    rows = plan_session(s, rules, calendar=CAL, tz=TZ, now=now)
    assert len({r.key for r in rows}) == len(rows)
    return {r.what: r.due_at for r in rows}


def test_a_wednesday_session_is_reminded_on_tuesday_evening_and_an_hour_before() -> None:
    assert _plan(WED) == {What.LEADER_EVE: _utc(2026, 9, 29, 9),   # Tue 17:00
                          What.PEOPLE_EVE: _utc(2026, 9, 29, 9),
                          What.LEADER_SOON: _utc(2026, 9, 30, 5, 30),  # 13:30
                          What.RECORD: _utc(2026, 9, 30, 8, 30)}
    keys = [r.key for r in plan_session(WED, RULES, calendar=CAL, tz=TZ, now=NOW)]
    start = int(WED.starts_at.timestamp())
    assert f"rcp:7:leader_eve:{start}" in keys and f"rcp:7:record:{start}" in keys


def test_the_eve_is_the_working_day_before_skipping_weekends_and_holidays() -> None:
    monday = _session(date(2026, 10, 5), _utc(2026, 10, 5, 6, 30), _utc(2026, 10, 5, 8, 30),
                      _utc(2026, 9, 30, 8, 0))
    # Fri 10-02 and Thu 10-01 are holidays here, the weekend is not worked: Wed 09-30 17:00
    assert _plan(monday)[What.LEADER_EVE] == _utc(2026, 9, 30, 9)


def test_the_agenda_never_goes_before_the_booking_cut_off() -> None:
    late_cutoff = _session(WED.day, WED.starts_at, WED.ends_at, _utc(2026, 9, 30, 4, 0))
    assert _plan(late_cutoff)[What.LEADER_EVE] == _utc(2026, 9, 30, 4, 0)
    # and with a cut-off after the start nothing is worth an eve reminder
    no_eve = _session(WED.day, WED.starts_at, WED.ends_at, _utc(2026, 9, 30, 7, 0))
    assert What.LEADER_EVE not in _plan(no_eve) and What.PEOPLE_EVE not in _plan(no_eve)


def test_configured_times_are_used() -> None:
    rules = ReceptionRules(eve_at=time(18, 30), soon_minutes=30)
    got = _plan(WED, rules=rules)
    assert got[What.LEADER_EVE] == _utc(2026, 9, 29, 10, 30)
    assert got[What.LEADER_SOON] == _utc(2026, 9, 30, 6, 0)


def test_a_moved_session_gets_new_keys_and_a_cancelled_one_none() -> None:
    moved = _session(date(2026, 10, 8), _utc(2026, 10, 8, 6, 30), _utc(2026, 10, 8, 8, 30),
                     _utc(2026, 10, 7, 8, 0))
    old = {r.key for r in plan_session(WED, RULES, calendar=CAL, tz=TZ, now=NOW)}
    new = {r.key for r in plan_session(moved, RULES, calendar=CAL, tz=TZ, now=NOW)}
    assert old and new and not old & new
    assert plan_session(_session(WED.day, WED.starts_at, WED.ends_at, WED.cutoff_at,
                                 status="cancelled"), RULES, calendar=CAL, tz=TZ, now=NOW) == []


def test_a_started_session_keeps_only_its_record_row() -> None:
    assert _plan(WED, now=WED.starts_at + timedelta(minutes=1)) == {
        What.RECORD: WED.ends_at}


def test_a_visit_is_announced_a_week_ahead_in_the_day() -> None:
    visit = _session(WED.day, WED.starts_at, WED.ends_at, WED.cutoff_at, visit=True)
    rows = plan_session(visit, RULES, calendar=CAL, tz=TZ, now=NOW)
    [announce] = [r for r in rows if r.what is What.ANNOUNCE]
    assert announce.due_at == WED.starts_at - timedelta(days=7)  # Wed 09-23 14:30
    assert announce.key == "rcp:7:announce"  # no start in the key: told once, moves aside
    # Scheduled later than a week ahead: at once, but never at night (next 08:00).
    evening = _utc(2026, 9, 27, 14, 0)  # Sunday 22:00 in Shanghai
    assert _plan(visit, now=evening)[What.ANNOUNCE] == _utc(2026, 9, 28, 0, 0)
    afternoon = _utc(2026, 9, 27, 7, 0)  # Sunday 15:00
    assert _plan(visit, now=afternoon)[What.ANNOUNCE] == afternoon
    early = _utc(2026, 9, 27, 22, 30)  # Monday 06:30: the same day's 08:00
    assert _plan(visit, now=early)[What.ANNOUNCE] == _utc(2026, 9, 28, 0, 0)
