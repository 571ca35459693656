"""Refusals as the page reads them: ``{"error": code, "reason": text}``, the text in the
person's language (the page sends its own as Accept-Language; else the default locale)."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from locales import Catalog

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' blob:; connect-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
#: Every refusal the web chat gives; each has a text ``web_error.<code>`` in every locale.
CODES = frozenset({
    "bad_request", "server", "host", "origin", "token", "not_found", "method_not_allowed",
    "content_type", "too_large", "photo_too_large", "bad_json", "nested", "not_object",
    "unknown_field", "bad_field", "bad_message", "empty_text", "text_too_long", "bad_action",
    "bad_upload", "no_photo", "not_image", "bad_image", "rate_limited", "too_many_streams",
    "bad_since", "unknown_person"})


def request_locale(request: web.Request, catalog: Catalog) -> str:
    """The first catalogue locale the request's Accept-Language names (zh-CN, en-GB ...)."""
    for part in request.headers.get("Accept-Language", "").split(","):
        primary = part.split(";")[0].strip().lower().replace("_", "-").split("-")[0]
        for locale in catalog.locales:
            if primary and locale.lower().split("_")[0] == primary:
                return locale
    return catalog.default


def refusal(request: web.Request, catalog: Catalog, status: int, code: str,
            headers: dict[str, str] | None = None, **params: Any) -> web.Response:
    text = code if code in CODES else "server" if status >= 500 else "bad_request"
    reason = catalog.render(request_locale(request, catalog), f"web_error.{text}", params)
    return web.json_response({"error": code, "reason": reason}, status=status,
                             headers={**SECURITY_HEADERS, **(headers or {})})
