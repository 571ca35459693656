"""Domain errors. Each carries a locale key; one place maps them to replies."""
from __future__ import annotations

from core.replies import t
from core.types import JSON


class DomainError(Exception):
    key = "error.generic"

    def __init__(self, key: str | None = None, **params: JSON) -> None:
        super().__init__(key or self.key)
        if key:
            self.key = key
        self.params = params


class BindingError(DomainError):
    key = "bind.invalid"


class InputError(DomainError):
    key = "error.input"


class AccessDenied(DomainError):
    key = "error.denied"


def too_long(what: str | None, *, length: int, limit: int,
             key: str = "too_long.message") -> InputError:
    """A text over its limit: the reply names the text (``what``, a locale key such as
    ``too_long.reply_summary``; None when ``key`` says it) and says both sizes, each with
    its plural form."""
    params: dict[str, JSON] = {"what": t(what)} if what else {}
    return InputError(key, **params, length=t("unit.chars", count=length),
                      limit=t("unit.chars", count=limit))


def check_length(text: str, limit: int, what: str | None = None, *,
                 key: str = "too_long.message") -> None:
    """The one check of a text against its limit: over ``limit`` characters raises
    ``too_long(what, key=key)`` with the text's length (the step that asked for the
    text keeps waiting, for a shorter one)."""
    if len(text) > limit:
        raise too_long(what, length=len(text), limit=limit, key=key)
