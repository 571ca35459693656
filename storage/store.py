"""SqlStore: the core Store port over one SQLAlchemy session (one transaction)."""
from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.model import ConcernStatus, Lane, PersonKind, RequesterProfile, UnitKind, Zone, ZoneScope
from core.ports import BindingCodeView, ConversationState, IdentityView, PersonCard
from core.replies import Reply
from core.types import JSON, JSONObject, Scalar
from storage import tables as T
from storage.crisis_store import CrisisStoreMixin
from storage.handling_store import HandlingStoreMixin
from storage.routing_store import RoutingStoreMixin

OPEN_STATUSES = [s.value for s in (ConcernStatus.RECEIVED, ConcernStatus.DISPATCHED,
                                   ConcernStatus.ACCEPTED, ConcernStatus.IN_PROGRESS,
                                   ConcernStatus.EXTENSION_REQUESTED, ConcernStatus.REOPENED,
                                   ConcernStatus.RETURNED)]


def _identity(row: T.ChannelIdentity) -> IdentityView:
    return IdentityView(id=row.id, channel=row.channel, external_id=row.external_id,
                        chat_id=row.chat_id, person_id=row.person_id, locale=row.locale,
                        unreachable=row.unreachable_at is not None,
                        privacy_noticed=row.privacy_noticed_at is not None)


