"""Control plane of the fake Bot API for multi-process tests and benchmarks.

When the fake runs in its own process (``python -m tests.support.fake_bot_api
--control``) tests cannot touch its Python objects, so the same switches are
exposed as JSON endpoints under ``/_control/`` and wrapped by
``FakeBotAPIControl``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import ClientSession, web

if TYPE_CHECKING:
    from tests.support.fake_bot_api import FakeBotAPI

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def control_routes(api: FakeBotAPI) -> list[web.RouteDef]:
    async def body_of(request: web.Request) -> Any:
        return await request.json() if request.can_read_body else {}

    def ok(**payload: Any) -> web.Response:
        return web.json_response({"ok": True, **payload})

    async def push(request: web.Request) -> web.Response:
        body = await body_of(request)
        items = body if isinstance(body, list) else [body]
        try:
            ids = [api.push_spec(item) if "kind" in item else api.push_update(item)
                   for item in items]
        except (TypeError, ValueError, KeyError) as exc:
            # A bad spec is a test bug; say so instead of a bare 500.
            return web.json_response({"ok": False, "description": repr(exc)}, status=400)
        return ok(update_ids=ids)

    async def calls(request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        items = api.calls[since:]
        return ok(calls=[c.to_json(since + i) for i, c in enumerate(items)],
                  next=since + len(items))

    async def stats(request: web.Request) -> web.Response:
        return ok(**api.stats())

    async def inject(request: web.Request) -> web.Response:
        b = await body_of(request)
        api.inject(b["method"], int(b["status"]), count=b.get("count", 1),
                   retry_after=b.get("retry_after"), chat_id=b.get("chat_id"),
                   description=b.get("description"))
        return ok()

    async def block(request: web.Request) -> web.Response:
        b = await body_of(request)
        (api.block if b.get("blocked", True) else api.unblock)(b["chat_id"])
        return ok()

    async def slow(request: web.Request) -> web.Response:
        b = await body_of(request)
        api.slow(b["method"], float(b["seconds"]))
        return ok()

    async def config(request: web.Request) -> web.Response:
        b = await body_of(request)
        if "next_update_id" in b:
            api.next_update_id = int(b["next_update_id"])
        return ok(**api.stats())

    async def reset(request: web.Request) -> web.Response:
        b = await body_of(request)
        api.reset_calls()
        api.clear_faults()
        if b.get("updates"):
            api.drop_pending_updates()
        return ok()

    return [
        web.post("/_control/push", push), web.get("/_control/calls", calls),
        web.get("/_control/stats", stats), web.post("/_control/inject", inject),
        web.post("/_control/block", block), web.post("/_control/slow", slow),
        web.post("/_control/config", config), web.post("/_control/reset", reset),
    ]


class FakeBotAPIControl:
    """Async client for ``/_control/``; mirrors ``FakeBotAPI``'s switches."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session: ClientSession | None = None

    async def _call(self, verb: str, path: str, payload: Any = None,
                    params: dict[str, Any] | None = None) -> dict[str, Any]:
        if self._session is None:
            self._session = ClientSession()
        url = f"{self.base_url}/_control/{path}"
        async with self._session.request(verb, url, json=payload, params=params) as resp:
            body = await resp.json()
            if resp.status != 200:
                raise RuntimeError(f"fake Bot API control {path} failed ({resp.status}): {body}")
            return body

    async def push(self, updates: list[dict[str, Any]] | dict[str, Any]) -> list[int]:
        """Raw update dicts and/or builder specs like {"kind": "text", ...}."""
        return (await self._call("POST", "push", updates))["update_ids"]

    async def push_text(self, user_id: int, text: str, **kwargs: Any) -> int:
        spec = {"kind": "text", "user_id": user_id, "text": text, **kwargs}
        return (await self.push([spec]))[0]

    async def calls(self, since: int = 0) -> list[dict[str, Any]]:
        return (await self._call("GET", "calls", params={"since": since}))["calls"]

    async def stats(self) -> dict[str, Any]:
        return await self._call("GET", "stats")

    async def inject(self, method: str, status: int, *, count: int | None = 1,
                     retry_after: int | None = None, chat_id: Any = None,
                     description: str | None = None) -> None:
        await self._call("POST", "inject", {
            "method": method, "status": status, "count": count, "retry_after": retry_after,
            "chat_id": chat_id, "description": description})

    async def block(self, chat_id: Any, blocked: bool = True) -> None:
        await self._call("POST", "block", {"chat_id": chat_id, "blocked": blocked})

    async def slow(self, method: str, seconds: float) -> None:
        await self._call("POST", "slow", {"method": method, "seconds": seconds})

    async def set_next_update_id(self, next_update_id: int) -> None:
        await self._call("POST", "config", {"next_update_id": next_update_id})

    async def reset(self, *, updates: bool = False) -> None:
        """Clear the call log and all faults; ``updates=True`` also drops the queue."""
        await self._call("POST", "reset", {"updates": updates})

    async def wait_for_count(self, method: str, count: int, timeout: float = 30,
                             interval: float = 0.05) -> dict[str, Any]:
        """Wait until ``method`` was called ``count`` times (any status)."""
        deadline = time.monotonic() + timeout
        while True:
            stats = await self.stats()
            if stats["counts"].get(method, 0) >= count:
                return stats
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{method} called {stats['counts'].get(method, 0)}/{count} "
                                   f"times within {timeout}s; stats: {stats}")
            await asyncio.sleep(interval)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> FakeBotAPIControl:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def spawn_standalone(
    token: str = "123:ABC", *extra_args: str, control: bool = True, ready_timeout: float = 15
) -> tuple[asyncio.subprocess.Process, str]:
    """Start the fake in a child process; return (process, base_url)."""
    args = [sys.executable, "-m", "tests.support.fake_bot_api",
            "--port", "0", "--token", token, *extra_args]
    if control:
        args.append("--control")
    # cwd = project root so "-m tests.support..." resolves without PYTHONPATH.
    proc = await asyncio.create_subprocess_exec(
        *args, cwd=PROJECT_ROOT, stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), ready_timeout)
        if not line.startswith(b"READY "):
            raise RuntimeError(f"fake Bot API did not start, got {line!r}")
    except BaseException:
        await stop_standalone(proc)
        raise
    return proc, f"http://127.0.0.1:{int(line.split()[1])}"


async def stop_standalone(proc: asyncio.subprocess.Process, timeout: float = 5) -> int:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    return proc.returncode  # type: ignore[return-value]
