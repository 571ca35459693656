"""Pushing a survey (first slice, docs/decisions/0020): one delivery row per person of
the audience, then the invitation to each reachable one through the outbox's bulk lane,
which the sender paces (``[outbox]`` rates; interactive and crisis lanes go first).

Not yet: streaming the deliveries into the outbox a window at a time, per-delivery
outcomes (sent / failed / unreachable), pause and resume, the crash rule for sends in
flight, progress; those come with the push engine.
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from core.actions import Verb, encode
from core.errors import InputError
from core.model import Lane
from core.notify import ManyNotifyStore, notify_people
from core.ports import Store
from core.replies import Button, Reply, t
from core.surveys.admin import Preview, preview


class PushStore(Store, ManyNotifyStore, Protocol):
    """The store, and sending to many people with one identity query."""


async def start_push(store: PushStore, code: str, *, person_id: int | None, now: datetime,
                     tz: str, default_locale: str) -> Preview:
    """Write the deliveries and queue the invitations; the survey is then ``open``."""
    found = await preview(store, code)
    if found.status != "created":
        raise InputError("survey_admin.already_pushed", code=code, status=found.status)
    if found.survey.closes_at <= now:
        raise InputError("survey_admin.closes_in_past",
                         closes=found.survey.closes_at.isoformat())
    s, reach = found.survey, found.reach
    await store.add_survey_deliveries(found.survey_id, list(reach.reachable),
                                      dict(reach.unreachable), now)
    closes = s.closes_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    invite = Reply("survey.invite", {
        "title": s.title, "closes": closes,
        "questions": t("unit.questions", count=len(s.questions)),
        "anonymous": t("survey.anonymous" if s.anonymous else "survey.named")},
        ((Button("survey.start_button", encode(Verb.SV_OPEN, str(found.survey_id))),),))
    await notify_people(store, [(reach.reachable, invite)], lane=Lane.BULK, now=now,
                        default_locale=default_locale)
    await store.set_survey_status(found.survey_id, "open", now, pushed=True)
    await store.audit("survey_pushed", person_id, {"survey": code,
                                                   "reachable": len(reach.reachable),
                                                   "unreachable": len(reach.unreachable)}, now)
    return found
