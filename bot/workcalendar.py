"""The Chinese working-day calendar: the adapter behind ``core.workdays.WorkCalendar``.

Sources, best first, decided once per year and cached:

1. admin overrides (a single date marked working or non-working), always first: kept in
   the ``calendar_overrides`` table (roster sheet ``calendar``, ``/calendar``, ``python -m
   bot calendar set``), loaded at start and reloaded every few minutes (``replace_overrides``);
2. ``chinese_calendar``: the State Council schedule with 调休 make-up workdays; it covers
   2004–2026 in release 1.11 and raises ``NotImplementedError`` outside its data, so a
   newer release extends coverage with no change here;
3. ``holidays.China``: statutory holidays for 1950–2100, with the official 调休 for the
   years it knows (``weekend_workdays`` holds make-up Saturdays/Sundays) and estimated
   observed days for later years;
4. weekends only (Monday–Friday work), the last resort, which never fails.

Falling back to 3 or 4 for a year logs a WARNING naming the year and the source and calls
``on_fallback(year, source)`` once per (year, source), so admins learn that the year needs
overrides or a package upgrade. A date answered by an override loads nothing, so it alerts
nothing. Call ``source(year)`` at start-up (e.g. for next year) to surface a fallback early.
Nothing here raises for a real date: a failing package or a failing callback is logged.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

try:  # both are declared dependencies; their absence must degrade, not crash
    import chinese_calendar
except ImportError:  # pragma: no cover - exercised only on a broken install
    chinese_calendar = None
try:
    import holidays
except ImportError:  # pragma: no cover
    holidays = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

SOURCE_CHINESE_CALENDAR = "chinese_calendar"
SOURCE_HOLIDAYS = "holidays"
SOURCE_WEEKENDS = "weekends"

FallbackAlert = Callable[[int, str], None]
#: ``(year, source, why) -> text`` of the warning logged once per (year, source); the
#: running bot passes the locale's (bot/startup.py), this module's default is English.
FallbackText = Callable[[int, str, str], str]


def _fallback_text(year: int, source: str, why: str) -> str:
    return (f"work calendar: falling back to {source} for {year} ({why}). Add admin "
            f"overrides for {year} or upgrade chinesecalendar.")


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year, 12, 31) - first).days + 1)]


def _from_chinese_calendar(year: int) -> frozenset[date]:
    if chinese_calendar is None:
        raise LookupError("chinese_calendar is not installed")
    return frozenset(d for d in _days_of(year) if chinese_calendar.is_workday(d))


def _from_holidays(year: int) -> frozenset[date]:
    if holidays is None:
        raise LookupError("holidays is not installed")
    cls = holidays.China
    first, last = getattr(cls, "start_year", 1950), getattr(cls, "end_year", 2100)
    if not first <= year <= last:
        raise LookupError(f"holidays.China covers {first}-{last}")
    table = cls(years=year)
    if not any(d.year == year for d in table):  # out of range answers with silence
        raise LookupError(f"holidays.China has no holidays for {year}")
    # Make-up workdays (调休): official ones are listed in ``weekend_workdays``.
    makeup = set(getattr(table, "weekend_workdays", ()) or ())
    return frozenset(d for d in _days_of(year)
                     if (d in makeup if d.weekday() >= 5 else d not in table))


def _weekends_only(year: int) -> frozenset[date]:
    return frozenset(d for d in _days_of(year) if d.weekday() < 5)


class ChinaWorkCalendar:
    """``WorkCalendar`` on the Chinese calendar, with admin overrides and fallbacks.

    One instance per process (built in the composition root): the per-year cache and the
    once-per-(year, source) alert live on the instance. Thread-safe.
    """

    def __init__(self, on_fallback: FallbackAlert | None = None,
                 overrides: dict[date, bool] | None = None,
                 fallback_text: FallbackText | None = None) -> None:
        self._on_fallback = on_fallback
        self._fallback_text = fallback_text or _fallback_text
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._years: dict[int, tuple[str, frozenset[date]]] = {}
        self._alerted: set[tuple[int, str]] = set()
        self._why: dict[int, str] = {}
        self._lock = threading.Lock()

    def is_workday(self, day: date) -> bool:
        """True if ``day`` is a working day; an admin override wins over any data."""
        if isinstance(day, datetime):
            day = day.date()
        override = self._overrides.get(day)
        if override is not None:
            return override
        return day in self._year(day.year)[1]

    def source(self, year: int) -> str:
        """Which source answers for ``year`` (loading it, and alerting if it is a fallback)."""
        return self._year(year)[0]

    def set_override(self, day: date, working: bool | None) -> None:
        """Mark ``day`` as working (True) or not (False); None removes the override."""
        with self._lock:
            if working is None:
                self._overrides.pop(day, None)
            else:
                self._overrides[day] = bool(working)

    def replace_overrides(self, overrides: Mapping[date, bool]) -> None:
        """Replace every override at once (the start-up load and the periodic reload of
        ``scheduler/calendar_refresh.py``); readers see the old set or the new one."""
        fresh = {day: bool(working) for day, working in overrides.items()}
        with self._lock:
            self._overrides = fresh

    def decide(self, day: date) -> tuple[bool, str]:
        """(working, why) where why is ``override``, ``package`` (chinese_calendar) or
        ``fallback`` (holidays or weekends only): what ``python -m bot calendar show`` prints."""
        override = self._overrides.get(day)
        if override is not None:
            return override, "override"
        source, workdays = self._year(day.year)
        return day in workdays, "package" if source == SOURCE_CHINESE_CALENDAR else "fallback"

    @property
    def overrides(self) -> dict[date, bool]:
        """A copy of the current admin overrides."""
        with self._lock:
            return dict(self._overrides)

    def _year(self, year: int) -> tuple[str, frozenset[date]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._years.get(year)
            if cached is None:
                cached = self._years[year] = self._load(year)
        if cached[0] != SOURCE_CHINESE_CALENDAR:  # only the loading call gets here
            self._alert(year, cached[0])
        return cached

    def _load(self, year: int) -> tuple[str, frozenset[date]]:
        reasons: list[str] = []
        for name, loader in ((SOURCE_CHINESE_CALENDAR, _from_chinese_calendar),
                             (SOURCE_HOLIDAYS, _from_holidays)):
            try:
                return name, loader(year)
            except Exception as exc:  # noqa: BLE001 - any failure means: try the next one
                reasons.append(f"{name}: {type(exc).__name__}: {exc}")
                self._why[year] = "; ".join(reasons)
        return SOURCE_WEEKENDS, _weekends_only(year)

    def _alert(self, year: int, source: str) -> None:
        with self._lock:
            if (year, source) in self._alerted:
                return
            self._alerted.add((year, source))
        log.warning("%s", self._fallback_text(year, source, self._why.get(year, "?")))
        if self._on_fallback is None:
            return
        try:
            self._on_fallback(year, source)
        except Exception:  # noqa: BLE001 - an alert that fails must not break due times
            log.exception("work calendar: the fallback alert for %d (%s) failed", year, source)
