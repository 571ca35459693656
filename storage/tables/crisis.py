"""Crisis cases' pages (a case itself is a concern with ``crisis = true``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


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
