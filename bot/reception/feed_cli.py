"""``python -m bot reception feed PERSON_NUMBER [--revoke]``: a leader's calendar-feed link.

Without ``--revoke``: a new link (the leader's earlier ones stop working), printed alone on
stdout for machines (``[web] base_url`` + ``/feeds/reception/<token>.ics``); a note on
stderr when ``[web]`` is off, since nothing serves it then. With ``--revoke``: every link
of the leader stops working, and stdout says how many. An unknown person or one without
the ``leader`` role is refused on stderr (exit 1). Texts in ``--lang`` or
``[app] default_locale``; both actions are audited (``reception_feed``, source ``cli``) by
``core.reception.feed``.
"""
from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from core.clock import SystemClock
from core.errors import DomainError
from core.reception.feed import feed_url, renew_feed, revoke_feed
from core.types import JSON
from locales import Catalog
from storage.reception.feeds import person_by_number
from storage.uow import Sessions, unit_of_work

SOURCE = "cli"


async def run_feed(settings: Settings, sf: Sessions, args: argparse.Namespace) -> int:
    catalog = Catalog.load(settings.app.default_locale)
    locale = getattr(args, "lang", None) or settings.app.default_locale

    def say(key: str, params: dict[str, JSON], *, error: bool = False) -> None:
        print(catalog.render_plain(locale, key, params), file=sys.stderr if error else sys.stdout)

    now = SystemClock().now()
    person = await person_by_number(sf, args.person)
    if person is None:
        say("reception.unknown_person", {"number": args.person}, error=True)
        return 1
    token, count, refused = "", 0, False
    async with unit_of_work(sf) as uow:  # committed either way: a refusal is audited too
        try:
            if args.revoke:
                count = await revoke_feed(uow.store, person, now, actor_id=None, source=SOURCE)
            else:
                token = await renew_feed(uow.store, person, now, actor_id=None, source=SOURCE)
        except DomainError:  # the one refusal here: not a leader
            refused = True
    if refused:
        say("reception.not_leader", {"number": args.person}, error=True)
        return 1
    if args.revoke:
        say("feed.cli_revoked", {"number": args.person, "count": count})
        return 0
    print(feed_url(settings.web.public_url, token))
    if not settings.web.enabled:
        say("feed.cli_web_off", {}, error=True)
    return 0
