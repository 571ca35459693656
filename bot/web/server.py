"""The web chat's aiohttp app: one page, and /api/ (JSON, SSE) behind a bearer token.

Every request must name an allowed Host (DNS rebinding; not a calendar feed's, whose
token is its credential: bot/web/feeds.py) and, when it carries an Origin, an allowed
Origin (cross-site requests are refused). Every /api/ route, known or not,
answers 401 without a valid token. A person only ever reaches their own chat: the chat
is derived from the token, never from the request.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.files import image_kind, strip_metadata, write_once
from bot.web import BOT_ID, CHANNEL, chat_id_of, chat_key_of
from bot.web.body import (CLIENT_ID, JSON_LIMIT, MAX_ID, MAX_TEXT, MESSAGE_FIELDS, Refused,
                          flat_json, message, photo_form)
from bot.web.demo import add_demo_routes
from bot.web.errors import SECURITY_HEADERS, refusal
from bot.web.feeds import FEEDS_PREFIX, add_feed_routes
from bot.web.files import WebFiles
from bot.web.history import LIMIT as HISTORY_LIMIT
from bot.web.history import conversation, own_messages
from bot.web.limits import FloodWatch, PostLimiter
from bot.web.me import about
from bot.web.sender import EventHub, TooManyStreams
from bot.web.tokens import TokenCache, WebUser
from bot.web.writer import InboxWriter
from core.clock import Clock
from locales import Catalog
from storage.inbox import NewUpdate
from storage.uow import Sessions

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"/app.js", "/app.css", "/favicon.svg"}
PING_SECONDS = 15.0
#: aiohttp's own refusals, by status, as the codes the page gets.
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
USER = web.RequestKey("user", WebUser)


@dataclass
class WebDeps:
    sf: Sessions
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
    post_rate: float = 5.0   # POSTs per second per link, after ...
    post_burst: int = 20     # ... this many at once
    files: WebFiles | None = None  # signed file URLs; None: made here with a fresh key
    writer: InboxWriter | None = None  # made here: group commit of POSTed messages
    users: TokenCache | None = None    # made here: token -> person, briefly cached
    limiter: PostLimiter | None = None  # made here: the per-link rate limit on POSTs
    flood: FloodWatch = field(default_factory=FloodWatch)  # shared with the WebSender

    def __post_init__(self) -> None:
        if self.files is None:
            self.files = WebFiles(self.upload_dir, secrets.token_bytes(32))
        # on_stored is looked up at call time: the runtime sets it after this is made.
        self.writer = InboxWriter(self.sf, self.clock, CHANNEL, BOT_ID,
                                  on_stored=lambda: self.on_stored())
        self.users = TokenCache(self.sf, self.token_ttl,
                                fresh_seconds=self.token_check_seconds,
                                demo=self.demo_host is not None)
        self.limiter = PostLimiter(self.post_rate, self.post_burst)


def _bearer(request: web.Request) -> str:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth.startswith("Bearer ") else ""


def make_app(deps: WebDeps) -> web.Application:
    @web.middleware
    async def guard(request: web.Request, handler):  # noqa: ANN001, ANN202
        def refuse(status: int, code: str, **params: Any) -> web.Response:
            headers = {"Retry-After": str(params["seconds"])} if status == 429 else None
            return refusal(request, deps.catalog, status, code, headers, **params)

        if request.host not in deps.allowed_hosts and not request.path.startswith(FEEDS_PREFIX):
            return refuse(403, "host")
        origin = request.headers.get("Origin")
        if (origin is not None and origin != f"http://{request.host}") or \
                request.headers.get("Sec-Fetch-Site") == "cross-site":
            return refuse(403, "origin")
        try:
            if request.path.startswith("/api/"):
                assert deps.users is not None
                user = await deps.users.user(_bearer(request), deps.clock.now())
                if user is None:
                    return refuse(401, "token")
                request[USER] = user
            resp = await handler(request)
        except Refused as exc:
            return refuse(exc.status, exc.code, **exc.params)
        except web.HTTPException as exc:
            if exc.status >= 400:
                return refuse(exc.status, HTTP_CODES.get(exc.status, "bad_request"),
                              limit=JSON_LIMIT // 1024)
            raise
        except (ConnectionResetError, asyncio.CancelledError):
            raise
        except Exception:  # a bug: logged, and the page still gets a reason, never a trace
            log.exception("web request %s %s failed", request.method, request.path)
            return refuse(500, "server")
        if not resp.prepared:
            resp.headers.update(SECURITY_HEADERS)
        return resp

    app = web.Application(middlewares=[guard], client_max_size=deps.max_upload_bytes + 65536)
    routes = _Routes(deps)
    app.router.add_get("/", routes.page)
    for path in STATIC_FILES:
        app.router.add_get(path, routes.static)
    app.router.add_get("/favicon.ico", routes.favicon)
    add_feed_routes(app, sf=deps.sf, clock=deps.clock, catalog=deps.catalog)
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
        raise Refused(400, "bad_since") from None
    # An outbox row id (an INTEGER, 32 bits on PostgreSQL): beyond it matches nothing.
    return min(max(0, since), MAX_ID)


class _Routes:
    def __init__(self, deps: WebDeps) -> None:
        self.d = deps

    async def page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def static(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / request.path.lstrip("/"))

    async def favicon(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "favicon.svg", headers={
            "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400"})

    async def me(self, request: web.Request) -> web.Response:
        user: WebUser = request[USER]
        return web.json_response(await about(self.d.sf, user.person_id, user.display_name,
                                             identity=user.identity,
                                             default_locale=self.d.catalog.default))

    async def _events(self, user: WebUser, since: int) -> list[dict[str, Any]]:
        return await conversation(self.d.sf, self.d.catalog, self.d.files,
                                  chat_id_of(user.person_id), since)

    async def history(self, request: web.Request) -> web.Response:
        user: WebUser = request[USER]
        since = _since(request)
        body: dict[str, Any] = {"events": await self._events(user, since)}
        if since == 0:
            assert self.d.files is not None
            body["mine"] = await own_messages(self.d.sf, chat_key_of(user.person_id),
                                              self.d.files, user.person_id)
        return web.json_response(body)

    async def post(self, request: web.Request) -> web.Response:
        user: WebUser = request[USER]
        assert self.d.limiter is not None
        wait = self.d.limiter.wait(user.identity)
        if wait:
            raise Refused(429, "rate_limited", seconds=wait)
        if request.content_type == "multipart/form-data":
            payload = await self._photo(request)
        else:
            payload = message(await flat_json(request, MESSAGE_FIELDS))
        payload.update(person_id=user.person_id, identity=user.identity,
                       display_name=user.display_name, username=user.label)
        self.d.flood.posted(chat_id_of(user.person_id))
        # Stored (durably, with whatever else arrived meanwhile) before we answer; the
        # client's id makes a retry harmless.
        assert self.d.writer is not None
        new = await self.d.writer.store(NewUpdate(
            update_id=f"{user.person_id}:{payload['client_id']}",
            chat_key=chat_key_of(user.person_id), payload=payload))
        return web.json_response({"stored": True, "duplicate": not new}, status=202)

    async def _photo(self, request: web.Request) -> dict[str, Any]:
        fields, data = await photo_form(request, self.d.max_upload_bytes)
        if not CLIENT_ID.match(fields.get("client_id", "")):
            raise Refused(400, "bad_field", field="client_id")
        if len(fields.get("text", "")) > MAX_TEXT:
            raise Refused(400, "text_too_long", limit=MAX_TEXT)
        after = fields.get("after")
        if after is not None and not (after.isdigit() and len(after) <= 9):
            raise Refused(400, "bad_field", field="after")
        kind = image_kind(data)
        if kind is None:
            raise Refused(400, "not_image")
        clean = strip_metadata(data)
        if clean is None:
            raise Refused(400, "bad_image")
        # Stored without metadata, and named by content only: a handler who sees the URL
        # of an anonymous requester's photo learns nothing about who sent it.
        digest = hashlib.sha256(clean).hexdigest()
        rel = f"web/{digest}.{kind[0]}"
        await asyncio.to_thread(write_once, self.d.upload_dir / rel, clean)
        return {"client_id": fields["client_id"], "kind": "photo",
                **({"after": int(after)} if after is not None else {}),
                "text": fields.get("text", ""),
                "photo": {"ref": rel, "size": len(clean), "mime_type": kind[1]}}

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
            raise Refused(429, "too_many_streams", seconds=int(PING_SECONDS)) from None
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
                for past in page:
                    await _send(resp, past)
                    sent.add(past["id"])
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
