"""Property-based tests where the input space is too large for examples: the callback
payload codec, working-day arithmetic, and the roster validator and cell reader."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.actions import PREFIX, Action, ForgedAction, Verb, decode, encode
from core.replies import MAX_CALLBACK_BYTES
from core.people.roster import SHEET_COLUMNS, RosterInvalid, RosterRow
from core.people.roster_validation import validate_roster
from core.workdays import (
    FixedCalendar,
    add_working_days,
    add_working_hours,
    working_days_between,
)
from storage.people.roster.reader import cell_text

TZ = "Asia/Shanghai"
SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
ARG_CHARS = st.sampled_from("abcXYZ0123456789_-.")
args = st.text(ARG_CHARS, max_size=40)
versions = st.integers(min_value=0, max_value=10**9)


# ------------------------------------------------------------------ callback payloads
@given(st.sampled_from(list(Verb)), args, versions)
def test_every_encodable_action_round_trips_within_64_bytes(verb: Verb, arg: str,
                                                            version: int) -> None:
    try:
        payload = encode(verb, arg, version)
    except ValueError:
        # Refused only for being too long, never silently truncated.
        assert len(f"{PREFIX}:{verb.value}:{arg}:{version}".encode()) > MAX_CALLBACK_BYTES
        return
    assert len(payload.encode()) <= MAX_CALLBACK_BYTES
    assert decode(payload) == Action(verb, arg, version)


@given(st.one_of(st.text(max_size=80), st.binary(max_size=80).map(
    lambda b: b.decode("utf-8", "replace"))))
def test_any_string_decodes_or_is_refused_as_forged(payload: str) -> None:
    try:
        action = decode(payload)
    except ForgedAction:
        return
    # What decodes is exactly what encode would have drawn, in the safe alphabet only.
    assert set(action.arg) <= SAFE and len(action.arg) <= 40
    assert encode(action.verb, action.arg, action.version) == payload


@pytest.mark.parametrize("where", range(4))
@pytest.mark.parametrize("bad", ["\n", " ", ":", "²", "١", "é", "\x00", "/", "💥", "."])
@settings(max_examples=25)
@given(st.sampled_from(list(Verb)), args, versions)
def test_a_foreign_character_anywhere_is_forged(bad: str, where: int, verb: Verb, arg: str,
                                                 version: int) -> None:
    parts = [PREFIX, verb.value, arg, str(version)]
    parts[where] = parts[where] + bad
    payload = ":".join(parts)
    try:
        decoded = decode(payload)
    except ForgedAction:
        return
    # The only appended character the alphabet allows: '.' on the argument (if it fits).
    assert bad == "." and where == 2
    assert set(decoded.arg) <= SAFE
    assert encode(decoded.verb, decoded.arg, decoded.version) == payload


# ------------------------------------------------------------------ working days
days_2026 = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
holiday_sets = st.frozensets(days_2026, max_size=30)
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                       timezones=st.just(timezone.utc))


@given(moments, st.integers(0, 40), holiday_sets, holiday_sets)
def test_add_working_days_lands_on_a_working_day_and_counts_back(
        start: datetime, n: int, holidays: frozenset[date], workdays: frozenset[date]) -> None:
    cal = FixedCalendar(holidays=holidays, workdays=workdays)
    due = add_working_days(start, n, cal, TZ)
    local_due, local_start = due.astimezone(ZoneInfo(TZ)), start.astimezone(ZoneInfo(TZ))
    assert due.tzinfo is not None and due >= start - timedelta(seconds=1)
    assert cal.is_workday(local_due.date())
    if cal.is_workday(local_start.date()):
        assert working_days_between(start, due, cal, TZ) == n
        assert local_due.time().replace(microsecond=0) == \
            local_start.time().replace(microsecond=0)
    else:  # the clock starts at the next start of business
        assert working_days_between(start, due, cal, TZ) == n + 1
        assert local_due.time() == time(8, 30)


@given(moments, st.integers(0, 20), st.integers(0, 20), holiday_sets)
def test_add_working_days_is_monotonic_and_additive(start: datetime, a: int, b: int,
                                                     holidays: frozenset[date]) -> None:
    cal = FixedCalendar(holidays=holidays)
    first = add_working_days(start, a, cal, TZ)
    assert add_working_days(start, a + b, cal, TZ) >= first
    assert add_working_days(first, b, cal, TZ) == add_working_days(start, a + b, cal, TZ)


@given(moments, moments, holiday_sets)
def test_working_days_between_is_antisymmetric(a: datetime, b: datetime,
                                               holidays: frozenset[date]) -> None:
    cal = FixedCalendar(holidays=holidays)
    assert working_days_between(a, b, cal, TZ) == -working_days_between(b, a, cal, TZ)


@given(moments, st.floats(0, 200, allow_nan=False), holiday_sets)
def test_add_working_hours_ends_inside_office_hours(start: datetime, hours: float,
                                                    holidays: frozenset[date]) -> None:
    cal = FixedCalendar(holidays=holidays)
    end = add_working_hours(start, hours, cal, TZ)
    assert end >= start - timedelta(microseconds=1)
    if hours > 0:
        local = end.astimezone(ZoneInfo(TZ))
        assert cal.is_workday(local.date())
        assert time(8, 30) <= local.time() <= time(17, 30)


# ------------------------------------------------------------------ the roster validator
cell_values = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["", " ", "0", "2023010101", "2.02301E+09", "student", "staff", "college",
                     "branch", "university", "functional", "party_member", "UNI", "COL",
                     "student_branch", "dorm_building", "=1+1", "<b>", "'", "\u3000"]),
)


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, list[RosterRow]]:
    out: dict[str, list[RosterRow]] = {}
    for name, (required, optional) in SHEET_COLUMNS.items():
        columns = list(required) + list(optional)
        # Sometimes a column is missing or an extra one is there.
        if draw(st.booleans()) and columns:
            columns.remove(draw(st.sampled_from(columns)))
        if draw(st.booleans()):
            columns.append("备注")
        rows = draw(st.lists(st.fixed_dictionaries({c: cell_values for c in columns}),
                             max_size=6))
        out[name] = [RosterRow(name, i + 2, values) for i, values in enumerate(rows)]
    if draw(st.booleans()):
        out.pop(draw(st.sampled_from(sorted(out))))
    return out


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_any_roster_content_gives_problems_or_a_roster_never_an_exception(
        data: dict[str, list[RosterRow]]) -> None:
    try:
        roster = validate_roster(data)
    except RosterInvalid as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.key.startswith("roster_problem.") and p.sheet and p.line >= 0
            # Every problem points at a row that exists (or at the sheet or header).
            assert p.line in (0, 1) or any(r.line == p.line for r in data.get(p.sheet, []))
        return
    numbers = {person.number for person in roster.people}
    assert len(numbers) == len(roster.people)


excel_cells = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=50),
    st.dates(), st.times(), st.datetimes(),
)


@given(excel_cells)
def test_any_cell_openpyxl_can_give_reads_as_text(value: object) -> None:
    text = cell_text(value)
    assert isinstance(text, str)
    assert text == text.strip() or isinstance(value, float)
    if isinstance(value, int) and not isinstance(value, bool):
        assert text == str(value)  # student numbers stay exact, never 2.02301E+09
