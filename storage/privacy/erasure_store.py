"""Erasure on request (core/privacy/erasure.py decides what may go): a person's rows
besides their concerns, and the requests themselves, which live in the audit log (kind
``privacy_erasure_requested`` with the request's token, ``privacy_erasure_decided`` with
the same token once an admin decided): no table of their own, and the log keeps them."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select

from core.privacy.policy import ANONYMISED_TEXT
from core.privacy.ports import ErasureFacts, ErasureRequest, HeldConcern, Removed
from storage import tables as T
from storage.privacy.anonymise import anonymise, stand_ins
from storage.privacy.files import files_of
from storage.privacy.messages import forget_chats

REQUESTED, DECIDED = "privacy_erasure_requested", "privacy_erasure_decided"
#: survey states after which a participation row no longer stops a second answer
_SURVEY_OVER = ("closed", "cancelled")


async def facts(s: Any, person_id: int, now: datetime) -> ErasureFacts:
    concerns = tuple(HeldConcern(i, n, st, ty, bool(cr)) for i, n, st, ty, cr in (
        await s.execute(select(T.Concern.id, T.Concern.number, T.Concern.status,
                               T.Concern.type, T.Concern.crisis).where(
            T.Concern.requester_id == person_id).order_by(T.Concern.id))).all())
    upcoming = await s.scalar(select(func.count()).select_from(T.ReceptionBooking).join(
        T.ReceptionSession, T.ReceptionSession.id == T.ReceptionBooking.session_id).where(
        T.ReceptionBooking.person_id == person_id, T.ReceptionBooking.cancelled_at.is_(None),
        T.ReceptionSession.starts_at > now))
    open_surveys = await s.scalar(select(func.count()).select_from(T.SurveyParticipation).join(
        T.Survey, T.Survey.id == T.SurveyParticipation.survey_id).where(
        T.SurveyParticipation.person_id == person_id, T.Survey.status.not_in(_SURVEY_OVER)))
    verified = await s.scalar(select(T.Person.verified).where(T.Person.id == person_id))
    return ErasureFacts(concerns, int(upcoming or 0), int(open_surveys or 0), bool(verified))


async def erase(s: Any, person_id: int, concern_ids: Sequence[int], keep_accounts: bool,
                now: datetime) -> Removed:
    done = await anonymise(s, concern_ids, "erasure", now) if concern_ids else Removed()
    done.survey_answers = await _surveys(s, person_id)
    topics, bookings, files = await _reception(s, person_id, now)
    done.reception_topics += topics
    done.reception_bookings += bookings
    done.files += files
    if not keep_accounts:
        await _accounts(s, person_id, done, now)
    await s.flush()
    return done


async def _surveys(s: Any, person_id: int) -> int:
    """Named answers, drafts, deliveries; participation in surveys that are over (an
    open survey's row stops a second answer)."""
    answers = (await s.execute(delete(T.SurveyResponse).where(
        T.SurveyResponse.person_id == person_id))).rowcount or 0
    await s.execute(delete(T.SurveyDraft).where(T.SurveyDraft.person_id == person_id))
    # a delivery still to send is dropped too: nothing more is sent to the person
    await s.execute(delete(T.SurveyDelivery).where(T.SurveyDelivery.person_id == person_id))
    over = select(T.Survey.id).where(T.Survey.status.in_(_SURVEY_OVER))
    await s.execute(delete(T.SurveyParticipation).where(
        T.SurveyParticipation.person_id == person_id,
        T.SurveyParticipation.survey_id.in_(over)))
    return int(answers)


async def _reception(s: Any, person_id: int, now: datetime) -> tuple[int, int, list[Any]]:
    """Topics and bookings of sessions that have started: the anonymous requester's."""
    started = select(T.ReceptionSession.id).where(T.ReceptionSession.starts_at <= now)
    stand_in = (await stand_ins(s, [person_id], now))[person_id]
    topics = (await s.execute(select(T.ReceptionTopic).where(
        T.ReceptionTopic.created_by == person_id,
        T.ReceptionTopic.session_id.in_(started)))).scalars().all()
    files: list[Any] = []
    for topic in topics:
        files += files_of(topic.attachments or [])
        topic.text, topic.attachments, topic.created_by = ANONYMISED_TEXT, [], stand_in
    bookings = (await s.execute(select(T.ReceptionBooking).where(
        T.ReceptionBooking.person_id == person_id,
        T.ReceptionBooking.session_id.in_(started)))).scalars().all()
    for booking in bookings:
        booking.person_id = stand_in
    return len(topics), len(bookings), files


async def _accounts(s: Any, person_id: int, done: Removed, now: datetime) -> None:
    """Every chat account of the person, its messages, drafts, codes and attempts; an
    unverified (self-declared) profile's name and places. A roster person's row stays:
    the roster is the university's record, re-imported as it is (docs/decisions/0027)."""
    idents = (await s.execute(select(T.ChannelIdentity).where(
        T.ChannelIdentity.person_id == person_id))).scalars().all()
    chats = sorted({(i.channel, i.chat_id) for i in idents})
    out, inbox, files = await forget_chats(s, chats, person_id, now)
    done.outbox_rows += out
    done.inbox_rows += inbox
    done.files += files
    if idents:
        await s.execute(delete(T.BindingAttempt).where(or_(*(
            and_(T.BindingAttempt.channel == i.channel,
                 T.BindingAttempt.external_id == i.external_id) for i in idents))))
        await s.execute(delete(T.ChannelIdentity).where(
            T.ChannelIdentity.id.in_([i.id for i in idents])))
    await s.execute(delete(T.BindingCode).where(T.BindingCode.person_id == person_id))
    done.accounts = len(idents)
    person = await s.get(T.Person, person_id)
    if person is not None and not person.verified:
        person.name, person.active, person.updated_at = ANONYMISED_TEXT, False, now
        person.dorm_building = person.dorm_room = person.phone = person.class_name = None


async def requests(s: Any, token: str | None, person_id: int | None) -> list[ErasureRequest]:
    rows = (await s.execute(select(T.AuditLog.kind, T.AuditLog.actor_id, T.AuditLog.detail,
                                   T.AuditLog.created_at).where(
        T.AuditLog.kind.in_((REQUESTED, DECIDED))).order_by(T.AuditLog.id))).all()
    decided = {str((d or {}).get("request")) for k, _, d, _ in rows if k == DECIDED}
    out = []
    for kind, actor, detail, at in rows:
        found = str((detail or {}).get("request") or "")
        if kind != REQUESTED or actor is None or (token is not None and found != token) or \
                (person_id is not None and actor != person_id):
            continue
        out.append(ErasureRequest(found, int(actor), at, found in decided))
    return out
