"""Dispatch pickers (core.concerns.pickers): who the secretary is offered after a 退单."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from core.concerns.pickers import redispatch_allowed, redispatch_offer
from core.ports import IdentityView
from tests.unit.fakes import FakeStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
RETURNER, BUSY, UNBOUND, NEIGHBOUR, FAR = 1, 2, 3, 4, 5
CONCERN = SimpleNamespace(branch_code="ACC-S1", college_code="ACC")


def _store() -> FakeStore:
    s = FakeStore()
    s.roles_at = {("party_member", "ACC-S1"): [RETURNER, BUSY, UNBOUND],
                  ("party_member", "ACC-T1"): [NEIGHBOUR],
                  ("party_member", "ECO-S1"): [FAR]}
    s.college_of = {"ACC-S1": "ACC", "ACC-T1": "ACC", "ECO-S1": "ECO"}
    s.identities = [IdentityView(p, "telegram", str(p), str(p), p, None)
                    for p in (RETURNER, BUSY, NEIGHBOUR, FAR)]
    return s


async def test_the_branch_members_who_can_take_it_are_offered() -> None:
    s = _store()
    assert await redispatch_offer(s, CONCERN, NOW, returned_by=RETURNER) == ([BUSY], False)


async def test_with_the_branch_away_the_colleges_other_branches_are_offered() -> None:
    s = _store()
    s.away.add(BUSY)
    assert await redispatch_offer(s, CONCERN, NOW, returned_by=RETURNER) == ([NEIGHBOUR], True)
    # The press is checked against the branch and the college, never another college.
    allowed = await redispatch_allowed(s, CONCERN)
    assert NEIGHBOUR in allowed and BUSY in allowed and FAR not in allowed
    s.away.add(NEIGHBOUR)
    assert await redispatch_offer(s, CONCERN, NOW, returned_by=RETURNER) == ([], True)
