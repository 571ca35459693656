"""Everything held about one person, as JSON (``/mydata``, ``python -m bot privacy
export``): their roster fields and roles, chat accounts, the concerns they asked with their
files, messages and steps, their named survey answers (anonymous ones are not linked to
them: only that they took part), reception topics, and the audit log's records of their
own actions. Times are ISO 8601 in UTC."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from core.types import JSON
from storage import tables as T


def _at(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _attachments(items: Any) -> list[JSON]:
    """Attachments as the person sees them: kind and file name, never a file id."""
    return [{"kind": a.get("kind"), "file_name": a.get("file_name")}
            for a in (items or []) if isinstance(a, dict)]


async def collect(s: Any, person_id: int) -> dict[str, JSON] | None:
    p = await s.get(T.Person, person_id)
    if p is None:
        return None
    units = {u.id: u for u in (await s.execute(select(T.OrgUnit))).scalars()}
    unit = units.get(p.unit_id or 0)
    college = unit
    while college is not None and college.kind != "college" and college.parent_id:
        college = units.get(college.parent_id)
    roles = [{"role": r, "unit": units[u].name if u in units else None}
             for r, u in (await s.execute(select(T.RoleAssignment.role, T.RoleAssignment.unit_id)
                                          .where(T.RoleAssignment.person_id == person_id)))]
    return {
        "person": {"number": p.number, "name": p.name, "kind": p.kind,
                   "unit": unit.name if unit else None,
                   "college": college.name if college and college.kind == "college" else None,
                   "grade": p.grade, "class": p.class_name, "dorm_building": p.dorm_building,
                   "dorm_room": p.dorm_room, "phone": p.phone, "verified": p.verified,
                   "active": p.active, "roles": roles},
        "accounts": await _accounts(s, person_id),
        "concerns": await _concerns(s, person_id),
        "surveys": await _surveys(s, person_id),
        "reception": await _reception(s, person_id),
        "records": [{"kind": k, "at": _at(at)} for k, at in await s.execute(
            select(T.AuditLog.kind, T.AuditLog.created_at).where(
                T.AuditLog.actor_id == person_id).order_by(T.AuditLog.id))],
    }


async def _accounts(s: Any, person_id: int) -> list[JSON]:
    rows = (await s.execute(select(T.ChannelIdentity).where(
        T.ChannelIdentity.person_id == person_id).order_by(T.ChannelIdentity.id))).scalars()
    return [{"channel": i.channel, "username": i.username if i.channel != "web" else None,
             "display_name": i.display_name, "locale": i.locale, "since": _at(i.created_at),
             "privacy_notice_shown": _at(i.privacy_noticed_at)} for i in rows]


async def _concerns(s: Any, person_id: int) -> list[JSON]:
    out: list[JSON] = []
    concerns = (await s.execute(select(T.Concern).where(
        T.Concern.requester_id == person_id).order_by(T.Concern.id))).scalars().all()
    for c in concerns:
        files = (await s.execute(select(T.Attachment.kind, T.Attachment.file_name).where(
            T.Attachment.concern_id == c.id).order_by(T.Attachment.id))).all()
        messages = (await s.execute(select(T.RelayMessage).where(
            T.RelayMessage.concern_id == c.id).order_by(T.RelayMessage.id))).scalars()
        events = (await s.execute(select(T.ConcernEvent.kind, T.ConcernEvent.to_status,
                                         T.ConcernEvent.created_at).where(
            T.ConcernEvent.concern_id == c.id).order_by(T.ConcernEvent.id))).all()
        out.append({
            "number": c.number, "type": c.type, "category": c.category, "status": c.status,
            "anonymous": c.anonymous, "crisis": c.crisis, "text": c.text,
            "submitted_at": _at(c.created_at), "closed_at": _at(c.closed_at),
            "reply": c.reply_summary, "reject_reason": c.reject_reason,
            "revisit": {"contacted": c.revisit_contacted, "solved": c.revisit_solved,
                        "rating": c.revisit_rating, "comment": c.revisit_comment},
            "attachments": [{"kind": k, "file_name": n} for k, n in files],
            "messages": [{"direction": m.direction, "text": m.text, "at": _at(m.created_at),
                          "attachments": _attachments(m.attachments)} for m in messages],
            "steps": [{"kind": k, "status": st, "at": _at(at)} for k, st, at in events],
        })
    return out


async def _surveys(s: Any, person_id: int) -> dict[str, JSON]:
    named = [{"survey": code, "title": title, "day": _at(day), "answers": answers}
             for code, title, day, answers in await s.execute(
                 select(T.Survey.code, T.Survey.title, T.SurveyResponse.day,
                        T.SurveyResponse.answers).join(
                     T.Survey, T.Survey.id == T.SurveyResponse.survey_id).where(
                     T.SurveyResponse.person_id == person_id).order_by(T.Survey.id))]
    took_part = [{"survey": code, "title": title, "day": _at(day), "anonymous": anonymous}
                 for code, title, day, anonymous in await s.execute(
                     select(T.Survey.code, T.Survey.title, T.SurveyParticipation.day,
                            T.Survey.anonymous).join(
                         T.Survey, T.Survey.id == T.SurveyParticipation.survey_id).where(
                         T.SurveyParticipation.person_id == person_id).order_by(T.Survey.id))]
    drafts = [{"survey": code, "title": title, "answers": answers}
              for code, title, answers in await s.execute(
                  select(T.Survey.code, T.Survey.title, T.SurveyDraft.answers).join(
                      T.Survey, T.Survey.id == T.SurveyDraft.survey_id).where(
                      T.SurveyDraft.person_id == person_id))]
    return {"named_answers": named, "took_part": took_part, "drafts": drafts}


async def _reception(s: Any, person_id: int) -> list[JSON]:
    rows = await s.execute(
        select(T.ReceptionTopic.text, T.ReceptionTopic.attachments, T.ReceptionSession.local_date,
               T.ReceptionBooking.created_at, T.ReceptionBooking.cancelled_at)
        .join(T.ReceptionTopic, T.ReceptionTopic.id == T.ReceptionBooking.topic_id)
        .join(T.ReceptionSession, T.ReceptionSession.id == T.ReceptionBooking.session_id)
        .where(T.ReceptionBooking.person_id == person_id).order_by(T.ReceptionBooking.id))
    return [{"topic": text, "attachments": _attachments(atts), "session_day": _at(day),
             "booked_at": _at(at), "cancelled_at": _at(cancelled)}
            for text, atts, day, at, cancelled in rows]