class SqlStore(HandlingStoreMixin, RoutingStoreMixin, CrisisStoreMixin):
    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        # The session's identity map holds rows weakly: without this reference the row
        # read by load_conversation is gone by save_conversation, which reads it again.
        self._conversations: dict[tuple[str, str], T.Conversation | None] = {}
        # Filled by prefetch() for a batch of inbound messages handled in this session:
        # identity rows by (channel, external_id) (None: known not to exist), flood
        # counts by (chat_key, since), and the college list once read.
        self._identities: dict[tuple[str, str], T.ChannelIdentity | None] = {}
        self._recent: dict[tuple[str, datetime], int] = {}
        self._batch_chat_keys: set[str] = set()
        self._colleges: list[tuple[str, str]] | None = None
        # Outbox and audit rows, written as one executemany INSERT per table before any
        # other statement of this session and at commit (see _defer).
        self._deferred: dict[type[T.Base], list[dict[str, Any]]] = {}
        self._hooked = False

    # -- deferred inserts -------------------------------------------------------------
    def _defer(self, model: type[T.Base], values: dict[str, Any]) -> None:
        """Queue a row whose id nobody needs, instead of ``session.add``.

        The ORM inserts such rows one statement each on SQLite (it needs each new id and
        SQLite's RETURNING does not keep the rows' order), so a batch of handled messages
        cost one INSERT per reply. Queued rows are inserted with one executemany per table
        before the session runs any other statement (so reads in this transaction see
        them, as with autoflush) and before it commits; a rollback drops them.
        """
        if not self._hooked:
            sync = self.s.sync_session
            event.listen(sync, "do_orm_execute", self._write_deferred_before)
            event.listen(sync, "before_commit", self._write_deferred_at_commit)
            event.listen(sync, "after_rollback", self._drop_deferred)
            self._hooked = True
        self._deferred.setdefault(model, []).append(values)

    def _write_deferred(self, sync_session: Any) -> None:
        deferred, self._deferred = self._deferred, {}
        for model, rows in deferred.items():
            # The Core table, not the ORM entity: ORM bulk INSERT processes every value
            # of every row in Python again; the rows here are already plain column values.
            # (SQLAlchemy's stubs type DeclarativeBase.__table__ as a FromClause: it is a Table)
            sync_session.execute(insert(model.__table__), rows)  # type: ignore[arg-type]

    def _write_deferred_before(self, state: Any) -> None:
        if self._deferred:
            self._write_deferred(state.session)

    def _write_deferred_at_commit(self, sync_session: Any) -> None:
        if self._deferred:
            sync_session.flush()  # the rows they refer to (people, concerns) first
            self._write_deferred(sync_session)

    def _drop_deferred(self, sync_session: Any) -> None:
        self._deferred = {}

    # -- batch prefetch ---------------------------------------------------------------
    async def prefetch(self, *, conversations: Iterable[tuple[str, str]] = (),
                       identities: Iterable[tuple[str, str]] = (),
                       recent_chat_keys: Iterable[str] = ()) -> None:
        """Read in a few statements what handling a batch of messages will ask for.

        ``conversations``: (channel, chat_id); ``identities``: (channel, external_id);
        ``recent_chat_keys``: the first ``recent_inbound`` call for one of these chats
        counts all of them in one grouped statement (for that ``since``). Later calls for
        these keys are answered from memory; any other key still reads the database.
        Writes through this store keep the cached identity and conversation rows current
        (they are the session's own ORM objects). The flood counts are those of the
        batch's first flood check: rows stored after it count from the next batch on.
        """
        for channel, chat_ids in _by_channel(conversations).items():
            want = [c for c in chat_ids if (channel, c) not in self._conversations]
            for part in _chunks(want):
                rows = (await self.s.execute(select(T.Conversation).where(
                    T.Conversation.channel == channel, T.Conversation.chat_id.in_(part))
                )).scalars().all()
                found = {r.chat_id: r for r in rows}
                for c in part:
                    self._conversations[(channel, c)] = found.get(c)
        for channel, external_ids in _by_channel(identities).items():
            want = [e for e in external_ids if (channel, e) not in self._identities]
            for part in _chunks(want):
                rows = (await self.s.execute(select(T.ChannelIdentity).where(
                    T.ChannelIdentity.channel == channel,
                    T.ChannelIdentity.external_id.in_(part)))).scalars().all()
                found = {r.external_id: r for r in rows}
                for e in part:
                    self._identities[(channel, e)] = found.get(e)
        self._batch_chat_keys.update(recent_chat_keys)

    # -- identities -------------------------------------------------------------------
    async def upsert_identity(self, channel: str, external_id: str, chat_id: str, *,
                              username: str | None, display_name: str | None,
                              now: datetime) -> IdentityView:
        key = (channel, external_id)
        if key in self._identities:
            row = self._identities[key]
        else:
            row = (await self.s.execute(select(T.ChannelIdentity).where(
                T.ChannelIdentity.channel == channel,
                T.ChannelIdentity.external_id == external_id))).scalar_one_or_none()
        if row is None:
            row = T.ChannelIdentity(channel=channel, external_id=external_id, chat_id=chat_id,
                                    username=username, display_name=display_name, created_at=now)
            self.s.add(row)
            await self.s.flush()
            if key in self._identities:
                self._identities[key] = row
        else:
            row.chat_id, row.username, row.display_name = chat_id, username, display_name
            # A message from the user proves they unblocked the bot.
            row.unreachable_at = None
        return _identity(row)

    async def set_identity_locale(self, identity_id: int, locale: str) -> None:
        await self.s.execute(update(T.ChannelIdentity).where(T.ChannelIdentity.id == identity_id)
                             .values(locale=locale))

    async def mark_privacy_noticed(self, identity_id: int, now: datetime) -> None:
        row = await self.s.get(T.ChannelIdentity, identity_id)  # the cached row, if read
        if row is not None:
            row.privacy_noticed_at = now

    async def link_identity(self, identity_id: int, person_id: int) -> None:
        await self.s.execute(update(T.ChannelIdentity).where(T.ChannelIdentity.id == identity_id)
                             .values(person_id=person_id))

    async def identities_of(self, person_id: int) -> list[IdentityView]:
        rows = (await self.s.execute(select(T.ChannelIdentity).where(
            T.ChannelIdentity.person_id == person_id).order_by(T.ChannelIdentity.id))).scalars()
        return [_identity(r) for r in rows]

    async def mark_unreachable(self, channel: str, chat_id: str, now: datetime) -> list[int]:
        rows = (await self.s.execute(select(T.ChannelIdentity).where(
            T.ChannelIdentity.channel == channel, T.ChannelIdentity.chat_id == chat_id))).scalars()
        people = []
        for r in rows:
            r.unreachable_at = now
            if r.person_id:
                people.append(r.person_id)
        return people

    # -- people -----------------------------------------------------------------------
    async def person_card(self, person_id: int) -> PersonCard | None:
        p = await self.s.get(T.Person, person_id)
        if p is None:
            return None
        unit = await self.s.get(T.OrgUnit, p.unit_id) if p.unit_id else None
        college = unit
        while college is not None and college.kind not in (UnitKind.COLLEGE.value,):
            college = await self.s.get(T.OrgUnit, college.parent_id) if college.parent_id else None
        return PersonCard(id=p.id, name=p.name, number=p.number, kind=p.kind,
                          unit_name=unit.name if unit else None,
                          college_name=college.name if college else None,
                          dorm_building=p.dorm_building, dorm_room=p.dorm_room,
                          class_name=p.class_name, verified=p.verified)

    async def requester_profile(self, person_id: int) -> RequesterProfile:
        p = await self.s.get(T.Person, person_id)
        branch, college = await self._branch_and_college(person_id)
        return RequesterProfile(person_id=person_id, dorm_building=p.dorm_building if p else None,
                                class_name=p.class_name if p else None,
                                branch_code=branch, college_code=college)

    async def colleges(self) -> list[tuple[str, str]]:
        # Read once per store (one transaction); nothing in a handling transaction
        # changes org units, and a roster import commits in its own transaction.
        if self._colleges is None:
            rows = await self.s.execute(select(T.OrgUnit.code, T.OrgUnit.name).where(
                T.OrgUnit.kind == UnitKind.COLLEGE.value, T.OrgUnit.active.is_(True))
                .order_by(T.OrgUnit.code))
            self._colleges = [(c, n) for c, n in rows]
        return list(self._colleges)

    async def dorm_buildings(self) -> list[str]:
        rows = await self.s.execute(select(T.Person.dorm_building).where(
            T.Person.dorm_building.is_not(None), T.Person.dorm_building != "",
            T.Person.verified.is_(True)).distinct().order_by(T.Person.dorm_building))
        return [b for (b,) in rows]

    async def create_unverified_person(self, *, name: str, college_code: str,
                                       dorm_building: str, now: datetime) -> int:
        unit_id = (await self.s.execute(select(T.OrgUnit.id).where(
            T.OrgUnit.code == college_code))).scalar_one_or_none()
        p = T.Person(number=None, name=name, kind=PersonKind.STUDENT.value, unit_id=unit_id,
                     dorm_building=dorm_building, verified=False, active=True,
                     created_at=now, updated_at=now)
        self.s.add(p)
        await self.s.flush()
        return p.id

    async def people_with_role(self, role: str) -> list[int]:
        rows = await self.s.execute(select(T.RoleAssignment.person_id).join(
            T.Person, T.Person.id == T.RoleAssignment.person_id).where(
            T.RoleAssignment.role == role, T.Person.active.is_(True)).distinct())
        return sorted(p for (p,) in rows)

    # -- binding ----------------------------------------------------------------------
    async def find_binding_code(self, code_hash: str) -> BindingCodeView | None:
        r = (await self.s.execute(select(T.BindingCode).where(
            T.BindingCode.code_hash == code_hash))).scalar_one_or_none()
        return None if r is None else BindingCodeView(r.id, r.person_id, r.expires_at,
                                                      r.used_at, r.revoked_at)

    async def mark_code_used(self, code_id: int, now: datetime) -> None:
        await self.s.execute(update(T.BindingCode).where(T.BindingCode.id == code_id)
                             .values(used_at=now))

    async def failed_binding_attempts(self, channel: str, external_id: str,
                                      since: datetime) -> int:
        return (await self.s.execute(select(func.count()).select_from(T.BindingAttempt).where(
            T.BindingAttempt.channel == channel, T.BindingAttempt.external_id == external_id,
            T.BindingAttempt.ok.is_(False), T.BindingAttempt.created_at >= since))).scalar_one()

    async def add_binding_attempt(self, channel: str, external_id: str, ok: bool,
                                  now: datetime) -> None:
        self.s.add(T.BindingAttempt(channel=channel, external_id=external_id, ok=ok,
                                    created_at=now))

    async def unlink_person_identities(self, person_id: int, channel: str) -> None:
        await self.s.execute(update(T.ChannelIdentity).where(
            T.ChannelIdentity.person_id == person_id, T.ChannelIdentity.channel == channel)
            .values(person_id=None))

    # -- concerns ---------------------------------------------------------------------
    async def concern_by_source(self, source_key: str) -> tuple[int, str, int | None] | None:
        r = (await self.s.execute(select(T.Concern.id, T.Concern.number,
                                         T.Concern.assigned_member_id).where(
            T.Concern.source_key == source_key))).first()
        return None if r is None else (r[0], r[1], r[2])

    async def active_zones(self, category: str) -> list[Zone]:
        rows = (await self.s.execute(select(T.ResponsibilityZone).join(
            T.Person, T.Person.id == T.ResponsibilityZone.member_id).where(
            T.ResponsibilityZone.active.is_(True), T.Person.active.is_(True),
            T.ResponsibilityZone.category.in_([category, "*"])))).scalars()
        return [Zone(id=z.id, category=z.category, scope=ZoneScope(z.scope), value=z.value,
                     member_id=z.member_id, deputy_id=z.deputy_id) for z in rows]

    async def open_load(self, member_ids: list[int]) -> dict[int, int]:
        if not member_ids:
            return {}
        rows = await self.s.execute(select(T.Concern.assigned_member_id, func.count()).where(
            T.Concern.assigned_member_id.in_(member_ids), T.Concern.status.in_(OPEN_STATUSES))
            .group_by(T.Concern.assigned_member_id))
        return {m: n for m, n in rows}

    async def next_concern_seq(self, year: int) -> int:
        # UPDATE ... first takes the row lock on PostgreSQL, so concurrent intakes serialise
        # here instead of colliding on the unique concern number.
        res = await self.s.execute(update(T.ConcernCounter).where(T.ConcernCounter.year == year)
                                   .values(last=T.ConcernCounter.last + 1)
                                   .returning(T.ConcernCounter.last))
        got = res.scalar_one_or_none()
        if got is not None:
            return got
        self.s.add(T.ConcernCounter(year=year, last=1))
        await self.s.flush()
        return 1

    async def add_concern(self, **fields: Scalar) -> int:
        c = T.Concern(**fields)
        self.s.add(c)
        await self.s.flush()
        return c.id

    async def add_event(self, concern_id: int, kind: str, *, from_status: str | None,
                        to_status: str | None, actor_id: int | None, detail: JSONObject,
                        now: datetime) -> None:
        self.s.add(T.ConcernEvent(concern_id=concern_id, kind=kind, from_status=from_status,
                                  to_status=to_status, actor_id=actor_id, detail=detail,
                                  created_at=now))

    async def add_attachment(self, concern_id: int, attachment: JSONObject,
                             now: datetime) -> None:
        self.s.add(T.Attachment(concern_id=concern_id, kind=attachment["kind"],
                                file_name=attachment.get("file_name"),
                                mime_type=attachment.get("mime_type"),
                                size=attachment.get("size"), channel_refs=attachment["refs"],
                                created_at=now))

    async def concern_attachments(self, concern_id: int) -> list[dict[str, JSON]]:
        rows = (await self.s.execute(select(T.Attachment).where(
            T.Attachment.concern_id == concern_id).order_by(T.Attachment.id))).scalars()
        return [{k: v for k, v in (("kind", r.kind), ("refs", r.channel_refs),
                                   ("file_name", r.file_name), ("mime_type", r.mime_type),
                                   ("size", r.size)) if v is not None} for r in rows]

    # -- messages and audit -----------------------------------------------------------
    async def enqueue(self, channel: str, chat_id: str, reply: Reply, *, lane: Lane,
                      locale: str, person_id: int | None, now: datetime) -> int:
        self._defer(T.OutboxRow, dict(
            channel=channel, chat_id=chat_id, person_id=person_id, lane=int(lane),
            reply=reply.to_dict(), locale=locale, status="pending", attempts=0,
            created_at=now))
        return 0

    async def audit(self, kind: str, actor_id: int | None, detail: JSONObject,
                    now: datetime) -> None:
        self._defer(T.AuditLog, dict(kind=kind, actor_id=actor_id, detail=detail,
                                     created_at=now))

    # -- conversations ----------------------------------------------------------------
    async def load_conversation(self, channel: str, chat_id: str) -> ConversationState:
        key = (channel, chat_id)
        if key in self._conversations:  # prefetched, or loaded/saved earlier in this session
            r = self._conversations[key]
        else:
            r = await self.s.get(T.Conversation, key)
            self._conversations[key] = r
        if r is None:
            return ConversationState(channel, chat_id)
        # A deep copy: flows mutate nested values (a draft's text list) in place, and the
        # row kept for save_conversation must still hold what was loaded, or the change
        # would look like no change and not be written.
        return ConversationState(channel, chat_id, r.flow, r.step, copy.deepcopy(r.data or {}),
                                 r.version, r.flood_notice_at)

    async def save_conversation(self, st: ConversationState, now: datetime) -> None:
        key = (st.channel, st.chat_id)
        if key in self._conversations:  # loaded or prefetched (None: known not to exist)
            r = self._conversations[key]
        else:
            r = await self.s.get(T.Conversation, key)
        if r is None:
            r = T.Conversation(channel=st.channel, chat_id=st.chat_id, flow=st.flow,
                               step=st.step, data=st.data, version=st.version,
                               flood_notice_at=st.flood_notice_at, updated_at=now)
            self.s.add(r)
            self._conversations[key] = r
        else:
            r.flow, r.step, r.data, r.version = st.flow, st.step, dict(st.data), st.version
            r.flood_notice_at, r.updated_at = st.flood_notice_at, now

    async def recent_inbound(self, chat_key: str, since: datetime) -> int:
        cached = self._recent.get((chat_key, since))
        if cached is not None:
            return cached
        if chat_key in self._batch_chat_keys:
            keys = sorted(k for k in self._batch_chat_keys if (k, since) not in self._recent)
            for part in _chunks(keys):
                rows = await self.s.execute(select(T.InboxRow.chat_key, func.count()).where(
                    T.InboxRow.chat_key.in_(part), T.InboxRow.received_at >= since)
                    .group_by(T.InboxRow.chat_key))
                counts = dict(rows.tuples().all())
                for k in part:
                    self._recent[(k, since)] = counts.get(k, 0)
            return self._recent[(chat_key, since)]
        return (await self.s.execute(select(func.count()).select_from(T.InboxRow).where(
            T.InboxRow.chat_key == chat_key, T.InboxRow.received_at >= since))).scalar_one()


def _by_channel(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for channel, value in pairs:
        if value not in out.setdefault(channel, []):
            out[channel].append(value)
    return out


def _chunks(values: list[Any], size: int = 500) -> Iterable[list[Any]]:
    """IN lists of bounded size (SQLite caps bound parameters per statement)."""
    for i in range(0, len(values), size):
        yield values[i:i + size]

