"""How a channel reports a failed send, so the sender handles 429/403/5xx once for all."""
from __future__ import annotations


class DeliveryError(Exception):
    pass


class RetryAfter(DeliveryError):
    """The channel asked us to wait (Telegram 429 ``retry_after``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Unreachable(DeliveryError):
    """The person blocked the bot or left (Telegram 403)."""


class Transient(DeliveryError):
    """Network trouble or a 5xx: try again later with backoff."""


class Permanent(DeliveryError):
    """A request the channel will never accept (400/401): park it and tell an admin.

    ``reason`` says why in a word the admin alert translates (see ``DEAD_REASONS`` in
    bot/sender.py); the message keeps the channel's own words for the logs and the row.
    """

    def __init__(self, message: str, reason: str = "refused") -> None:
        super().__init__(message)
        self.reason = reason
