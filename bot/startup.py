"""What the operator reads when the bot starts, in ``[app] default_locale`` or ``--lang``:
the channels that can run (or why none can), the one line that says where to open the web
chat, and the warnings about settings to finish (the school's crisis hotline, a year the
work calendar has no holiday data for)."""
from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings, StartupError
from locales import Catalog


def has_token(settings: Settings) -> bool:
    return bool(settings.telegram.token.get_secret_value())


def check_channels(settings: Settings) -> None:
    if not has_token(settings) and not settings.web.enabled:
        raise StartupError(
            "Nothing to run: no Telegram bot token is set and the web chat is disabled. Get a "
            "token from @BotFather and run `export XQ_TELEGRAM__TOKEN=<token>`, or set "
            "[web] enabled = true in config.toml.", "cli.startup_nothing")


class Words:
    """The ``[cli]`` texts in one locale. The locale files are read once per process
    (about 30 ms), however many start-up lines ask for them."""

    _catalog: Catalog | None = None

    def __init__(self, settings: Settings, locale: str | None = None) -> None:
        self.locale = locale or settings.app.default_locale
        if Words._catalog is None:
            Words._catalog = Catalog.load()
        self.catalog = Words._catalog

    def __call__(self, key: str, **params: object) -> str:
        return self.catalog.render_plain(self.locale, key, params)


def startup_line(settings: Settings, locale: str | None = None) -> str:
    """The one line that says which channels run and where to open the web chat, in
    ``locale`` (``[app] default_locale`` by default)."""
    say = Words(settings, locale)
    if not settings.web.enabled:
        return say("cli.startup_telegram")
    where = settings.web.url
    how = say("cli.startup_demo", url=where) if settings.web.demo \
        else say("cli.startup_links", url=where)
    return say("cli.startup_both" if has_token(settings) else "cli.startup_web_only", how=how)


def hotline_warning(settings: Settings, locale: str | None = None) -> str | None:
    """What to set when the crisis reply can name only the national hotline, else None."""
    if settings.crisis.school_hotline.strip():
        return None
    return Words(settings, locale)("cli.warn_no_school_hotline")


def calendar_fallback_text(settings: Settings, locale: str | None = None
                           ) -> Callable[[int, str, str], str]:
    """``(year, source, why) -> text``: the work calendar's warning when a year has no
    holiday data from chinesecalendar (bot/workcalendar.py)."""
    say = Words(settings, locale)

    def text(year: int, source: str, why: str) -> str:
        return say("cli.warn_calendar_fallback", year=str(year), source=source, why=why)

    return text
