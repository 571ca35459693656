"""`python -m bot history NUMBER`: a concern's events for the operator, one per line.

The lines come from core.concerns.history ``operator_history`` (every event, the crisis
ones too; an anonymous requester stays anonymous: the operator is not the identity
supervisor), in the configured time zone, in the locale files' words.
"""
from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

from bot.config import Settings
from core.concerns.history import normalise, operator_history
from locales import Catalog
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async
from storage.uow import read_only


async def history(settings: Settings, number: str, lang: str | None) -> int:
    await upgrade_async(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        async with read_only(session_factory(engine)) as uow:
            found = await operator_history(uow.store, number=number)
    finally:
        await engine.dispose()
    catalog = Catalog.load(settings.app.default_locale)
    locale = lang or settings.app.default_locale
    if found is None:
        print(catalog.render_plain(locale, "history.cli_unknown",
                                   {"number": normalise(number)}), file=sys.stderr)
        return 1
    tz = ZoneInfo(settings.app.timezone)
    for line in found.lines:
        print(catalog.render_plain(locale, "history.cli_line", {
            "time": line.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "actor": line.actor, "label": line.label}))
    return 0
