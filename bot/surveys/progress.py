"""``python -m bot survey status CODE [--watch]``: where a push stands, once or as a live
progress bar (tqdm) until nothing is left to send. ``survey results CODE [--out FILE]``:
the figures (core/surveys/figures.py) as a plain table, or as a workbook (workbook.py)."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tqdm import tqdm

from bot.surveys.workbook import OutError, build, check_out, display_width, save
from core.clock import SystemClock
from core.ports import Store
from core.surveys.figures import SurveyFigures
from core.surveys.evaluation_figures import read_evaluations
from core.surveys.results import survey_figures
from bot.surveys.evaluation_table import print_evaluations
from core.surveys.model import state_name
from core.surveys.push import Progress, progress
from locales import Catalog
from storage.db import Engine, session_factory
from storage.uow import read_only


async def _read(engine: Engine, code: str) -> Progress:
    async with read_only(session_factory(engine)) as uow:
        return await progress(uow.store, code, now=SystemClock().now())


def _line(catalog: Catalog, locale: str, code: str, p: Progress) -> str:
    c = p.counts
    seconds = int(p.eta.total_seconds()) if p.eta else None
    eta = f"{seconds // 60}:{seconds % 60:02d}" if seconds is not None else "—"
    return catalog.render_plain(locale, "survey_cli.status", {
        "code": code, "status": state_name(p.status), "sent": c["sent"],
        "failed": c["failed"],
        "unreachable": c["unreachable"], "ambiguous": c["ambiguous"],
        "cancelled": c["cancelled"], "remaining": p.remaining,
        "rate": f"{p.per_second:.1f}", "eta": eta})


async def watch(engine: Engine, catalog: Catalog, locale: str, code: str, live: bool) -> int:
    p = await _read(engine, code)
    if not live or not p.remaining:
        print(_line(catalog, locale, code, p))
        return 0
    total = p.remaining + sum(v for k, v in p.counts.items() if k not in ("pending", "queued"))
    with tqdm(total=total, unit="人", dynamic_ncols=True) as bar:
        while True:
            done = total - p.remaining
            bar.update(done - bar.n)
            bar.set_postfix_str(f"{p.per_second:.1f}/s")
            if not p.remaining or p.status not in ("pushing", "paused"):
                break
            await asyncio.sleep(1)
            p = await _read(engine, code)
    print(_line(catalog, locale, code, p))
    return 0


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(width - display_width(text), 0)
    return space + text if right else text + space


def print_results(catalog: Catalog, locale: str, found: SurveyFigures) -> None:
    """The totals, then one block per question: its text, how many answered, its mean,
    then a table of its choices (count, share), aligned by display width."""
    sv = found.survey
    print(catalog.render_plain(locale, "survey_cli.results", {
        "code": sv.code, "title": sv.title, "responses": found.responses}))
    rate = found.response_rate
    print(catalog.render_plain(locale, "survey_results.rate_line", {
        "audience": found.audience, "rate": "—" if rate is None else f"{rate:.1%}"}))
    head = [catalog.render_plain(locale, k) for k in (
        "survey_results.choice", "survey_results.count", "survey_results.share")]
    for n, q in enumerate(found.questions, 1):
        mean = f"{q.mean:.2f}" if q.mean is not None else "—"
        print(catalog.render_plain(locale, "survey_cli.results_question", {
            "n": n, "text": q.question.text, "answered": q.answered, "mean": mean}))
        if not q.counts:
            continue
        rows = [[c, str(k), "—" if q.share(c) is None else f"{q.share(c):.1%}"]
                for c, k in q.counts.items()]
        widths = [max(display_width(r[i]) for r in [head, *rows]) for i in range(3)]
        for r in [head, *rows]:
            print("    " + "  ".join([_pad(r[0], widths[0]), _pad(r[1], widths[1], True),
                                      _pad(r[2], widths[2], True)]))


async def results_command(store: Store, catalog: Catalog, locale: str, code: str, *,
                          out: str | None, min_group: int) -> int:
    """``survey results CODE [--out FILE.xlsx]``: 0 done; 2 the file cannot be written
    (one line on stderr, no file); an unknown survey raises ``InputError``."""
    path = Path(out) if out else None
    try:
        if path is not None:
            check_out(path)
        row, found, units = await survey_figures(store, code, min_group=min_group)
        evaluations = await read_evaluations(store, row.id, found.survey,
                                             min_group=min_group)
        if path is None:
            print_results(catalog, locale, found)
            print_evaluations(catalog, locale, found.survey, evaluations)
            return 0
        save(build(found, status=row.status, units=units, catalog=catalog, locale=locale,
                   evaluations=evaluations), path)
    except OutError as exc:
        print(catalog.render_plain(locale, exc.key, exc.params), file=sys.stderr)
        return 2
    print(catalog.render_plain(locale, "survey_results.written", {"path": str(path)}))
    return 0
