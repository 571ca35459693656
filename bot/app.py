"""The composition root: settings -> engine -> channels -> inbox worker, sender, sweeps."""
from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, StartupError
from bot.crisis_config import crisis_rules
from bot.ladder_config import ladder_rules
from bot.crisis.factory import build_assessor
from bot.inbox_worker import InboxWorker
from bot.sender import ChannelSender, OutboxSender
from bot.startup import (
    calendar_fallback_text,
    check_channels,
    has_token,
    hotline_warning,
    startup_line,
    Words,
)
from bot.web.runtime import WebChannel, start_web, web_channel
from bot.reception.recurrence import RruleExpander
from bot.surveys.chart_files import FolderCharts
from bot.privacy_files import folder_files
from bot.surveys.survey_file import FolderSurveyFiles
from bot.workcalendar import ChinaWorkCalendar
from core.clock import Clock, SystemClock
from core.concerns.deadlines import Subject
from core.concerns.intake import IntakeRules
from core.model import Urgency
from core.people.binding import BindingLimits
from core.workdays import Limit, WorkCalendar, add_working_days
from handlers import router
from handlers.context import FlowConfig
from handlers.inbound import Inbound
from locales import Catalog
from scheduler.calendar_check import check_calendar
from scheduler.sweeps import build_scheduler
from storage.calendar.overrides import load_overrides
from storage.db import Engine, make_engine, session_factory
from storage.store import SqlStore
from storage.tables import InboxRow
from storage.uow import Sessions

if TYPE_CHECKING:  # aiogram (seconds to import, ~150 MiB) is loaded only with a token
    from aiogram import Bot

    from bot.telegram.poller import TelegramPoller

log = logging.getLogger("xinqiao")


def flow_config(settings: Settings, calendar: WorkCalendar | None = None) -> FlowConfig:
    app = settings.app
    cal = calendar or ChinaWorkCalendar()
    delay = settings.followup.delay_working_days
    ladder = ladder_rules(settings, cal)
    return FlowConfig(
        revisit_due=lambda at: add_working_days(at, delay, cal, app.timezone),
        rules=IntakeRules(university_code=app.university_code, timezone=app.timezone,
                          default_locale=app.default_locale,
                          max_text_chars=settings.intake.max_text_chars,
                          max_attachments=settings.intake.max_attachments,
                          category_urgency={code: Urgency(c.urgency)
                                            for code, c in settings.categories.items()},
                          calendar=cal,
                          reply_limits=dict(ladder.limits[Subject.REPLY]),
                          category_reply_limits={
                              code: own[Subject.REPLY]
                              for code, own in ladder.category_limits.items()
                              if Subject.REPLY in own}),
        binding=BindingLimits(max_failed_attempts=settings.binding.max_failed_attempts,
                              window=timedelta(hours=1)),
        flood_max=settings.flood.max_messages,
        flood_window_seconds=settings.flood.window_seconds,
        university_name=app.university_name,
        retention_days=settings.privacy.retention_days,
        crisis_assessor=build_assessor(settings.crisis),
        crisis_rules=crisis_rules(settings),
        feed_base_url=settings.web.public_url if settings.web.enabled else None,
        reception_expander=RruleExpander(),
        reception=settings.reception.rules(),
        survey_files=FolderSurveyFiles(Path(settings.surveys.folder)),
        survey_max_reminders=settings.surveys.max_reminders,
        survey_min_group=settings.surveys.min_group,
        result_charts=FolderCharts(Path(settings.web.upload_dir), Catalog.load(
            settings.app.default_locale)),
        privacy=settings.privacy.rules(),
        data_exports=folder_files(settings),
        privacy_files=folder_files(settings),
    )


class RouterHandler:
    """The inbox worker's handler: each inbound message through handlers.router."""

    def __init__(self, config: FlowConfig, default_locale: str) -> None:
        self.config, self.default_locale = config, default_locale

    async def handle(self, inbound: Inbound, store: SqlStore, now: datetime) -> bool:
        return await router.handle(inbound, store, now=now, config=self.config,
                                   default_locale=self.default_locale)


def make_bot(settings: Settings) -> Bot:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    token = settings.telegram.token.get_secret_value()
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram.api_base))
    return Bot(token, session=session)


