"""``python -m bot survey status CODE [--watch]``: where a push stands, once or as a live
progress bar (tqdm) until nothing is left to send."""
from __future__ import annotations

import asyncio

from tqdm import tqdm

from core.clock import SystemClock
from core.errors import InputError
from core.ports import Store
from core.surveys.data import survey_of
from core.surveys.model import Survey, state_name
from core.surveys.results import QuestionResult, results
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


async def survey_results(store: Store, code: str) -> tuple[Survey, int, list[QuestionResult]]:
    row = await store.survey_by_code(code)
    if row is None:
        raise InputError("survey_admin.unknown_survey", code=code)
    survey = survey_of(row.definition)
    answers = await store.survey_answers(row.id)
    return survey, len(answers), results(survey, answers)


def print_results(catalog: Catalog, locale: str, survey: Survey, responses: int,
                  found: list[QuestionResult]) -> None:
    """One block per question: its text, how many answered, then one line per choice."""
    print(catalog.render_plain(locale, "survey_cli.results", {
        "code": survey.code, "title": survey.title, "responses": responses}))
    for n, r in enumerate(found, 1):
        mean = f"{r.mean:.2f}" if r.mean is not None else "—"
        print(catalog.render_plain(locale, "survey_cli.results_question", {
            "n": n, "text": r.question.text, "answered": r.answered, "mean": mean}))
        for choice, count in r.counts.items():
            share = f"{100 * count / r.answered:.1f}%" if r.answered else "—"
            print(f"    {choice:<20} {count:>6} {share:>7}")
