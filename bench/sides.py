"""The two bots that bench/intake.py measures, each run as a child process of it:
ours (the production runtime) and a bare aiogram echo bot with default polling."""
from __future__ import annotations

import argparse
import asyncio
import time
import signal
import sys

TOKEN = "123456:TEST-token"


def child_ours(args: argparse.Namespace) -> None:
    from sqlalchemy.engine import make_url

    from storage.migrate import upgrade

    url = args.db
    upgrade(url)
    asyncio.run(_ours(args, make_url(url).get_backend_name() == "postgresql"))


async def _ours(args: argparse.Namespace, wipe: bool) -> None:
    import logging

    from sqlalchemy import delete

    from bot.app import build_runtime
    from storage.db import make_engine, session_factory
    from storage.tables import Base
    from tests.support.harness import bot_settings, seed_roster

    logging.basicConfig(level=logging.WARNING)
    if wipe:
        engine = make_engine(args.db)
        async with session_factory(engine)() as s, s.begin():
            for table in reversed(Base.metadata.sorted_tables):
                await s.execute(delete(table))
        await engine.dispose()
    await seed_roster(args.db)
    settings = bot_settings(
        args.db, args.api_base,
        telegram={"poll_timeout": 10},  # aiogram's start_polling default, for parity
        outbox={"global_per_second": 1e6, "per_chat_per_second": 1e6, "concurrency": 64},
        flood={"max_messages": max(20, args.per_user + 1)},
    )
    rt = await build_runtime(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(c) for c in rt.workers(stop)]
    profiler = None
    if args.profile:  # internal: cProfile the bot while it serves (startup excluded)
        import cProfile

        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
    print("READY", flush=True)
    await stop.wait()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    # The inbox worker and sender finish what is in flight; the poller may sit in a long poll.
    done, pending = await asyncio.wait(tasks, timeout=3)
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for t in done:
        if t.exception():
            print(f"ours: a loop crashed: {t.exception()!r}", file=sys.stderr)
    await rt.aclose()


def child_echo(args: argparse.Namespace) -> None:
    import logging

    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    async def main() -> None:
        logging.getLogger("aiogram").setLevel(logging.ERROR)  # no "Received SIGTERM" line
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(args.api_base)))
        dp = Dispatcher()

        @dp.message()
        async def echo(message: Message) -> None:
            await message.answer(message.text or "…")

        @dp.startup()
        async def ready() -> None:
            print("READY", flush=True)

        await dp.start_polling(bot, polling_timeout=10, handle_signals=True)

    asyncio.run(main())
