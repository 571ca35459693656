"""The composition root: settings -> engine -> channels -> inbox worker, sender, sweeps."""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramUnauthorizedError
from aiogram.types import BotCommand
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.config import Settings
from bot.crisis_config import crisis_rules
from bot.dispatcher import InboxDispatcher
from bot.sender import OutboxSender
from bot.workcalendar import ChinaWorkCalendar
from bot.telegram.convert import CHANNEL, to_inbound
from bot.telegram.poller import TelegramPoller
from bot.telegram.sender import TelegramSender
from bot.web.runtime import WebChannel, serve_web, web_channel
from core.binding import BindingLimits
from core.clock import Clock, SystemClock
from core.intake import IntakeRules
from core.model import Urgency
from core.workdays import Limit, WorkCalendar, add_working_days
from handlers import router
from handlers.context import FlowConfig
from locales import Catalog
from scheduler.calendar_check import check_calendar
from scheduler.sweeps import build_scheduler
from storage.db import make_engine, session_factory

log = logging.getLogger("xinqiao")


class StartupError(Exception):
    """A problem the operator must fix; printed as one sentence, without a traceback."""


def flow_config(settings: Settings, calendar: WorkCalendar | None = None) -> FlowConfig:
    app = settings.app
    cal = calendar or ChinaWorkCalendar()
    delay = settings.followup.delay_working_days
    return FlowConfig(
        revisit_due=lambda at: add_working_days(at, delay, cal, app.timezone),
        rules=IntakeRules(university_code=app.university_code, timezone=app.timezone,
                          default_locale=app.default_locale,
                          max_text_chars=settings.intake.max_text_chars,
                          max_attachments=settings.intake.max_attachments,
                          category_urgency={code: Urgency(c.urgency)
                                            for code, c in settings.categories.items()},
                          calendar=cal,
                          reply_limits={
                              Urgency.P1: Limit.wall_clock(settings.limits.p1_reply_hours),
                              Urgency.P2: Limit.workdays(settings.limits.p2_reply_working_days),
                              Urgency.P3: Limit.workdays(settings.limits.p3_reply_working_days),
                          }),
        binding=BindingLimits(max_failed_attempts=settings.binding.max_failed_attempts,
                              window=timedelta(hours=1)),
        flood_max=settings.flood.max_messages,
        flood_window_seconds=settings.flood.window_seconds,
        university_name=app.university_name,
        retention_days=settings.privacy.retention_days,
        crisis_detector=settings.crisis.detector(),
        crisis_rules=crisis_rules(settings),
    )


def make_bot(settings: Settings) -> Bot:
    token = settings.telegram.token.get_secret_value()
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram.api_base))
    return Bot(token, session=session)


@dataclass
class Runtime:
    engine: AsyncEngine
    sf: async_sessionmaker
    dispatcher: InboxDispatcher
    sender: OutboxSender
    poller: TelegramPoller
    bot: Bot
    web: WebChannel | None = None  # only with [web] enabled = true


def check_token(settings: Settings) -> None:
    if not settings.telegram.token.get_secret_value():
        raise StartupError(
            "No Telegram bot token is set: get one from @BotFather, run "
            "`export XQ_TELEGRAM__TOKEN=<token>` and start again.")


async def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    clock = clock or SystemClock()
    check_token(settings)
    engine = make_engine(settings.database.url)
    sf = session_factory(engine)
    catalog = Catalog.load(settings.app.default_locale)
    bot = make_bot(settings)
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        await bot.session.close()
        raise StartupError("Telegram refused the bot token (401): check XQ_TELEGRAM__TOKEN.")
    config = flow_config(settings)
    default_locale = settings.app.default_locale

    async def handle(inbound, store, now):  # noqa: ANN001, ANN202
        await router.handle(inbound, store, now=now, config=config,
                            default_locale=default_locale)

    web = web_channel(settings, sf, clock, catalog) if settings.web.enabled else None
    channels = {CHANNEL: TelegramSender(bot, catalog)}
    if web:
        channels[web.name] = web.sender
    sender = OutboxSender(sf, clock, channels,
                          global_rate=settings.outbox.global_per_second,
                          per_chat_rate=settings.outbox.per_chat_per_second,
                          concurrency=settings.outbox.concurrency,
                          max_attempts=settings.outbox.max_attempts,
                          default_locale=default_locale)
    username = me.username or ""
    converters = {CHANNEL: lambda row: to_inbound(row.payload,
                                                  f"{row.channel}:{row.bot_id}:{row.update_id}",
                                                  username)}
    if web:
        converters[web.name] = web.converter
    dispatcher = InboxDispatcher(
        sf, clock, converters, handle, workers=settings.inbox.workers, max_attempts=settings.inbox.max_attempts,
        retry_base=settings.inbox.retry_base_seconds, default_locale=default_locale,
        on_committed=sender.wake.set)
    poller = TelegramPoller(bot, sf, clock, timeout=settings.telegram.poll_timeout,
                            on_stored=dispatcher.wake.set)
    if web:
        web.deps.on_stored = dispatcher.wake.set
    await bot.delete_webhook(drop_pending_updates=False)
    for locale, lang in (("zh_CN", None), ("en", "en")):
        await bot.set_my_commands(
            [BotCommand(command=c, description=catalog.raw(locale, f"commands.{c}"))
             for c in router.MENU], language_code=lang)
    log.info("Telegram bot @%s is connected", username)
    return Runtime(engine, sf, dispatcher, sender, poller, bot, web)


async def serve(settings: Settings, clock: Clock | None = None) -> None:
    """Run until SIGINT/SIGTERM; then finish what is in flight and stop."""
    clock = clock or SystemClock()
    rt = await build_runtime(settings, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    calendar = ChinaWorkCalendar()
    await check_calendar(rt.sf, calendar, clock, timezone=settings.app.timezone,
                         default_locale=settings.app.default_locale)
    sched = build_scheduler(rt.sf, clock, settings.app.timezone, calendar=calendar,
                            answer_working_days=settings.followup.answer_working_days,
                            default_locale=settings.app.default_locale,
                            crisis_rules=crisis_rules(settings))
    sched.start()
    try:
        loops = [rt.poller.run(stop), rt.dispatcher.run(stop), rt.sender.run(stop)]
        if rt.web:
            loops.append(serve_web(rt.web.app(), settings.web.host, settings.web.port, stop))
            log.info("Web chat on http://%s:%s/", settings.web.host, settings.web.port)
        await asyncio.gather(*loops)
    finally:
        sched.shutdown(wait=False)
        await rt.bot.session.close()
        await rt.engine.dispose()
