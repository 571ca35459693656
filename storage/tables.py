"""SQLAlchemy 2 table definitions. Times are stored as naive UTC and read back aware."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores UTC without zone (portable across SQLite and PostgreSQL), returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class OrgUnit(Base):
    __tablename__ = "org_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    unit_class: Mapped[str | None] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Student or staff number: always text (a roster may hold leading zeros).
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    grade: Mapped[str | None] = mapped_column(String(20))
    class_name: Mapped[str | None] = mapped_column(String(100))
    dorm_building: Mapped[str | None] = mapped_column(String(100))
    dorm_room: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: set with /away: the deputy takes this member's new concerns until then
    away_until: Mapped[datetime | None]
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("person_id", "role", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))


class ChannelIdentity(Base):
    """One account on one channel. A person may have several (Telegram, WeCom, web)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(100))
    display_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(10))
    unreachable_at: Mapped[datetime | None]
    #: when this account was shown the privacy notice (PIPL: before its first concern)
    privacy_noticed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ResponsibilityZone(Base):
    __tablename__ = "zones"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))
    member_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ConcernCounter(Base):
    """Per-year sequence behind concern numbers such as DEMO-2026-000123."""

    __tablename__ = "concern_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Concern(Base):
    __tablename__ = "concerns"
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
    parent_concern_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id"))


class CrisisPage(Base):
    """One page of a crisis case to one person; unacknowledged pages climb the ladder."""

    __tablename__ = "crisis_pages"
    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    paged_at: Mapped[datetime]
    escalate_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]
    acked_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    escalated_at: Mapped[datetime | None]


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


class AuditLog(Base):
    """Audit of everything that is not a concern state change (binding, imports, refusals)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    detail: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class BindingCode(Base):
    __tablename__ = "binding_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class BindingAttempt(Base):
    __tablename__ = "binding_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    __table_args__ = (Index("ix_binding_attempts_who", "channel", "external_id", "created_at"),)


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
                      Index("ix_outbox_chat", "chat_id", "status"))
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
