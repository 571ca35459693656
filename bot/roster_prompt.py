"""The yes/no question `roster import|deactivate` asks at a terminal before a change that
deactivates or removes something (bot/roster_cli.py).

The commands run inside ``asyncio.run``, whose Ctrl-C handler only cancels the main task:
a blocking ``input()`` would go on waiting, and the cancellation would then break the
database engine's clean-up with a traceback. While the question waits, Ctrl-C raises
KeyboardInterrupt right there instead, so the command ends with one line and exit 130.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: What counts as yes (the prompt names the first and the third).
YES = frozenset({"yes", "y", "是", "确认"})
#: The exit code of a command ended by Ctrl-C, as shells report it.
INTERRUPTED = 130


def ask(prompt: str) -> str | None:
    """The officer's answer to ``prompt``, stripped and lowercased: "" at the end of the
    input, None when Ctrl-C was pressed."""
    with _interruptible():
        try:
            print(prompt, end="", flush=True)
            return input().strip().lower()
        except EOFError:
            print(flush=True)  # Ctrl-D: end the prompt's line too
            return ""
        except KeyboardInterrupt:
            print(flush=True)  # end the prompt's line
            return None


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt (Python's own handler) for the duration."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread: leave them as they are
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
