"""The reception area's library port: recurrence expansion (``bot/reception/recurrence.py``
implements it with ``dateutil.rrule``; core never hand-writes recurrence rules)."""
from __future__ import annotations

from datetime import date
from typing import Protocol

from core.reception.schedule import Recurrence


class RecurrenceExpander(Protocol):
    def dates(self, rule: Recurrence, first: date, last: date) -> list[date]:
        """Every date ``rule`` produces in ``first``..``last`` (both included), ascending."""
        ...
