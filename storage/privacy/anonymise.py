"""Anonymising concerns in place (core/privacy/policy.py says what goes and what stays).

For each concern: its free texts become ``ANONYMISED_TEXT``; its attachment rows go (their
files are returned, to leave the upload folder once no row names them); its relayed
messages keep their direction and time, not their text or files; its events keep their
kind, states, time and the handlers' ids, not the texts in their detail; its requester,
wherever they are named as the actor, becomes the anonymous requester of their college
and kind; the reception topic it came from loses its text and files, and its bookings
their people (storage/privacy/reception.py); the done outbox rows
that carried it (found by its number) are scrubbed; an ``anonymised`` event is appended.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.model import UnitKind
from core.privacy.policy import ANONYMISED_TEXT, CONCERN_TEXTS, anonymous_number, redact_detail
from core.privacy.ports import Removed
from storage import tables as T
from storage.privacy.files import files_of, refs_of
from storage.privacy.messages import forget_naming
from storage.privacy.reception import anonymise_topics

_PEOPLE = cast(Table, T.Person.__table__)


async def anonymous_requester(s: Any, unit_id: int | None, kind: str, now: datetime) -> int:
    """The id of the anonymous requester of this unit and kind, made on first use (two
    sweeps at once make it once: the insert yields to the unique number)."""
    number = anonymous_number(unit_id, kind)
    found = await s.scalar(select(T.Person.id).where(T.Person.number == number))
    if found is not None:
        return int(found)
    insert = (postgresql.insert if s.bind.dialect.name == "postgresql" else sqlite.insert)
    await s.execute(insert(_PEOPLE).values(
        number=number, name=ANONYMISED_TEXT, kind=kind, unit_id=unit_id, verified=False,
        active=False, created_at=now, updated_at=now).on_conflict_do_nothing(
        index_elements=["number"]))
    return int(await s.scalar(select(T.Person.id).where(T.Person.number == number)))


async def _group_unit(s: Any, unit_id: int | None, cache: dict[int, int | None]) -> int | None:
    """The unit an anonymous requester stands for: a branch's college, else the unit."""
    if unit_id is None:
        return None
    if unit_id not in cache:
        unit = await s.get(T.OrgUnit, unit_id)
        cache[unit_id] = unit.parent_id if unit is not None and \
            unit.kind == UnitKind.BRANCH.value and unit.parent_id else unit_id
    return cache[unit_id]


async def stand_ins(s: Any, people: Sequence[int], now: datetime) -> dict[int, int]:
    """For each person, the anonymous requester who stands in for them."""
    units: dict[int, int | None] = {}
    out: dict[int, int] = {}
    for pid, unit_id, kind in (await s.execute(select(T.Person.id, T.Person.unit_id,
                                                      T.Person.kind).where(
            T.Person.id.in_(sorted(set(people)))))).all():
        out[pid] = await anonymous_requester(s, await _group_unit(s, unit_id, units), kind, now)
    return out


async def anonymise(s: Any, ids: Sequence[int], why: str, now: datetime) -> Removed:
    """Anonymise these concerns (see the module); what was touched."""
    rows = (await s.execute(select(T.Concern.id, T.Concern.number, T.Concern.requester_id)
                            .where(T.Concern.id.in_(list(ids))))).all()
    if not rows:
        return Removed()
    ids = [r.id for r in rows]
    requester = {r.id: r.requester_id for r in rows}
    stand_in = await stand_ins(s, list(requester.values()), now)
    done = Removed(concerns=len(rows))
    atts = (await s.execute(select(T.Attachment.id, T.Attachment.channel_refs).where(
        T.Attachment.concern_id.in_(ids)))).all()
    done.files += [f for _, refs in atts for f in refs_of(refs)]
    done.attachments = len(atts)
    if atts:
        await s.execute(delete(T.Attachment).where(T.Attachment.id.in_([a for a, _ in atts])))
    relays = (await s.execute(select(T.RelayMessage).where(
        T.RelayMessage.concern_id.in_(ids)))).scalars().all()
    for m in relays:
        done.files += files_of(m.attachments or [])
        m.text, m.attachments = ANONYMISED_TEXT, []
        if m.sender_id == requester[m.concern_id]:
            m.sender_id = stand_in[m.sender_id]
    done.relay_messages = len(relays)
    events = (await s.execute(select(T.ConcernEvent).where(
        T.ConcernEvent.concern_id.in_(ids)))).scalars().all()
    for e in events:
        e.detail = redact_detail(e.detail or {})
        if e.actor_id is not None and e.actor_id == requester[e.concern_id]:
            e.actor_id = stand_in[e.actor_id]
    done.events = len(events)
    columns = [getattr(T.Concern, c) for c in CONCERN_TEXTS]
    for cid, *values in (await s.execute(select(T.Concern.id, *columns).where(
            T.Concern.id.in_(ids)))).all():
        # a text that was empty (no reply, no comment) stays empty
        texts = {c: ANONYMISED_TEXT for c, v in zip(CONCERN_TEXTS, values, strict=True) if v}
        await s.execute(update(T.Concern).where(T.Concern.id == cid).values(
            requester_id=stand_in[requester[cid]], source_key=None, **texts))
    topics = await _topics(s, ids, now)
    done.reception_topics, done.reception_bookings = (topics.reception_topics,
                                                      topics.reception_bookings)
    done.files += topics.files
    done.outbox_rows, done.inbox_rows, named = await forget_naming(
        s, [r.number for r in rows], now)
    done.files += named
    for r in rows:
        s.add(T.ConcernEvent(concern_id=r.id, kind="anonymised", from_status=None,
                             to_status=None, actor_id=None, detail={"why": why},
                             created_at=now))
    await s.flush()
    return done


async def _topics(s: Any, ids: Sequence[int], now: datetime) -> Removed:
    """The reception topics these concerns came from, and all their bookings: a booking
    names its person and its topic the concern, so both lose their people at once."""
    topics = (await s.execute(select(T.ReceptionTopic).where(
        T.ReceptionTopic.concern_id.in_(list(ids))).order_by(T.ReceptionTopic.id))
              ).scalars().all()
    return await anonymise_topics(s, topics, now)
