"""Survey drafts under retention (docs/decisions/0027), on SQLite and PostgreSQL: a draft
is the one place an anonymous survey's answers meet their person (0020), so the privacy
sweep deletes the drafts of surveys that are over (closed, cancelled, or past their
close) and, of a survey still open, drafts untouched for ``message_days``; a draft in
use stays."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from bot.privacy_files import FolderFiles
from core.clock import FixedClock
from core.privacy.policy import PrivacyRules
from locales import Catalog
from scheduler.privacy_sweep import privacy_sweep
from storage.tables import Survey, SurveyDraft
from tests.support import privacy_rows as R

NOW = datetime(2030, 6, 1, 8, 0, tzinfo=timezone.utc)
RULES = PrivacyRules(message_days=30)


async def test_abandoned_and_useless_survey_drafts_are_deleted(
        sf, tmp_path: Path) -> None:  # noqa: ANN001
    async with sf() as s, s.begin():
        people = [await R.person(s, f"S{i}", NOW - timedelta(days=90)) for i in range(2)]
        week_ago, later = NOW - timedelta(days=7), NOW + timedelta(days=7)
        surveys = {
            "closed": await R.survey(s, "closed", "closed", later, week_ago),
            "cancelled": await R.survey(s, "cancelled", "cancelled", later, week_ago),
            "past-close": await R.survey(s, "past-close", "open", NOW - timedelta(hours=1),
                                         week_ago),
            "open": await R.survey(s, "open", "open", later, week_ago)}
        for code, survey in surveys.items():
            s.add(SurveyDraft(survey_id=survey, person_id=people[0],
                              answers={"say": f"草稿 {code}"}, position=1,
                              updated_at=NOW - timedelta(days=1)))
        # the open survey: one draft in use, one untouched since two months
        s.add(SurveyDraft(survey_id=surveys["open"], person_id=people[1],
                          answers={"say": "早就放弃的草稿"}, position=1,
                          updated_at=NOW - timedelta(days=60)))
    files = FolderFiles(tmp_path / "up", Catalog.load(), "Asia/Shanghai")
    dry = await privacy_sweep(sf, FixedClock(NOW), rules=RULES, files=files, dry_run=True)
    done = await privacy_sweep(sf, FixedClock(NOW), rules=RULES, files=files)
    async with sf() as s:
        left = (await s.execute(select(Survey.code, SurveyDraft.person_id).join(
            Survey, Survey.id == SurveyDraft.survey_id))).all()
    assert left == [("open", people[0])]
    assert dry.counts()["survey_drafts"] == done.counts()["survey_drafts"] == 4
    again = await privacy_sweep(sf, FixedClock(NOW), rules=RULES, files=files)
    assert again.counts()["survey_drafts"] == 0
