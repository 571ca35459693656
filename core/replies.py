"""Channel-neutral outgoing messages.

A Reply is a locale key with parameters, plus rows of buttons that carry small action
payloads. Channels render it at send time (Telegram: HTML + inline keyboard).
Parameter values are user text unless wrapped by ``t()`` (a locale key to translate);
renderers escape user text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_CALLBACK_BYTES = 64  # Telegram's callback_data limit; other channels are roomier.


def t(key: str, **params: Any) -> dict[str, Any]:
    """Mark a parameter as a locale key to translate, not user text to escape.

    ``params`` fill that key's own placeholders, e.g. ``t("unit.chars", count=2000)`` for
    a number inside a sentence that needs its own plural form.
    """
    return {"t": key, "p": params} if params else {"t": key}


@dataclass(frozen=True)
class Button:
    label: str  # locale key
    action: str  # encoded action payload (see core.actions)
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.action.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"button action over {MAX_CALLBACK_BYTES} bytes: {self.action!r}")


@dataclass(frozen=True)
class Reply:
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachments: tuple[dict[str, Any], ...] = ()
    #: the channel message id this reply replaces (edit in place), if any
    edit_of: str | None = None
    #: "message", or "callback_answer" (a short toast for a pressed button)
    kind: str = "message"
    callback_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "params": self.params,
            "buttons": [[{"label": b.label, "action": b.action, "params": b.params} for b in row]
                        for row in self.buttons],
            "attachments": list(self.attachments),
            "edit_of": self.edit_of,
            "kind": self.kind,
            "callback_id": self.callback_id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reply:
        return cls(
            key=d["key"],
            params=d.get("params") or {},
            buttons=tuple(tuple(Button(b["label"], b["action"], b.get("params") or {}) for b in row)
                          for row in d.get("buttons") or ()),
            attachments=tuple(d.get("attachments") or ()),
            edit_of=d.get("edit_of"),
            kind=d.get("kind", "message"),
            callback_id=d.get("callback_id"),
        )
