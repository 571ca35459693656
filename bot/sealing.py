"""Sealed replies in the senders (``core.replies.Reply.sealed``): what their rows keep once
their outcome is recorded, and what of a failed send may be written down.

A group of rows sent as one message (a flood's merged replies) is sealed as a whole when
any of them is: the message's text contains the sealed one's.
"""
from __future__ import annotations

from typing import Any

from core.replies import is_sealed, sealed_remains
from storage.outbox import Outgoing


def sealed(group: list[Outgoing]) -> bool:
    return any(is_sealed(r.reply) for r in group)


def remains(group: list[Outgoing]) -> dict[int, dict[str, Any]]:
    """What each row of the group keeps once recorded, by id; none for an unsealed group."""
    return {r.id: sealed_remains(r.reply) for r in group} if sealed(group) else {}


def error_text(group: list[Outgoing], exc: BaseException, said: str) -> str:
    """A failed send as the row, the audit log and the log keep it: ``said`` (the error's
    words), but for a sealed group only the error's type and its reason word, if any
    (``bot.delivery.Permanent.reason``): a library's message may quote what it was given."""
    if not sealed(group):
        return said
    reason = getattr(exc, "reason", None)
    return f"{type(exc).__name__}: {reason}" if isinstance(reason, str) else type(exc).__name__
