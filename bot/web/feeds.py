"""``GET /feeds/reception/<token>.ics``: a leader's reception days for a calendar app.

The secret token in the path is the whole credential (``core/reception/feed.py`` issues
and revokes it): no web chat token or cookie, served with or without demo mode. The body
is what ``python -m bot reception ics`` writes (``bot/reception/ics.py``). Every token
that does not name a live feed (unknown, malformed, revoked, of someone no longer a
leader) gets the same short 404, so the answer never tells whether a token existed.
"""
from __future__ import annotations

from aiohttp import web

from bot.reception.ics import build_ics
from bot.web.errors import request_locale
from core.clock import Clock
from core.reception.feed import FEED_PATH
from locales import Catalog
from storage.reception.feeds import feed_of_token
from storage.uow import Sessions

#: every path under it is a feed (the web server's Host check does not apply there)
FEEDS_PREFIX = FEED_PATH.split("{", 1)[0]
SUFFIX = ".ics"


def add_feed_routes(app: web.Application, *, sf: Sessions, clock: Clock,
                    catalog: Catalog) -> None:
    async def feed(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        now = clock.now()
        found = await feed_of_token(sf, name.removesuffix(SUFFIX), since=now) \
            if name.endswith(SUFFIX) else None
        if found is None:
            text = catalog.render_plain(request_locale(request, catalog), "feed.not_found", {})
            return web.Response(status=404, text=text, headers={"Cache-Control": "no-store"})
        number, sessions = found
        return web.Response(body=build_ics(sessions, name=number, now=now),
                            content_type="text/calendar", charset="utf-8",
                            headers={"Cache-Control": "no-store"})

    app.router.add_get(FEEDS_PREFIX + "{name}", feed)
