"""Telegram through aiogram: polling into the inbox, rendering Replies, sending."""
