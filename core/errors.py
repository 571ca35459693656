"""Domain errors. Each carries a locale key; one place maps them to replies."""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    key = "error.generic"

    def __init__(self, key: str | None = None, **params: Any) -> None:
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
