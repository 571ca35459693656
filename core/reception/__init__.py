"""Leaders' reception days (领导接待日): schedules as data, their recurrence (expanded through
the ``RecurrenceExpander`` port, implemented with dateutil in ``bot/reception/``), the
holiday policy on the working-day calendar, single-date overrides and the concrete
sessions they make (docs/decisions/0018)."""
