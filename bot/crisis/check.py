"""`python -m bot crisis check [FILE] [--conversation]`: try wording as the bot would judge it.

Reads one message per line (stdin when no FILE) and prints one JSON object per line, in
order: ``{"text": ..., "verdict": "crisis" | "review" | "none", "why": ...}``, with the
shipped configuration (config.toml and ``XQ_CRISIS__*``: a deployment's added terms and
exceptions, the classifier file). Each line is judged on its own; with
``--conversation`` the lines are one person's successive messages, one minute apart, so
the chat's memory (core/crisis/state.py) carries from line to line. Counsellors use it to
try wording; nothing is stored and nobody is paged. The JSON is for machines; an input
that cannot be read is told on stderr in ``locale`` (``[cli]``).
"""
from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO

from core.crisis.assess import CrisisAssessor, RiskState
from core.replies import t
from core.types import JSON
from locales import Catalog

STEP = timedelta(minutes=1)  # the time between two lines of a --conversation


def judge(assessor: CrisisAssessor, lines: Iterable[str], *, conversation: bool,
          start: datetime) -> Iterator[dict[str, str]]:
    """One result per line, in order."""
    state: RiskState | None = None
    for i, raw in enumerate(lines):
        text = raw.rstrip("\r\n")
        result = assessor.assess(text, now=start + i * STEP,
                                 state=state if conversation else None)
        if conversation:
            state = result.state
        yield {"text": text, "verdict": result.verdict.value, "why": result.why}


def run(assessor: CrisisAssessor, file: str | None, *, conversation: bool,
        out: TextIO = sys.stdout, locale: str = "zh_CN") -> int:
    """The command: 0 when every line was judged, 2 when the input cannot be read."""
    def say(key: str, **params: JSON) -> int:
        print(Catalog.load(locale).render_plain(locale, key, params), file=sys.stderr)
        return 2

    try:
        if file is None:  # read as UTF-8 whatever the terminal's locale says
            raw = getattr(sys.stdin, "buffer", None)
            lines: Iterable[str] = sys.stdin if raw is None else io.TextIOWrapper(
                raw, encoding="utf-8")
            results = list(judge(assessor, lines, conversation=conversation,
                                 start=datetime.now(timezone.utc)))
        else:
            with Path(file).open(encoding="utf-8") as f:
                results = list(judge(assessor, f, conversation=conversation,
                                     start=datetime.now(timezone.utc)))
    except FileNotFoundError:
        return say("cli.read_missing", file=file)
    except IsADirectoryError:
        return say("cli.read_folder", file=file)
    except UnicodeDecodeError as exc:
        return say("cli.read_not_utf8", file=file or t("cli.stdin"), byte=exc.start)
    for r in results:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0
