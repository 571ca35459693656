"""SqlStore: the core Store port over one SQLAlchemy session (one transaction)."""
from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.model import Lane
from core.ports import ConversationState
from core.replies import Reply
from core.types import JSONObject
from storage import tables as T
from storage.calendar.calendar_store import CalendarStoreMixin
from storage.concerns.concern_store import ConcernStoreMixin
from storage.concerns.handling_store import HandlingStoreMixin
from storage.concerns.history_store import HistoryStoreMixin
from storage.concerns.ladder_store import LadderStoreMixin
from storage.concerns.routing_store import RoutingStoreMixin
from storage.crisis.crisis_store import CrisisStoreMixin
from storage.people.people_store import PeopleStoreMixin
from storage.reception.admin_store import ReceptionAdminMixin
from storage.reception.booking_store import ReceptionStoreMixin
from storage.reception.outcome_store import ReceptionOutcomeMixin
from storage.reception.reminder_store import ReceptionReminderMixin
from storage.surveys.answer_store import SurveyAnswerMixin
from storage.surveys.evaluation_store import SurveyEvaluationMixin
from storage.surveys.mix_store import SurveyMixMixin
from storage.surveys.push_store import SurveyPushMixin
from storage.surveys.survey_store import SurveyStoreMixin
from storage.reception.feed_store import ReceptionFeedMixin
from storage.privacy.privacy_store import PrivacyStoreMixin


class SqlStore(PeopleStoreMixin, ConcernStoreMixin, HandlingStoreMixin, RoutingStoreMixin,
               CrisisStoreMixin, HistoryStoreMixin, LadderStoreMixin, CalendarStoreMixin,
               ReceptionStoreMixin, ReceptionFeedMixin, ReceptionReminderMixin,
               ReceptionOutcomeMixin, SurveyStoreMixin,
               SurveyAnswerMixin, SurveyPushMixin, SurveyMixMixin, SurveyEvaluationMixin,
               ReceptionAdminMixin, PrivacyStoreMixin):
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
                                 r.version, r.flood_notice_at,
                                 copy.deepcopy(r.crisis_state) if r.crisis_state else None)

    async def forget_crisis_states(self, before: datetime) -> int:
        res = await self.s.execute(update(T.Conversation).where(
            T.Conversation.crisis_state.is_not(None), T.Conversation.updated_at < before)
            .values(crisis_state=None).execution_options(synchronize_session=False))
        return res.rowcount or 0

    async def save_conversation(self, st: ConversationState, now: datetime) -> None:
        key = (st.channel, st.chat_id)
        if key in self._conversations:  # loaded or prefetched (None: known not to exist)
            r = self._conversations[key]
        else:
            r = await self.s.get(T.Conversation, key)
        if r is None:
            r = T.Conversation(channel=st.channel, chat_id=st.chat_id, flow=st.flow,
                               step=st.step, data=st.data, version=st.version,
                               flood_notice_at=st.flood_notice_at,
                               crisis_state=st.crisis_state, updated_at=now)
            self.s.add(r)
            self._conversations[key] = r
        else:
            r.flow, r.step, r.data, r.version = st.flow, st.step, dict(st.data), st.version
            r.flood_notice_at, r.updated_at = st.flood_notice_at, now
            if r.crisis_state != st.crisis_state:
                r.crisis_state = dict(st.crisis_state) if st.crisis_state else None

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

