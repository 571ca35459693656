"""The web chat's aiohttp app: one page, and /api/ (JSON, SSE) behind a bearer token.

Every request must name an allowed Host (DNS rebinding) and, when it carries an Origin,
an allowed Origin (cross-site requests are refused). Every /api/ route, known or not,
answers 401 without a valid token. A person only ever reaches their own chat: the chat
is derived from the token, never from the request.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.web import BOT_ID, CHANNEL, chat_id_of, chat_key_of
from bot.web.demo import add_demo_routes
from bot.web.files import WebFiles, image_kind, strip_metadata, write_once
from bot.web.history import LIMIT as HISTORY_LIMIT
from bot.web.history import own_messages, sent_replies
from bot.web.sender import EventHub, TooManyStreams, render_event
from bot.web.tokens import TokenCache, WebUser
from bot.web.writer import InboxWriter
from core.clock import Clock
from locales import Catalog
from storage.inbox import NewUpdate

STATIC = Path(__file__).parent / "static"
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MESSAGE_ID = re.compile(r"^[0-9]{1,20}$")
MAX_TEXT = 4000
PING_SECONDS = 15.0
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' blob:; connect-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
USER = web.RequestKey("user", WebUser)


@dataclass
class WebDeps:
    sf: async_sessionmaker
    clock: Clock
    catalog: Catalog
    hub: EventHub
    allowed_hosts: set[str]  # "host:port" as browsers send it
    upload_dir: Path
    max_upload_bytes: int
    on_stored: Callable[[], None] = lambda: None
    token_ttl: timedelta = timedelta(days=90)
    demo_host: str | None = None  # set: demo mode on this (loopback) host
    token_check_seconds: float = 10.0
    files: WebFiles | None = None  # signed file URLs; None: made here with a fresh key
    writer: InboxWriter | None = None  # made here: group commit of POSTed messages
    users: TokenCache | None = None    # made here: token -> person, briefly cached

    def __post_init__(self) -> None:
        if self.files is None:
            self.files = WebFiles(self.upload_dir, secrets.token_bytes(32))
        # on_stored is looked up at call time: the runtime sets it after this is made.
        self.writer = InboxWriter(self.sf, self.clock, CHANNEL, BOT_ID,
                                  on_stored=lambda: self.on_stored())
        self.users = TokenCache(self.sf, self.token_ttl,
                                fresh_seconds=self.token_check_seconds,
                                demo=self.demo_host is not None)


def _error(status: int, code: str) -> web.Response:
    return web.json_response({"error": code}, status=status, headers=SECURITY_HEADERS)


def _bearer(request: web.Request) -> str:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth.startswith("Bearer ") else ""


def make_app(deps: WebDeps) -> web.Application:
    @web.middleware
    async def guard(request: web.Request, handler):  # noqa: ANN001, ANN202
        if request.host not in deps.allowed_hosts:
            return _error(403, "host")
        origin = request.headers.get("Origin")
        if (origin is not None and origin != f"http://{request.host}") or \
                request.headers.get("Sec-Fetch-Site") == "cross-site":
            return _error(403, "origin")
        if request.path.startswith("/api/"):
            assert deps.users is not None
            user = await deps.users.user(_bearer(request), deps.clock.now())
            if user is None:
                return _error(401, "token")
            request[USER] = user
        try:
            resp = await handler(request)
        except web.HTTPException as exc:
            if exc.status >= 400:
                return _error(exc.status, exc.reason.lower().replace(" ", "_"))
            raise
        if not resp.prepared:
            resp.headers.update(SECURITY_HEADERS)
        return resp

    app = web.Application(middlewares=[guard], client_max_size=deps.max_upload_bytes + 65536)
    routes = _Routes(deps)
    app.router.add_get("/", routes.page)
    app.router.add_get("/app.js", routes.static)
    app.router.add_get("/app.css", routes.static)
    if deps.demo_host is not None:
        assert deps.users is not None
        add_demo_routes(app, host=deps.demo_host, sf=deps.sf, clock=deps.clock,
                        users=deps.users)
    app.router.add_get("/api/me", routes.me)
    app.router.add_get("/api/messages", routes.history)
    app.router.add_post("/api/messages", routes.post)
    app.router.add_get("/api/events", routes.events)
    app.router.add_get("/api/files/{ref:.+}", routes.file)  # the handler checks the ref
    return app


def _since(request: web.Request) -> int:
    try:
        since = int(request.query.get("since", "0"))
    except ValueError:
        raise web.HTTPBadRequest(reason="Bad since") from None
    # An outbox row id (an INTEGER, 32 bits on PostgreSQL): beyond it matches nothing.
    return min(max(0, since), 2**31 - 1)


class _Routes:
    def __init__(self, deps: WebDeps) -> None:
        self.d = deps

    async def page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def static(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / request.path.lstrip("/"))

    async def me(self, request: web.Request) -> web.Response:
        return web.json_response({"name": request[USER].display_name})

    async def _events(self, user: WebUser, since: int) -> list[dict[str, Any]]:
        rows = await sent_replies(self.d.sf, chat_id_of(user.person_id), since)
        return [{**render_event(self.d.catalog, r, self.d.files), "at": at.isoformat()}
                for r, at in rows]

    async def history(self, request: web.Request) -> web.Response:
        user: WebUser = request[USER]
        since = _since(request)
        body: dict[str, Any] = {"events": await self._events(user, since)}
        if since == 0:
            body["mine"] = await own_messages(self.d.sf, chat_key_of(user.person_id))
        return web.json_response(body)

    async def post(self, request: web.Request) -> web.Response:
        user: WebUser = request[USER]
        if request.content_type == "multipart/form-data":
            try:
                payload = await self._photo(request, user)
            except (ValueError, LookupError, UnicodeDecodeError, AttributeError, AssertionError):
                # No boundary, an unknown charset, bad UTF-8, a nested multipart part ...
                return _error(400, "bad_upload")
        elif request.content_type == "application/json":
            try:
                payload = _message(await request.json())
            except (ValueError, TypeError, AttributeError, KeyError):
                return _error(400, "bad_message")
        else:
            return _error(415, "content_type")
        payload.update(person_id=user.person_id, identity=user.identity,
                       display_name=user.display_name, username=user.label)
        # Stored (durably, with whatever else arrived meanwhile) before we answer; the
        # client's id makes a retry harmless.
        assert self.d.writer is not None
        new = await self.d.writer.store(NewUpdate(
            update_id=f"{user.person_id}:{payload['client_id']}",
            chat_key=chat_key_of(user.person_id), payload=payload))
        return web.json_response({"stored": True, "duplicate": not new}, status=202)

    async def _photo(self, request: web.Request, user: WebUser) -> dict[str, Any]:
        fields: dict[str, str] = {}
        data = b""
        reader = await request.multipart()
        async for part in reader:
            if part.name == "photo":
                data = await part.read()
                if len(data) > self.d.max_upload_bytes:
                    raise web.HTTPRequestEntityTooLarge(self.d.max_upload_bytes, len(data))
            elif part.name in ("client_id", "text"):
                fields[part.name] = (await part.text())[:MAX_TEXT]
        kind = image_kind(data)
        clean = strip_metadata(data) if kind else None
        if not CLIENT_ID.match(fields.get("client_id", "")) or kind is None or clean is None:
            raise web.HTTPBadRequest(reason="Bad photo")
        # Stored without metadata, and named by content only: a handler who sees the URL
        # of an anonymous requester's photo learns nothing about who sent it.
        data = clean
        digest = hashlib.sha256(data).hexdigest()
        rel = f"web/{digest}.{kind[0]}"
        await asyncio.to_thread(write_once, self.d.upload_dir / rel, data)
        return {"client_id": fields["client_id"], "kind": "photo",
                "text": fields.get("text", ""),
                "photo": {"ref": rel, "size": len(data), "mime_type": kind[1]}}

    async def file(self, request: web.Request) -> web.StreamResponse:
        # Served only on a URL signed for the person asking (their history gave it to
        # them); any other ref, signature or person gets the same 404.
        assert self.d.files is not None
        path = await asyncio.to_thread(self.d.files.open, request[USER].person_id,
                                       request.match_info["ref"], request.query.get("sig", ""))
        if path is None:
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})

    async def events(self, request: web.Request) -> web.StreamResponse:
        user: WebUser = request[USER]
        token = _bearer(request)
        last = _since(request)
        chat_id = chat_id_of(user.person_id)
        try:  # before reading history: nothing falls between (see EventHub)
            queue = self.d.hub.subscribe(chat_id)
        except TooManyStreams:
            return _error(429, "too_many_streams")
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no", **SECURITY_HEADERS})
        sent: set[int] = set()
        try:
            await resp.prepare(request)
            # Everything after ``since`` (a page back from a long absence: page by page).
            after = last
            while True:
                page = await self._events(user, after)
                for event in page:
                    await _send(resp, event)
                    sent.add(event["id"])
                if after == 0 or len(page) < HISTORY_LIMIT:
                    break
                after = page[-1]["id"]
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), PING_SECONDS)
                except TimeoutError:
                    event = None
                # A link revoked or expired while its page is open: the stream ends too.
                assert self.d.users is not None
                if await self.d.users.user(token, self.d.clock.now()) is None:
                    break
                if event is None:
                    await resp.write(b": ping\n\n")
                elif event["kind"] != "message" or (event["id"] > last and
                                                    event["id"] not in sent):
                    await _send(resp, event)
                    if event["kind"] == "message":
                        sent.add(event["id"])
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.d.hub.unsubscribe(chat_id, queue)
        return resp


async def _send(resp: web.StreamResponse, event: dict[str, Any]) -> None:
    data = json.dumps(event, ensure_ascii=False)
    await resp.write(f"id: {event['id']}\nevent: {event['kind']}\ndata: {data}\n\n".encode())


def _message(body: Any) -> dict[str, Any]:
    """A text or a button press, checked for shape; the handlers check the meaning."""
    client_id = body["client_id"]
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise ValueError("client_id")
    if "action" in body:
        action, message_id = body["action"], str(body.get("message_id") or "")
        label = body.get("label") or ""
        if not isinstance(action, str) or not 0 < len(action) <= 64 or \
                (message_id and not MESSAGE_ID.match(message_id)) or not isinstance(label, str):
            raise ValueError("action")
        return {"client_id": client_id, "kind": "button", "action": action,
                "message_id": message_id, "label": label[:64]}
    text = body["text"]
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise ValueError("text")
    message = {"client_id": client_id, "kind": "text", "text": text}
    # The page's own commands (/start on a first visit, /lang from its switch) are not
    # shown back as the person's messages.
    if body.get("silent") is True and text.startswith("/"):
        message["silent"] = True
    return message
