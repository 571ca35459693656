"""Concerns (诉求): the concern, its numbering counter, relayed messages, attachments, events."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class ConcernCounter(Base):
    """Per-year sequence behind concern numbers such as DEMO-2026-000123."""

    __tablename__ = "concern_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Concern(Base):
    __tablename__ = "concerns"
    # The sweep looks for the few concerns whose clocks need planning; a partial index
    # holds just those (a plain one on ladder_plan made SQLite scan every concern in id
    # order for "IS NOT NULL ORDER BY id").
    __table_args__ = (Index("ix_concerns_ladder_plan", "id",
                            sqlite_where=text("ladder_plan IS NOT NULL"),
                            postgresql_where=text("ladder_plan IS NOT NULL")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(24), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    assigned_member_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    routing_reason: Mapped[str] = mapped_column(String(200))
    source_channel: Mapped[str] = mapped_column(String(20))
    # Where it came from: "chat" (intake), or "reception" (a reception-day or outreach-visit
    # topic to follow up, core/reception/outcome.py).
    origin: Mapped[str] = mapped_column(String(20), default="chat", server_default="chat")
    # The inbox row that created it: a replayed update can never make a second concern.
    source_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Lifecycle milestones (the 三率 and time limits are computed from these).
    accepted_at: Mapped[datetime | None]
    first_contact_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    due_reply_at: Mapped[datetime | None]
    # The other time limits and the 催办/督办 ladder (core/concerns/ladder.py): when the
    # current clocks started, the accept and first-contact limits, the highest 督办 level
    # reached (0 none, 1 branch secretary, 2 college committee, 3 Organisation Department),
    # and which clocks a sweep must (re)plan: "all", "handler" (accept and contact) or
    # "reply"; NULL when the reminder rows are up to date.
    deadline_from: Mapped[datetime | None]
    due_accept_at: Mapped[datetime | None]
    due_contact_at: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ladder_plan: Mapped[str | None] = mapped_column(String(8))
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reply_summary: Mapped[str | None] = mapped_column(Text)
    close_reason: Mapped[str | None] = mapped_column(String(40))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id"))
    extension_until: Mapped[datetime | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    # 回访 (follow-up): when it is due, when it was asked, and the answers.
    revisit_due_at: Mapped[datetime | None]
    revisit_sent_at: Mapped[datetime | None]
    revisit_contacted: Mapped[bool | None] = mapped_column(Boolean)
    revisit_solved: Mapped[bool | None] = mapped_column(Boolean)
    revisit_rating: Mapped[str | None] = mapped_column(String(12))
    revisit_comment: Mapped[str | None] = mapped_column(Text)
    # Conflict of interest: a concern about a Party member never goes to that branch.
    about_member: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    about_branch_code: Mapped[str | None] = mapped_column(String(64))
    # P0 crisis: a linked case that only the crisis team sees.
    crisis: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A crisis case's tier: "crisis" (P0, paged at once) or "review" (possible distress, a
    # "needs review" item for the crisis team); NULL on ordinary concerns.
    crisis_tier: Mapped[str | None] = mapped_column(String(8))
    parent_concern_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id"))


class RelayMessage(Base):
    """A message between requester and handler, passed on by the bot, tied to its concern."""

    __tablename__ = "relay_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    direction: Mapped[str] = mapped_column(String(20))  # to_requester | to_handler
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any]]
    created_at: Mapped[datetime]


class Attachment(Base):
    """Channel-neutral attachment; each channel keeps its own file reference."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    channel_refs: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class ConcernEvent(Base):
    """Append-only audit of every state change of a concern."""

    __tablename__ = "concern_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    detail: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
