"""What the page shows about the person it acts as: name, roles, and the menu for them."""
from __future__ import annotations

from typing import Any

from core.model import Role
from bot.web import CHANNEL
from storage.uow import Sessions, read_only

#: The order the header names roles in: the post a person most acts in first (a
#: counsellor who is also a branch secretary is a counsellor first).
SHOWN_FIRST = (Role.ADMIN, Role.LEADER, Role.COLLEGE_COMMITTEE, Role.COUNSELLOR,
               Role.PSYCH_CENTRE, Role.BRANCH_SECRETARY, Role.CRISIS_TEAM,
               Role.IDENTITY_SUPERVISOR, Role.DISCIPLINE_CONTACT, Role.FUNCTIONAL_CONTACT,
               Role.PARTY_MEMBER, Role.STAFF, Role.STUDENT)
#: How many roles the header names.
SHOWN = 2
#: A role the header leaves out when one that implies it is named (every counsellor is on
#: the crisis team; a secretary or a committee member is a Party member).
IMPLIED_BY = {Role.CRISIS_TEAM.value: {Role.COUNSELLOR.value, Role.PSYCH_CENTRE.value},
              Role.PARTY_MEMBER.value: {Role.BRANCH_SECRETARY.value,
                                        Role.COLLEGE_COMMITTEE.value}}
#: Requesters only: they have concerns, never tasks (/tasks lists what one handles).
REQUESTER_ROLES = {Role.STUDENT.value, Role.STAFF.value}


async def about(sf: Sessions, person_id: int, name: str | None, *, identity: str,
                default_locale: str) -> dict[str, Any]:
    """``{"name", "roles" (all, the most important first), "shown" (the header's, at most
    ``SHOWN``; student or staff only for someone with no other role), "menu" (the page's),
    "locale" (the language the bot speaks to this link's account: the page follows it)}``."""
    async with read_only(sf) as uow:
        kind = await uow.web.person_kind(person_id)
        locale = await uow.web.identity_locale(CHANNEL, identity)
        held = await uow.web.roles_of(person_id)
    if kind:
        held.add(kind)  # a student or staff member, whatever else they are
    order = [r.value for r in SHOWN_FIRST]
    roles = sorted(held, key=lambda r: order.index(r) if r in order else len(order))
    # Four chips fit a phone: a requester's third is the reception days, a leader's too
    # (their agendas are there); anyone else with tasks gets /tasks and types /reception.
    third = "reception" if not held - REQUESTER_ROLES or Role.LEADER.value in held \
        else "tasks"
    menu = ["new", "my", third, "help"]
    return {"name": name or "", "roles": roles, "shown": _shown(roles), "menu": menu,
            "locale": locale or default_locale}


def _shown(roles: list[str]) -> list[str]:
    posts = [r for r in roles if r not in REQUESTER_ROLES] or roles
    shown: list[str] = []
    for role in posts:
        if len(shown) < SHOWN and not IMPLIED_BY.get(role, set()) & set(shown):
            shown.append(role)
    return shown
