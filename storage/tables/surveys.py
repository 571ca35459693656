"""Surveys and consultations (docs/decisions/0020): the survey, one delivery row per
recipient of its push, drafts, participation and responses.

Anonymity is a property of the tables: for an anonymous survey, ``survey_participation``
(who answered, to answer once) and ``survey_responses`` (what was answered) share no key,
no id sequence and no time finer than the day. Responses have random ids; both tables are
``WITHOUT ROWID`` on SQLite, so neither keeps the order rows were written in. A draft, the
only place a person and their answers meet, is deleted on submit.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class Survey(Base):
    """``definition`` is ``core.surveys.model.Survey`` as data (storage/surveys/codec.py);
    ``source`` the file as created. ``status``: created → pushing ⇄ paused → open (every
    delivery done) → closed; or cancelled."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    definition: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(Text)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    pushed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Pushed from chat: the admin's chat, whose progress message the push sweep edits.
    status_channel: Mapped[str | None] = mapped_column(String(20))
    status_chat_id: Mapped[str | None] = mapped_column(String(64))
    status_edited_at: Mapped[datetime | None]
    # Responses submitted since the mix sweep last rewrote this survey's responses in key
    # order (storage/surveys/mix_store.py, docs/decisions/0023).
    unmixed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SurveyDelivery(Base):
    """One recipient of a survey's push (and of its reminders). ``status``: pending →
    queued (outbox rows written, each carrying this row's id) → sent | failed |
    unreachable | ambiguous (a crash left the send in flight, docs/decisions/0020);
    cancelled (the push was cancelled first)."""

    __tablename__ = "survey_deliveries"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),
                      Index("ix_survey_deliveries_survey_status", "survey_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(12))
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(40))  # why unreachable or failed
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    #: what the current round sends: 0 the invitation, n the n-th reminder
    round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SurveyDraft(Base):
    """A person's answers so far (resumable days later); deleted on submit."""

    __tablename__ = "survey_drafts"
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    answers: Mapped[dict[str, Any]]
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class SurveyParticipation(Base):
    """Who has submitted (each person once), with the day only."""

    __tablename__ = "survey_participation"
    __table_args__ = {"sqlite_with_rowid": False}
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)


class SurveyResponse(Base):
    """One submitted questionnaire. ``id`` is random; ``person_id`` only for a named survey.
    The respondent's groups (college, branch, kind, grade) are kept for the results per
    branch and college, where groups below the minimum are merged (docs/decisions/0020)."""

    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_survey", "survey_id"),
                      {"sqlite_with_rowid": False})
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    day: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    college: Mapped[str | None] = mapped_column(String(40))
    branch: Mapped[str | None] = mapped_column(String(40))
    person_kind: Mapped[str | None] = mapped_column(String(20))
    grade: Mapped[str | None] = mapped_column(String(20))


class SurveyRating(Base):
    """One grade given to one subject of an evaluation question (民主测评, docs/decisions/
    0024): the question's id, the subject's key (``p:<person number>``, ``u:<unit
    code>``) and the grade. ``id`` is random; no person, no response, no time: a
    respondent's ratings of several subjects cannot be put together again, so the set of
    subjects a person rates (where they live, their class) singles nobody out. ``WITHOUT
    ROWID`` on SQLite; the mix sweep rewrites them in id order with the responses."""

    __tablename__ = "survey_ratings"
    __table_args__ = (Index("ix_survey_ratings_survey", "survey_id"),
                      {"sqlite_with_rowid": False})
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    question: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(80))
    grade: Mapped[str] = mapped_column(String(40))
