"""What is kept, for how long, and what anonymising leaves (docs/decisions/0027).

A concern closed more than ``retention_days`` ago is anonymised in place: its texts, its
files, its relayed messages and the rendered messages that carried them are removed or
replaced, and its requester becomes the *anonymous requester* of their unit and kind (a
person row with no name, no number of theirs, inactive: ``anonymous_number``), so the
assessment keeps what it reads (category, type, unit, dates, states, 回访 answers,
handlers) and nothing that says who asked or what they wrote. Erasure on request uses the
same anonymisation (``core.privacy.erasure``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.model import StrEnum
from core.types import JSON

#: what an anonymised text becomes (language-neutral: shown as is in history and cards)
ANONYMISED_TEXT = "\u2014"
#: the number of every anonymous requester starts so; a roster number never does
ANONYMOUS_PREFIX = "~anon:"
#: a concern's free-text columns, replaced by ``ANONYMISED_TEXT`` when not empty
CONCERN_TEXTS = ("text", "reply_summary", "reject_reason", "extension_reason",
                 "revisit_comment")
#: what the assessment reads and anonymising keeps (the 三率, 按期率, 退单/督办 counts,
#: handling times, per member, branch, college, unit class and category; DOMAIN.md)
CONCERN_KEPT = ("number", "type", "category", "urgency", "status", "anonymous",
                "assigned_member_id", "zone_id", "routing_reason", "source_channel",
                "origin", "created_at", "updated_at", "accepted_at", "first_contact_at",
                "replied_at", "closed_at", "due_reply_at", "deadline_from", "due_accept_at",
                "due_contact_at", "escalation_level", "reopen_count", "close_reason",
                "merged_into_id", "extension_until", "revisit_due_at", "revisit_sent_at",
                "revisit_contacted", "revisit_solved", "revisit_rating", "about_member",
                "about_branch_code", "crisis", "crisis_tier", "parent_concern_id")
#: keys of a concern event's detail that hold no personal content (codes, roles, ids of
#: handlers and officers, dates, 回访 answers); every other value is replaced
EVENT_KEPT_KEYS = frozenset({
    "actor", "as", "channel", "member_id", "assigned_member_id", "routing_reason",
    "revisit_rating", "revisit_contacted", "revisit_solved", "revisit_sent_at",
    "revisit_due_at", "close_reason", "merged_into_id", "extension_until", "due_reply_at",
    "case_id", "level", "topic", "why", "subject", "late_minutes", "source", "language"})


class Why(StrEnum):
    """Why a concern was anonymised (its ``anonymised`` event says so)."""

    RETENTION = "retention"
    ERASURE = "erasure"


@dataclass(frozen=True)
class PrivacyRules:
    """``[privacy]``: how long each kind of data is kept (bot/config.py)."""

    #: a concern closed longer ago than this is anonymised
    retention_days: int = 1095
    #: sent messages (the web chat's history too) and handled inbox rows are deleted then
    message_days: int = 30
    #: a /mydata file stays in the upload folder this long
    export_hours: int = 24
    #: concerns anonymised per transaction
    batch: int = 200
    #: a file in the upload folder that no row names is removed once it is this old (a
    #: file being uploaded is named by its inbox row only once that row is stored)
    orphan_hours: int = 24

    def concern_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.retention_days)

    def message_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.message_days)

    def export_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(hours=self.export_hours)

    def orphan_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(hours=self.orphan_hours)


def anonymous_number(unit_id: int | None, kind: str) -> str:
    """The number of the anonymous requester standing for everyone of this unit and kind."""
    return f"{ANONYMOUS_PREFIX}{unit_id or 0}:{kind}"[:40]


def redact_detail(detail: Mapping[str, JSON]) -> dict[str, JSON]:
    """An event's detail without personal content: kept keys as they are, any other text
    replaced by ``ANONYMISED_TEXT`` and any other value dropped to None (so the history
    still shows that a reason or a note was given, not what it said)."""
    return {k: v if k in EVENT_KEPT_KEYS else
            (ANONYMISED_TEXT if isinstance(v, str) and v else None)
            for k, v in detail.items()}
