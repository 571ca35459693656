"""Channel-neutral outgoing messages.

A Reply is a locale key with parameters, plus rows of buttons that carry small action
payloads. Channels render it at send time (Telegram: HTML + inline keyboard).
Parameter values are user text unless wrapped by ``t()`` (a locale key to translate);
renderers escape user text.

A *sealed* reply (``Reply.sealed``, e.g. the echo of an anonymous answer) is sent like any
other, but once its row is delivered, given up on or found unreachable the row keeps only
``sealed_remains``: no text, parameters, buttons or attachments (the senders write it in
the transaction that records the outcome; docs/ARCHITECTURE.md, "One message's path").
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.types import JSON, JSONObject, is_object, is_object_list, opt_str

MAX_CALLBACK_BYTES = 64  # Telegram's callback_data limit; other channels are roomier.
#: The locale key a sealed reply's row keeps: a neutral line the web chat's history shows.
SEALED_KEY = "sealed.placeholder"


def t(key: str, **params: JSON) -> dict[str, JSON]:
    """Mark a parameter as a locale key to translate, not user text to escape.

    ``params`` fill that key's own placeholders, e.g. ``t("unit.chars", count=2000)`` for
    a number inside a sentence that needs its own plural form.
    """
    return {"t": key, "p": params} if params else {"t": key}


@dataclass(frozen=True)
class Button:
    label: str  # locale key
    action: str  # encoded action payload (see core.actions)
    params: dict[str, JSON] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.action.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"button action over {MAX_CALLBACK_BYTES} bytes: {self.action!r}")


@dataclass(frozen=True)
class Reply:
    key: str
    params: dict[str, JSON] = field(default_factory=dict)
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachments: tuple[JSONObject, ...] = ()
    #: the channel message id this reply replaces (edit in place), if any
    edit_of: str | None = None
    #: "message", or "callback_answer" (a short toast for a pressed button)
    kind: str = "message"
    callback_id: str | None = None
    #: keep nothing of it once delivered (see the module's docstring)
    sealed: bool = False

    def to_dict(self) -> dict[str, JSON]:
        d: dict[str, JSON] = {
            "key": self.key,
            "params": self.params,
            "buttons": [[{"label": b.label, "action": b.action, "params": b.params} for b in row]
                        for row in self.buttons],
            "attachments": list(self.attachments),
            "edit_of": self.edit_of,
            "kind": self.kind,
            "callback_id": self.callback_id,
        }
        if self.sealed:  # only then: an ordinary row's JSON is as it always was
            d["sealed"] = True
        return d

    @classmethod
    def from_dict(cls, d: JSONObject) -> Reply:
        return cls(
            key=_text(d["key"]),
            params=_params(d.get("params")),
            buttons=tuple(tuple(Button(_text(b["label"]), _text(b["action"]),
                                       _params(b.get("params"))) for b in _objects(row))
                          for row in _items(d.get("buttons"))),
            attachments=tuple(_objects(d.get("attachments"))),
            edit_of=opt_str(d.get("edit_of")),
            kind=_text(d.get("kind", "message")),
            callback_id=opt_str(d.get("callback_id")),
            sealed=d.get("sealed") is True,
        )


def is_sealed(reply: Mapping[str, object]) -> bool:
    """Whether a stored reply (``Reply.to_dict``) is sealed."""
    return reply.get("sealed") is True


def sealed_remains(reply: Mapping[str, object]) -> dict[str, JSON]:
    """What a sealed reply's row keeps once it is delivered (or given up on): its kind and
    the message it replaced (ids, not content), and the placeholder's key, so the web
    chat's history shows a neutral line where the message was."""
    edit_of = reply.get("edit_of")
    return {"key": SEALED_KEY, "sealed": True, "kind": _text_of(reply.get("kind", "message")),
            "edit_of": edit_of if isinstance(edit_of, str) else None}


# Narrowing what ``to_dict`` wrote, as read back from a JSON column.
def _text(value: JSON) -> str:
    return value if isinstance(value, str) else str(value)


def _text_of(value: object) -> str:
    return value if isinstance(value, str) else "message"


def _params(value: JSON) -> dict[str, JSON]:
    """A parameter object; none (null, or left out) is an empty one."""
    return value if is_object(value) and value else {}


def _items(value: JSON) -> Sequence[JSON]:
    """A list's items; none for null or a left-out list."""
    return value if isinstance(value, list) else ()


def _objects(value: JSON) -> Sequence[dict[str, JSON]]:
    """A list of objects (a button row, the attachments); none for null or left out."""
    return value if is_object_list(value) else ()
