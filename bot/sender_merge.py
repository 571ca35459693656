"""Merging a chat's queued plain replies into one message (bot/sender.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from storage.outbox import Outgoing

if TYPE_CHECKING:
    from bot.sender import ChannelSender

MERGE_LIMIT = 3500  # characters; Telegram's hard limit is 4096


def _is_plain(row: Outgoing) -> bool:
    r = row.reply
    return r.get("kind", "message") == "message" and not r.get("edit_of") \
        and not r.get("attachments")


def _keyboard_kind(row: Outgoing) -> tuple | None:
    """What a reply's buttons do, without their step version (None: no buttons)."""
    return tuple((b["label"], repr(sorted((b.get("params") or {}).items())),
                  b["action"].rsplit(":", 1)[0])
                 for brow in row.reply.get("buttons") or () for b in brow) or None


def merge(channel: "ChannelSender", queue: list[Outgoing]) -> tuple[list[Outgoing], str | None]:
    """Join a chat's queued plain replies into one message.

    A message carries one keyboard: the last reply's. So a reply with buttons ends
    the group, unless a later reply of the run shows the same buttons (a step asked
    again, e.g. "写好了" after each part under a flood): only then is its keyboard
    superseded. A button nobody sees again is never dropped.
    """
    if len(queue) < 2 or not _is_plain(queue[0]):
        return [queue[0]], None
    run = []
    for r in queue:
        if not _is_plain(r) or r.lane != queue[0].lane:
            break
        run.append(r)
    group, texts, size = [], [], 0
    for i, r in enumerate(run):
        text = channel.render_text(r)
        if size + len(text) + 2 > MERGE_LIMIT:
            break
        group.append(r)
        texts.append(text)
        size += len(text) + 2
        kind = _keyboard_kind(r)
        later = next((k for x in run[i + 1:] if (k := _keyboard_kind(x))), None)
        if kind is not None and later != kind:
            break
    if len(group) < 2:
        return [queue[0]], None
    return group, "\n\n".join(texts)
