"""Deterministic crash points for the crash tests.

Production never sets XQ_CRASH_AT. A test sets XQ_CRASH_AT=<point> (and optionally
XQ_CRASH_AFTER=<n>, default 1) and the process dies with os._exit at the n-th time the
point is reached: no cleanup, no flush, like kill -9.
"""
from __future__ import annotations

import os
import sys

POINTS = ("after_store", "mid_handling", "after_send")
_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    if os.environ.get("XQ_CRASH_AT") != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= int(os.environ.get("XQ_CRASH_AFTER", "1")):
        sys.stderr.write(f"crash point {name} reached: dying\n")
        sys.stderr.flush()
        os._exit(77)
