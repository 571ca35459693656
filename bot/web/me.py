"""What the page shows about the person it acts as: name, roles, and the menu for them."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.model import Role
from bot.web import CHANNEL
from storage.tables import ChannelIdentity, Person, RoleAssignment

#: The role the header names first: the one a person most acts in.
SHOWN_FIRST = (Role.ADMIN, Role.LEADER, Role.COLLEGE_COMMITTEE, Role.BRANCH_SECRETARY,
               Role.CRISIS_TEAM, Role.PSYCH_CENTRE, Role.COUNSELLOR, Role.IDENTITY_SUPERVISOR,
               Role.DISCIPLINE_CONTACT, Role.FUNCTIONAL_CONTACT, Role.PARTY_MEMBER,
               Role.STAFF, Role.STUDENT)
#: Requesters only: they have concerns, never tasks (/tasks lists what one handles).
REQUESTER_ROLES = {Role.STUDENT.value, Role.STAFF.value}


async def about(sf: async_sessionmaker, person_id: int, name: str | None, *, identity: str,
                default_locale: str) -> dict[str, Any]:
    """``{"name", "roles" (first: the one shown), "menu" (commands of the page's menu),
    "locale" (the language the bot speaks to this link's account: the page follows it)}``."""
    async with sf() as session:
        kind = (await session.execute(select(Person.kind).where(
            Person.id == person_id))).scalar_one_or_none()
        locale = (await session.execute(select(ChannelIdentity.locale).where(
            ChannelIdentity.channel == CHANNEL, ChannelIdentity.external_id == identity)))\
            .scalar_one_or_none()
        held = set((await session.execute(select(RoleAssignment.role).where(
            RoleAssignment.person_id == person_id))).scalars())
    if kind:
        held.add(kind)  # a student or staff member, whatever else they are
    order = [r.value for r in SHOWN_FIRST]
    roles = sorted(held, key=lambda r: order.index(r) if r in order else len(order))
    menu = ["new", "my"] + (["tasks"] if held - REQUESTER_ROLES else []) + ["help"]
    return {"name": name or "", "roles": roles, "menu": menu,
            "locale": locale or default_locale}
