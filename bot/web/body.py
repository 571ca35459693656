"""Reading request bodies with limits: small flat JSON objects, and one photo in a form;
and what a message must look like.

Nothing is parsed before its size is known to be small: a JSON body is read up to
``JSON_LIMIT`` bytes, a form up to the photo limit, and anything bigger is refused with a
413 before it is read whole. A JSON body must be one flat object (nesting is refused
before ``json`` recurses into it) of known fields of the right types; anything else is a
400 that says which field is wrong. Each refusal is a ``Refused`` that the server turns
into a JSON answer with the reason in the person's language (``bot.web.errors``).
"""
from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import BodyPartReader, web

JSON_LIMIT = 16 * 1024    # bytes: a message is at most 4000 characters (12 000 bytes)
FIELD_LIMIT = 16 * 1024   # bytes: a text field of a form
FORM_SLACK = 64 * 1024    # bytes of a form besides its photo (boundaries, headers, fields)
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MESSAGE_ID = re.compile(r"^[0-9]{1,20}$")
MAX_TEXT = 4000
#: The fields a JSON message may have, and their types; any other field is refused.
MESSAGE_FIELDS: dict[str, tuple[type, ...]] = {
    "client_id": (str,), "text": (str,), "silent": (bool,), "action": (str,),
    "message_id": (str, int), "label": (str,), "after": (int,)}
MAX_ID = 2**31 - 1  # outbox ids are INTEGER (32 bits on PostgreSQL)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


class Refused(Exception):
    """A request refused: HTTP status, error code, and the locale key's parameters."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.params = status, code, params


def _nesting(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings ignored)."""
    depth = deepest = 0
    for ch in _BRACKETS.findall(_STRING.sub('""', text)):
        depth += 1 if ch in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


async def _read(stream: Any, limit: int, too_large: Refused) -> bytes:
    data = bytearray()
    while True:
        # A form part is read a chunk at a time (at most 64 KiB past the limit).
        chunk = await stream.read(limit + 1 - len(data)) if hasattr(stream, "readany") \
            else await stream.read_chunk(65536)
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > limit:
            raise too_large


async def flat_json(request: web.Request, fields: dict[str, tuple[type, ...]]) -> dict[str, Any]:
    """The body as a flat JSON object of ``fields`` (name -> accepted types); or Refused."""
    if request.content_type != "application/json":
        raise Refused(415, "content_type")
    too_large = Refused(413, "too_large", limit=JSON_LIMIT // 1024)
    if (request.content_length or 0) > JSON_LIMIT:
        raise too_large
    raw = await _read(request.content, JSON_LIMIT, too_large)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "bad_json") from None
    if _nesting(text) > 1:
        raise Refused(400, "nested")
    try:
        body = json.loads(text)
    except ValueError:
        raise Refused(400, "bad_json") from None
    if not isinstance(body, dict):
        raise Refused(400, "not_object")
    for name, value in body.items():
        if name not in fields:
            raise Refused(400, "unknown_field", field=name[:40])
        types = fields[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise Refused(400, "bad_field", field=name)
    return body


async def photo_form(request: web.Request, max_photo: int) -> tuple[dict[str, str], bytes]:
    """A form of ``client_id``, optional ``text`` and ``after``, and one ``photo``:
    (fields, photo bytes)."""
    photo_too_large = Refused(413, "photo_too_large", mb=max_photo // 2**20)
    if (request.content_length or 0) > max_photo + FORM_SLACK:
        raise photo_too_large
    fields: dict[str, str] = {}
    photo: bytes | None = None
    try:
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):  # a multipart inside the form
                raise Refused(400, "bad_upload")
            name = part.name or ""
            if name not in ("client_id", "text", "after", "photo"):
                raise Refused(400, "unknown_field", field=name[:40])
            if name in fields or (name == "photo" and photo is not None):
                raise Refused(400, "bad_upload")
            if name == "photo":
                photo = part.decode(await _read(part, max_photo, photo_too_large))
                continue
            value = part.decode(await _read(part, FIELD_LIMIT, Refused(413, "too_large",
                                                                       limit=FIELD_LIMIT // 1024)))
            fields[name] = value.decode(part.get_charset(default="utf-8"))
    except (ValueError, LookupError, AttributeError, AssertionError, TypeError):
        # No boundary, an unknown charset, bad UTF-8 (a ValueError), a broken part ...
        raise Refused(400, "bad_upload") from None
    if photo is None:
        raise Refused(400, "no_photo")
    return fields, photo


def message(body: dict[str, Any]) -> dict[str, Any]:
    """A text or a button press (a flat object of known fields), checked for shape; the
    handlers check the meaning."""
    client_id = body.get("client_id")
    if client_id is None or ("text" not in body and "action" not in body):
        raise Refused(400, "bad_message")
    if not CLIENT_ID.match(client_id):
        raise Refused(400, "bad_field", field="client_id")
    # The last reply the page had shown when this was sent: history puts it back there.
    after = {"after": body["after"]} if "after" in body else {}
    if after and not 0 <= after["after"] <= MAX_ID:
        raise Refused(400, "bad_field", field="after")
    if "action" in body:
        action, message_id = body["action"], str(body.get("message_id") or "")
        if not 0 < len(action) <= 64 or (message_id and not MESSAGE_ID.match(message_id)):
            raise Refused(400, "bad_action")
        return {"client_id": client_id, "kind": "button", "action": action, **after,
                "message_id": message_id, "label": (body.get("label") or "")[:64]}
    text = body["text"]
    if not text.strip():
        raise Refused(400, "empty_text")
    if len(text) > MAX_TEXT:
        raise Refused(400, "text_too_long", limit=MAX_TEXT)
    out = {"client_id": client_id, "kind": "text", "text": text, **after}
    # The page's own commands (/start on a first visit, /lang from its switch) are not
    # shown back as the person's messages.
    if body.get("silent") is True and text.startswith("/"):
        out["silent"] = True
    return out
