"""A leader's reception sessions as an iCalendar file (the ``icalendar`` package).

Each session is one VEVENT: UID stable per session (its schedule, rule date and kind, so a
calendar app updates an entry when the session moves), DTSTART/DTEND in UTC, SUMMARY
领导接待日 + place (下访 + unit for an outreach visit), LOCATION; a moved session's DESCRIPTION names its planned date, and a
cancelled one has STATUS:CANCELLED so subscribed calendars drop it.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icalendar import Calendar, Event

from storage.reception.materialise import CANCELLED, SessionRow

PRODID = "-//Xinqiao//reception//ZH"
UID_DOMAIN = "xinqiao-reception"


def session_uid(s: SessionRow) -> str:
    return f"{s.schedule_code}-{s.origin.isoformat()}-{s.kind}@{UID_DOMAIN}"


def build_ics(sessions: Sequence[SessionRow], *, name: str, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{name} 领导接待日")
    for s in sessions:
        event = Event()
        event.add("uid", session_uid(s))
        event.add("dtstamp", now)
        event.add("dtstart", s.starts_at)
        event.add("dtend", s.ends_at)
        event.add("summary", f"下访 {s.visit_unit}（{s.place}）" if s.visit_unit
                  else f"领导接待日 {s.place}")
        event.add("location", s.place)
        if s.moved_from is not None:
            event.add("description", f"由 {s.moved_from.isoformat()} 调整至 "
                                     f"{s.day.isoformat()}（moved from {s.moved_from.isoformat()}）")
        event.add("status", "CANCELLED" if s.status == CANCELLED else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
