"""Reception days' library-backed parts behind core's ports (dateutil's rrule, the
iCalendar feed) and the ``python -m bot reception`` command."""
