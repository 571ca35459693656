"""Survey reminders (docs/decisions/0020): at each of the survey's reminder offsets after
its push, the people it reached who have not submitted get it again, through the same
push engine (a new round of their deliveries). None after the survey closes or is
cancelled; at most as many as the file lists (``[surveys] max_reminders`` caps the file);
a round waits until the previous one has gone out."""
from __future__ import annotations

from datetime import datetime

from core.ports import Store
from core.surveys.data import survey_of


async def start_due_rounds(store: Store, *, now: datetime) -> list[tuple[int, int, int]]:
    """Start every due reminder round; return (survey id, round, people) of each."""
    started = []
    for row, pushed_at, sent_rounds in await store.surveys_for_reminders(now):
        offsets = sorted(survey_of(row.definition).reminders)
        if sent_rounds >= len(offsets) or now < pushed_at + offsets[sent_rounds]:
            continue
        round_ = sent_rounds + 1
        people = await store.start_reminder_round(row.id, round_, now)
        await store.audit("survey_reminder", None, {"survey": row.code, "round": round_,
                                                    "people": people}, now)
        started.append((row.id, round_, people))
    return started
