"""``/visit``: a leader schedules an outreach visit (下访) to one of their contact units
(领导联系点). docs/decisions/0019.

The visit is a one-date schedule with the unit as its contact unit, saved through the
same path as an admin's ``/receptions add`` (the roster sheet's row checks, source
``command``, audited, materialised at once). From there the visit is an ordinary session:
the unit's people are told by the next reminder sweep (within a minute), only they may
book topics until the cut-off, and the agenda, reminders and after-visit concerns follow.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from core.errors import InputError
from core.model import Role
from core.reception.admin import AdminSetting, ReceptionAdminUseStore, ScheduleDone, \
    save_schedule
from core.reception.admin_parse import AdminRequest, parse_date, parse_span
from core.replies import t

MAX_PLACE_CHARS = 100


@dataclass(frozen=True)
class VisitRequest:
    unit: str
    day: date
    start: time
    end: time
    place: str


def parse_visit(arg: str) -> VisitRequest | None:
    """``UNIT DATE HH:MM-HH:MM PLACE``; None for an empty argument (show the usage)."""
    words = arg.split()
    if not words:
        return None
    if len(words) < 4:
        raise InputError("visit.usage")
    start, end = parse_span(words[2])
    place = arg.strip().split(None, 3)[3].strip()
    if len(place) > MAX_PLACE_CHARS:
        raise InputError("visit.place_too_long", limit=t("unit.chars", count=MAX_PLACE_CHARS))
    return VisitRequest(words[0].upper(), parse_date(words[1]), start, end, place)


async def leader_units(store: ReceptionAdminUseStore, person_id: int | None,
                       now: datetime) -> tuple[str, list[tuple[str, str]]]:
    """The leader's number and contact units; refused (audited) to anyone else."""
    roles = {r for r, _ in await store.roles_of(person_id)} if person_id is not None else set()
    card = await store.person_card(person_id) if person_id is not None else None
    if Role.LEADER.value not in roles or card is None or not card.number:
        await store.audit("refused", person_id, {"action": "visit", "why": "not_leader"}, now)
        raise InputError("visit.not_leader")
    assert person_id is not None
    return card.number, await store.leader_contact_units(person_id)


async def plan_visit(store: ReceptionAdminUseStore, person_id: int | None,
                     request: VisitRequest, *, now: datetime,
                     setting: AdminSetting) -> tuple[ScheduleDone, str]:
    """Save the visit; return what was saved and the unit's name."""
    number, units = await leader_units(store, person_id, now)
    names = dict(units)
    if request.unit not in names:
        raise InputError("visit.not_contact_unit", unit=request.unit,
                         units="、".join(f"{n}（{c}）" for c, n in units) or "—")
    today = now.astimezone(ZoneInfo(setting.tz)).date()
    if request.day <= today:
        raise InputError("visit.too_soon", day=request.day.isoformat())
    if not setting.calendar.is_workday(request.day):
        raise InputError("visit.off_day", day=request.day.isoformat())
    code = f"V-{number}-{request.day:%Y%m%d}-{request.unit}"
    values = {"code": code, "leader": number, "place": request.place, "repeat": "weekly",
              "weekday": str(request.day.isoweekday()), "from": request.day.isoformat(),
              "until": request.day.isoformat(), "start": f"{request.start:%H:%M}",
              "end": f"{request.end:%H:%M}", "holiday_policy": "next",
              "contact_unit": request.unit}
    done = await save_schedule(store, person_id, AdminRequest("add", values=values), now,
                               setting)
    return done, names[request.unit]
