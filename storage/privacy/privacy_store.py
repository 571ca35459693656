"""The privacy mixin of SqlStore (core/privacy/ports.py ``PrivacyStore``)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select

from core.model import ConcernStatus
from core.privacy.policy import ANONYMOUS_PREFIX
from core.privacy.ports import ErasureFacts, ErasureRequest, Purged, Removed, StoredFile
from core.types import JSON
from storage import tables as T
from storage.privacy import erasure_store, messages, person_data, reception
from storage.privacy.anonymise import anonymise
from storage.privacy.files import named, unreferenced

#: a concern in these states is over: its retention runs from ``closed_at``
OVER = [s.value for s in (ConcernStatus.CLOSED, ConcernStatus.REJECTED, ConcernStatus.MERGED)]
#: a survey in these states takes no more answers: its drafts are of no use
SURVEY_OVER = ("closed", "cancelled")


class PrivacyStoreMixin:
    s: Any  # the AsyncSession, set by SqlStore

    async def concerns_to_anonymise(self, closed_before: datetime, limit: int) -> list[int]:
        anonymous = select(T.Person.id).where(T.Person.number.like(f"{ANONYMOUS_PREFIX}%"))
        return list(await self.s.scalars(select(T.Concern.id).where(
            T.Concern.status.in_(OVER), T.Concern.closed_at < closed_before,
            T.Concern.requester_id.not_in(anonymous)).order_by(T.Concern.closed_at,
                                                               T.Concern.id).limit(limit)))

    async def anonymise_concerns(self, ids: Sequence[int], why: str,
                                 now: datetime) -> Removed:
        return await anonymise(self.s, ids, why, now)

    async def unreferenced_files(self, files: Sequence[StoredFile]) -> list[StoredFile]:
        await self.s.flush()
        return await unreferenced(self.s, files)

    async def named_files(self) -> list[StoredFile]:
        await self.s.flush()
        return sorted(await named(self.s))

    async def purge_messages(self, before: datetime, limit: int) -> Purged:
        return await messages.purge(self.s, before, limit)

    async def topics_to_anonymise(self, ended_before: datetime, limit: int) -> list[int]:
        return await reception.due_topics(self.s, ended_before, limit)

    async def anonymise_topics(self, ids: Sequence[int], now: datetime) -> Removed:
        return await reception.anonymise_topic_ids(self.s, ids, now)

    async def purge_survey_drafts(self, untouched_before: datetime, now: datetime) -> int:
        over = select(T.Survey.id).where(or_(T.Survey.status.in_(SURVEY_OVER),
                                             T.Survey.closes_at <= now))
        res = await self.s.execute(delete(T.SurveyDraft).where(or_(
            T.SurveyDraft.survey_id.in_(over), T.SurveyDraft.updated_at < untouched_before)))
        return int(res.rowcount or 0)

    async def person_id_by_number(self, number: str) -> int | None:
        if number.startswith(ANONYMOUS_PREFIX):
            return None
        found = await self.s.scalar(select(T.Person.id).where(T.Person.number == number))
        return None if found is None else int(found)

    async def person_data(self, person_id: int) -> dict[str, JSON] | None:
        return await person_data.collect(self.s, person_id)

    async def erasure_facts(self, person_id: int, now: datetime) -> ErasureFacts:
        return await erasure_store.facts(self.s, person_id, now)

    async def erase_person(self, person_id: int, *, concern_ids: Sequence[int],
                           keep_accounts: bool, now: datetime) -> Removed:
        return await erasure_store.erase(self.s, person_id, concern_ids, keep_accounts, now)

    async def erasure_requests(self, *, token: str | None = None,
                               person_id: int | None = None) -> list[ErasureRequest]:
        await self.s.flush()
        return await erasure_store.requests(self.s, token, person_id)

    async def forget_messages_naming(self, marker: str, now: datetime) -> int:
        out, inbox, _ = await messages.forget_naming(self.s, [marker], now)
        return out + inbox