@dataclass
class Runtime:
    engine: Engine
    sf: Sessions
    inbox_worker: InboxWorker
    sender: OutboxSender
    poller: TelegramPoller | None  # None: no Telegram token, web chat only
    bot: Bot | None
    web: WebChannel | None = None  # only with [web] enabled = true
    #: the process's one working-day calendar: the flows' (a /calendar change updates it
    #: at once) and the sweeps', reloaded from the overrides table by the scheduler
    calendar: ChinaWorkCalendar | None = None

    def workers(self, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
        """The loops that move messages: Telegram polling (if any), inbox, outbox."""
        loops = [self.inbox_worker.run(stop), self.sender.run(stop)]
        if self.poller:
            loops.insert(0, self.poller.run(stop))
        return loops

    async def aclose(self) -> None:
        if self.bot:
            await self.bot.session.close()
        await self.engine.dispose()


async def _connect_telegram(settings: Settings, catalog: Catalog,
                            said: str | None) -> tuple[Bot, str]:
    from aiogram.exceptions import TelegramUnauthorizedError
    from aiogram.types import BotCommand

    bot = make_bot(settings)
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        await bot.session.close()
        raise StartupError("Telegram refused the bot token (401): check XQ_TELEGRAM__TOKEN.",
                           "cli.startup_token_refused")
    await bot.delete_webhook(drop_pending_updates=False)
    for locale, lang in (("zh_CN", None), ("en", "en")):
        await bot.set_my_commands(
            [BotCommand(command=c, description=catalog.raw(locale, f"commands.{c}"))
             for c in router.MENU], language_code=lang)
    log.info("%s", Words(settings, said)("cli.startup_connected", name=me.username or ""))
    return bot, me.username or ""


async def build_runtime(settings: Settings, clock: Clock | None = None,
                        locale: str | None = None) -> Runtime:
    clock = clock or SystemClock()
    check_channels(settings)
    catalog = Catalog.load(settings.app.default_locale)
    bot, username = await _connect_telegram(settings, catalog, locale) if has_token(settings) \
        else (None, "")
    engine = make_engine(settings.database.url)
    sf = session_factory(engine)
    calendar = ChinaWorkCalendar(fallback_text=calendar_fallback_text(settings, locale))
    calendar.replace_overrides(await load_overrides(sf))
    config = flow_config(settings, calendar)
    default_locale = settings.app.default_locale
    handler = RouterHandler(config, default_locale)

    download = None  # Telegram photos shown on the web are fetched through the bot
    if bot:
        from bot.telegram.files import telegram_download

        download = telegram_download(bot, max_bytes=settings.web.max_upload_mb * 2**20)
    web = web_channel(settings, sf, clock, catalog, download=download) \
        if settings.web.enabled else None
    # A channel that is not running keeps its outbox rows pending until it is.
    channels: dict[str, ChannelSender] = {}
    converters: dict[str, Callable[[InboxRow], Inbound]] = {}
    if bot:
        from bot.telegram.convert import CHANNEL, to_inbound
        from bot.telegram.sender import TelegramSender

        # Photos sent from the web chat, and survey charts (drawn into the same folder with
        # or without the web chat), are uploaded to Telegram from the web upload dir.
        channels[CHANNEL] = TelegramSender(bot, catalog,
                                           upload_dir=web.deps.upload_dir if web
                                           else Path(settings.web.upload_dir),
                                           paid_broadcast=settings.outbox.paid_broadcast)
        converters[CHANNEL] = lambda row: to_inbound(
            row.payload, f"{row.channel}:{row.bot_id}:{row.update_id}", username)
    if web:
        channels[web.name] = web.sender
        converters[web.name] = web.converter
    sender = OutboxSender(sf, clock, channels,
                          global_rate=settings.outbox.global_per_second,
                          per_chat_rate=settings.outbox.per_chat_per_second,
                          concurrency=settings.outbox.concurrency,
                          max_attempts=settings.outbox.max_attempts,
                          default_locale=default_locale,
                          bulk_rate=settings.outbox.paid_broadcast_per_second
                          if settings.outbox.paid_broadcast else None)
    inbox_worker = InboxWorker(
        sf, clock, converters, handler, workers=settings.inbox.workers,
        max_attempts=settings.inbox.max_attempts, retry_base=settings.inbox.retry_base_seconds,
        default_locale=default_locale, on_committed=sender.wake.set)
    poller = None
    if bot:
        from bot.telegram.poller import TelegramPoller

        poller = TelegramPoller(bot, sf, clock, timeout=settings.telegram.poll_timeout,
                                on_stored=inbox_worker.wake.set)
    if web:
        web.deps.on_stored = inbox_worker.wake.set
    return Runtime(engine, sf, inbox_worker, sender, poller, bot, web, calendar=calendar)


async def serve(settings: Settings, clock: Clock | None = None,
                locale: str | None = None) -> None:
    """Run until SIGINT/SIGTERM; then finish what is in flight and stop. What it prints
    is in ``locale`` (``[app] default_locale`` by default)."""
    clock = clock or SystemClock()
    rt = await build_runtime(settings, clock, locale)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    calendar = rt.calendar or ChinaWorkCalendar()
    await check_calendar(rt.sf, calendar, clock, timezone=settings.app.timezone,
                         default_locale=settings.app.default_locale)
    sched = build_scheduler(rt.sf, clock, settings.app.timezone, calendar=calendar,
                            answer_working_days=settings.followup.answer_working_days,
                            default_locale=settings.app.default_locale,
                            crisis_rules=crisis_rules(settings),
                            ladder_rules=ladder_rules(settings, calendar),
                            ladder_seconds=settings.ladder.sweep_seconds,
                            reception_expander=RruleExpander(),
                            reception_rules=settings.reception.rules(),
                            reception_seconds=settings.reception.sweep_seconds,
                            # the sweep tops the bulk lane up once a second: at a paid
                            # broadcast's rate the window must hold two seconds of it
                            push_window=max(settings.surveys.push_window,
                                            int(2 * settings.outbox.paid_broadcast_per_second)
                                            if settings.outbox.paid_broadcast else 0),
                            mix_seconds=settings.surveys.mix_seconds,
                            privacy=(settings.privacy.rules(), folder_files(settings),
                                     settings.privacy.sweep_hours))
    site = None
    try:
        if rt.web:
            host, port = settings.web.host, settings.web.port
            try:
                site = await start_web(rt.web.app(), host, port)
            except OSError as exc:
                raise StartupError(
                    f"The web chat cannot listen on {host}:{port} ({exc.strerror or exc}): "
                    f"set [web] port (XQ_WEB__PORT) to a free port, or stop what uses it.",
                    "cli.startup_port_taken", host=host, port=str(port),
                    reason=str(exc.strerror or exc)) from None
        sched.start()
        if warning := hotline_warning(settings, locale):
            log.warning("%s", warning)
        print(startup_line(settings, locale), flush=True)
        await asyncio.gather(*rt.workers(stop))
    finally:
        if sched.running:
            sched.shutdown(wait=False)
        if site:
            await site.cleanup()
        await rt.aclose()
