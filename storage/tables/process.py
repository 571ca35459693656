"""The process's own rows: the audit log, conversation state, the inbox and the outbox."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    JSON,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class AuditLog(Base):
    """Audit of everything that is not a concern state change (binding, imports, refusals)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    detail: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Conversation(Base):
    """Conversation state per chat, so a restart continues where the user was."""

    __tablename__ = "conversations"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow: Mapped[str] = mapped_column(String(40), default="idle")
    step: Mapped[str] = mapped_column(String(40), default="")
    data: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(Integer, default=0)
    flood_notice_at: Mapped[datetime | None]
    # The crisis detector's memory of this chat (core.crisis.assess.RiskState as JSON): a
    # raised risk level and the last few messages, kept only for a short window.
    crisis_state: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    updated_at: Mapped[datetime]


class InboxRow(Base):
    """A raw update, stored before the channel is told it was received."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "bot_id", "update_id"),
        Index("ix_inbox_pending", "status", "chat_key", "id"),
        Index("ix_inbox_chat", "chat_key", "received_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    bot_id: Mapped[str] = mapped_column(String(64))
    update_id: Mapped[str] = mapped_column(String(64))
    chat_key: Mapped[str] = mapped_column(String(90))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]


class OutboxRow(Base):
    """A channel-neutral Reply waiting to be sent; rendered for the channel at send time."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "lane", "id"),
                      Index("ix_outbox_chat", "chat_id", "status"),
                      Index("ix_outbox_survey_delivery", "survey_delivery_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    lane: Mapped[int] = mapped_column(Integer)
    reply: Mapped[dict[str, Any]]
    locale: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(64))
    merged_into: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # A survey push's row (core/surveys/push.py): its delivery, whose outcome it settles.
    # Such bulk rows are marked "sending" before the API call; one still "sending" when
    # the sender starts was in flight at a crash and becomes "ambiguous", never re-sent.
    survey_delivery_id: Mapped[int | None] = mapped_column(Integer)
