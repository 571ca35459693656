"""``core.reception.ports.RecurrenceExpander`` on ``dateutil.rrule``: the rule's data form
(``core.reception.schedule.Recurrence``) becomes an rrule, never a hand-written loop."""
from __future__ import annotations

from datetime import date, datetime, time

from dateutil import rrule

from core.reception.schedule import Frequency, Recurrence

_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


def to_rrule(rule: Recurrence, first: date) -> rrule.rrule:
    """The rrule of ``rule``, starting at its own first date or else at ``first``."""
    start = datetime.combine(rule.starts_on or first, time())
    until = datetime.combine(rule.ends_on, time()) if rule.ends_on else None
    if rule.frequency is Frequency.WEEKLY:
        return rrule.rrule(rrule.WEEKLY, dtstart=start, until=until, interval=rule.interval,
                           byweekday=[_WEEKDAYS[d] for d in rule.weekdays])
    if rule.month_day is not None:
        return rrule.rrule(rrule.MONTHLY, dtstart=start, until=until, interval=rule.interval,
                           bymonthday=rule.month_day)
    return rrule.rrule(rrule.MONTHLY, dtstart=start, until=until, interval=rule.interval,
                       byweekday=[_WEEKDAYS[d](n) for d in rule.weekdays for n in rule.nths])


class RruleExpander:
    """The production ``RecurrenceExpander``."""

    def dates(self, rule: Recurrence, first: date, last: date) -> list[date]:
        if last < first:
            return []
        found = to_rrule(rule, first).between(datetime.combine(first, time()),
                                               datetime.combine(last, time()), inc=True)
        return [moment.date() for moment in found]
