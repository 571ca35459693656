"""Value types shared by core and its ports: JSON data, and a concern's column values.

``JSON`` is what goes into a JSON column and comes back out of it: reply parameters,
audit and event details, conversation data, attachment descriptions. Its containers are
read-only views (``Sequence``, ``Mapping``), so a ``dict[str, str]`` or a list of
attachments can be passed where JSON is expected; code that builds JSON uses plain
``dict`` and ``list``.

Values read back from JSON are narrowed where they are used, with the helpers below:
each returns the value itself when it already has the wanted type.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TypeAlias, TypeGuard, Union

JSON: TypeAlias = Union[str, int, float, bool, None, Sequence["JSON"], Mapping[str, "JSON"]]
#: A JSON object, as passed on (an attachment's description, an audit row's detail).
JSONObject: TypeAlias = Mapping[str, JSON]
#: A concern's column value (storage.tables.Concern): what add_concern, update_concern and
#: concern_fields carry.
Scalar: TypeAlias = Union[str, int, float, bool, datetime, None]


def as_int(value: JSON) -> int:
    """``int(value)`` for a number, or its text, read back from JSON."""
    if isinstance(value, (str, int, float)):
        return int(value)
    raise TypeError(f"not a number: {value!r}")


def opt_str(value: object) -> str | None:
    """The value if it is text, else None (a nullable text column or JSON field)."""
    return value if isinstance(value, str) else None


def is_str_list(value: JSON) -> TypeGuard[list[str]]:
    """A JSON list of texts (as conversation data keeps choices and draft texts)."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def is_object_list(value: JSON) -> TypeGuard[list[dict[str, JSON]]]:
    """A JSON list of objects (as a draft keeps its attachments)."""
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def is_object(value: JSON) -> TypeGuard[dict[str, JSON]]:
    """A JSON object as decoded from a JSON column (its keys are text)."""
    return isinstance(value, dict)
