"""The survey push's rows (a mixin of SqlStore): claiming deliveries to feed, writing
their outbox rows, settling them from their rows' outcomes, and the counts ``survey
status`` shows. The claim is the ladder's (storage/concerns/ladder_store.py): one
``UPDATE ... WHERE id IN (SELECT ... [FOR UPDATE SKIP LOCKED]) RETURNING``."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from core.model import Lane
from core.surveys.ports import Claimed, OutboxWrite, SurveyRow
from storage import tables as T

_D, _Sv, _O = T.SurveyDelivery, T.Survey, T.OutboxRow
#: outbox states a bulk row waits or travels in
_WAITING = ("pending", "sending")


class SurveyPushMixin:
    s: Any  # the AsyncSession, set by SqlStore

    @property
    def _on_postgres(self) -> bool:
        return bool(self.s.bind.dialect.name == "postgresql")

    async def bulk_backlog(self) -> int:
        return int(await self.s.scalar(select(func.count()).select_from(_O).where(
            _O.lane == int(Lane.BULK), _O.status.in_(_WAITING))) or 0)

    async def claim_deliveries(self, limit: int, now: datetime) -> list[Claimed]:
        ids = (select(_D.id).join(_Sv, _Sv.id == _D.survey_id)
               .where(_D.status == "pending", _Sv.status == "pushing")
               .order_by(_D.survey_id, _D.id).limit(limit))
        if self._on_postgres:
            ids = ids.with_for_update(of=_D, skip_locked=True)
            claim = update(_D).where(_D.id.in_(ids.scalar_subquery()), _D.status == "pending")
        else:  # SQLite's single writer: every id the subquery picks is pending
            claim = update(_D).where(_D.id.in_(ids.scalar_subquery()))
        rows = (await self.s.execute(claim.values(status="queued", updated_at=now).returning(
            _D.id, _D.survey_id, _D.person_id, _D.round))).all()
        return sorted((Claimed(i, sid, pid, rnd) for i, sid, pid, rnd in rows),
                      key=lambda c: c.delivery_id)

    async def write_push_rows(self, rows: Sequence[OutboxWrite], now: datetime) -> None:
        values = [{"channel": w.channel, "chat_id": w.chat_id, "person_id": w.person_id,
                   "lane": int(Lane.BULK), "reply": w.reply, "locale": w.locale,
                   "status": "pending", "attempts": 0, "created_at": now,
                   "survey_delivery_id": w.delivery_id} for w in rows]
        for i in range(0, len(values), 1000):
            await self.s.execute(insert(_O), values[i:i + 1000])

    async def set_deliveries(self, ids: Sequence[int], status: str, now: datetime, *,
                             reason: str | None = None) -> None:
        for i in range(0, len(ids), 1000):
            await self.s.execute(update(_D).where(_D.id.in_(ids[i:i + 1000])).values(
                status=status, reason=reason, updated_at=now))

    async def queued_outcomes(self, limit: int) -> dict[int, list[str]]:
        """Queued deliveries (the oldest ``limit``) and their outbox rows' states."""
        queued = select(_D.id).where(_D.status == "queued").order_by(_D.id).limit(limit)
        out: dict[int, list[str]] = {}
        for did, status in await self.s.execute(
                select(_O.survey_delivery_id, _O.status).where(
                    _O.survey_delivery_id.in_(queued.scalar_subquery()))):
            out.setdefault(int(did), []).append(status)
        return out

    async def finish_pushes(self, now: datetime) -> list[int]:
        """Surveys pushing with nothing left to feed or settle become ``open``."""
        busy = select(_D.survey_id).where(_D.status.in_(("pending", "queued")))
        ids = list(await self.s.scalars(select(_Sv.id).where(
            _Sv.status == "pushing", _Sv.id.not_in(busy))))
        if ids:
            await self.s.execute(update(_Sv).where(_Sv.id.in_(ids)).values(
                status="open", updated_at=now))
        return ids

    async def cancel_deliveries(self, survey_id: int, now: datetime) -> int:
        """Pending deliveries and their outbox rows not yet sending are cancelled."""
        mine = select(_D.id).where(_D.survey_id == survey_id)
        await self.s.execute(update(_O).where(
            _O.survey_delivery_id.in_(mine.scalar_subquery()), _O.status == "pending")
            .values(status="cancelled"))
        done = await self.s.execute(update(_D).where(
            _D.survey_id == survey_id, _D.status == "pending").values(
            status="cancelled", updated_at=now))
        return int(done.rowcount or 0)

    async def push_sent_since(self, survey_id: int, since: datetime) -> int:
        mine = select(_D.id).where(_D.survey_id == survey_id)
        return int(await self.s.scalar(select(func.count()).select_from(_O).where(
            _O.survey_delivery_id.in_(mine.scalar_subquery()), _O.status == "sent",
            _O.sent_at >= since)) or 0)

    async def surveys_for_reminders(self, now: datetime,
                                    ) -> list[tuple[SurveyRow, datetime, int]]:
        rows = list(await self.s.scalars(select(_Sv).where(
            _Sv.status == "open", _Sv.pushed_at.is_not(None), _Sv.closes_at > now)))
        out = []
        for r in rows:
            found = await self.survey_row(r.id)  # type: ignore[attr-defined]
            out.append((found, r.pushed_at, r.reminders_sent))
        return out

    async def start_reminder_round(self, survey_id: int, round_: int, now: datetime) -> int:
        answered = select(T.SurveyParticipation.person_id).where(
            T.SurveyParticipation.survey_id == survey_id)
        done = await self.s.execute(update(_D).where(
            _D.survey_id == survey_id, _D.status == "sent",
            _D.person_id.not_in(answered)).values(
            status="pending", round=round_, reminders=_D.reminders + 1, updated_at=now))
        await self.s.execute(update(_Sv).where(_Sv.id == survey_id).values(
            status="pushing", reminders_sent=round_, updated_at=now))
        return int(done.rowcount or 0)

    async def watched_surveys(self) -> list[tuple[SurveyRow, str, str, datetime | None]]:
        rows = list(await self.s.scalars(select(_Sv).where(_Sv.status_chat_id.is_not(None))))
        return [(await self.survey_row(r.id), r.status_channel or "", r.status_chat_id or "",  # type: ignore[attr-defined]
                 r.status_edited_at) for r in rows]

    async def watch_survey(self, survey_id: int, channel: str | None, chat_id: str | None,
                           now: datetime, *, done: bool = False) -> None:
        values: dict[str, Any] = {"status_edited_at": now}
        if done:
            values.update(status_channel=None, status_chat_id=None)
        elif channel is not None:
            values.update(status_channel=channel, status_chat_id=chat_id,
                          status_edited_at=None)
        await self.s.execute(update(_Sv).where(_Sv.id == survey_id).values(**values))

    async def progress_message_id(self, channel: str, chat_id: str, code: str) -> str | None:
        rows = await self.s.execute(
            select(_O.reply, _O.message_id).where(
                _O.channel == channel, _O.chat_id == chat_id, _O.status == "sent",
                _O.message_id.is_not(None)).order_by(_O.id.desc()).limit(50))
        for reply, message_id in rows:
            if reply.get("key") == "survey_admin.progress" and not reply.get("edit_of") \
                    and (reply.get("params") or {}).get("code") == code:
                return str(message_id)
        return None

    async def recent_surveys(self, limit: int) -> list[SurveyRow]:
        ids = list(await self.s.scalars(select(_Sv.id).order_by(_Sv.id.desc()).limit(limit)))
        return [await self.survey_row(i) for i in ids]  # type: ignore[attr-defined]
