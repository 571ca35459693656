"""Demo mode (``[web] demo = true``, loopback only): a picker to act as any roster person.

NEVER for production: anyone who can open the page can act as anyone. The config refuses
it on a non-loopback host and ``add_demo_routes`` checks again. The picker only issues an
ordinary web token (the same as ``python -m bot web token``), which the API then checks
like any other, so demo mode adds no second way into /api/.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.web.body import Refused, flat_json
from bot.web.tokens import TokenCache, issue_tokens
from bot.web_settings import is_loopback
from core.clock import Clock
from core.model import Role
from storage.uow import Sessions, read_only

# The order of the picker's groups: the people a visitor most wants to play first.
ROLE_ORDER = (Role.STUDENT, Role.PARTY_MEMBER, Role.BRANCH_SECRETARY, Role.COLLEGE_COMMITTEE,
              Role.LEADER, Role.ADMIN, Role.COUNSELLOR, Role.PSYCH_CENTRE, Role.CRISIS_TEAM,
              Role.IDENTITY_SUPERVISOR, Role.DISCIPLINE_CONTACT, Role.FUNCTIONAL_CONTACT,
              Role.STAFF)
PER_GROUP = 30  # students are many; the picker shows the first ones


class DemoRefused(Exception):
    """Demo mode asked for on an address other than loopback."""


async def demo_people(sf: Sessions) -> list[dict[str, Any]]:
    """Groups of active people with a number, one per role, each sorted by number.

    A person with several roles is listed in each; people without a role assignment are
    grouped by their kind (student / staff).
    """
    async with read_only(sf) as uow:
        people = await uow.web.numbered_people()
        roles = await uow.web.role_holders()
    by_person: dict[int, set[str]] = {}
    for pid, role in roles:
        by_person.setdefault(pid, set()).add(role)
    groups: dict[str, list[dict[str, Any]]] = {r.value: [] for r in ROLE_ORDER}
    for pid, number, name, kind, unit in people:
        for role in by_person.get(pid) or {kind}:
            group = groups.setdefault(role, [])
            if len(group) < PER_GROUP:
                group.append({"number": number, "name": name, "unit": unit or ""})
    return [{"role": role, "people": members} for role, members in groups.items() if members]


def add_demo_routes(app: web.Application, *, host: str, sf: Sessions, clock: Clock,
                    users: TokenCache) -> None:
    if not is_loopback(host):
        raise DemoRefused(f"demo mode runs only on a loopback address, not on {host!r}")
    issued: dict[str, str] = {}  # person number -> token, reused while it stays valid

    async def people(request: web.Request) -> web.Response:
        groups = await demo_people(sf)
        # Everyone the picker shows gets a web chat now, before any concern exists: a
        # task card or a 回访 sent to a person with no web identity would reach them on
        # no channel here, and the visitor who switches to them would find nothing.
        missing = sorted({p["number"] for g in groups for p in g["people"]} - issued.keys())
        if missing:
            issued.update(await issue_tokens(sf, missing, clock.now(), demo=True))
        return web.json_response({"groups": groups})

    async def login(request: web.Request) -> web.Response:
        number = (await flat_json(request, {"number": (str,)})).get("number")
        if number is None or not 0 < len(number) <= 40:
            raise Refused(400, "bad_field", field="number")
        token = issued.get(number)
        if token is None or await users.user(token, clock.now()) is None:
            fresh = await issue_tokens(sf, [number], clock.now(), demo=True)
            if number not in fresh:
                raise Refused(404, "unknown_person")
            token = issued[number] = fresh[number]
        return web.json_response({"token": token})

    app.router.add_get("/demo/people", people)
    app.router.add_post("/demo/login", login)
