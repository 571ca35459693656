"""Questions about the roster as a whole, asked before importing one."""
from __future__ import annotations

from sqlalchemy import func, select

from storage.tables import Person
from storage.uow import Sessions, read_only


async def roster_is_empty(sf: Sessions) -> bool:
    """No person has been imported (or created) yet: a fresh database."""
    async with read_only(sf) as uow:
        count = (await uow.session.execute(select(func.count()).select_from(Person))).scalar_one()
    return count == 0
