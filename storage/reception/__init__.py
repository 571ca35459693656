"""Reception days' storage: schedules and overrides read as core shapes, the materialised
sessions (``materialise.py``), and the roster sheets' replacement (``roster_apply.py``)."""
