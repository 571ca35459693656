"""Creating, pushing and answering a survey in the database (SQLite, and PostgreSQL with
XQ_TEST_DATABASE_URL): the audience resolved against the example roster (college, except
a branch; the unreachable counted by reason), the invitation queued in the bulk lane,
answers kept in a draft across "restarts" (new transactions), back and edit, a skip rule
that drops a hidden answer, a multiple choice with its maximum, submitting once; for an
anonymous survey the response carries no person and participation no answer."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from core.errors import InputError
from core.surveys import answering as A
from core.surveys.admin import SurveyFileInvalid, create_survey, preview
from core.surveys.push import feed_push, start_push
from core.surveys.definition import parse_survey
from storage.tables import OrgUnit, OutboxRow, Person, SurveyDraft, SurveyParticipation, \
    SurveyResponse
from storage.uow import unit_of_work
from tests.support.harness import ROOT, seed_with_chats

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
SURVEY = """
code = "canteen-2026"
title = "食堂满意度调查"
intro = "请根据本学期的体验作答。"
anonymous = {anonymous}
opens = 2026-12-01T09:00:00+08:00
closes = 2026-12-15T18:00:00+08:00

[audience]
colleges = ["ACC"]
kinds = ["student"]
[audience.except]
grades = ["2022"]

[[questions]]
id = "overall"
kind = "rating"
text = "您对食堂的总体满意度？"

[[questions]]
id = "why"
kind = "multiple"
text = "不满意的原因？"
options = ["价格", "口味", "卫生", "排队"]
max = 2
show_if = {{ question = "overall", is = ["1", "2"] }}

[[questions]]
id = "say"
kind = "text"
text = "还有什么建议？"
required = false
"""


async def _run(sf, fn, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
    async with unit_of_work(sf) as uow:
        return await fn(uow.store, *args, **kw)


async def _pushed(sf, anonymous: bool) -> tuple[dict[str, int], int]:  # noqa: ANN001
    ids = await seed_with_chats(sf, NOW)
    made = await _run(sf, create_survey, text=SURVEY.format(anonymous=str(anonymous).lower()),
                      list_files=None, person_id=ids["9104000001"], now=NOW, max_reminders=3)
    await _run(sf, start_push, "canteen-2026", person_id=ids["9104000001"], now=NOW)
    await _run(sf, feed_push, window=10_000, now=NOW, tz="Asia/Shanghai",
               default_locale="zh_CN")
    return ids, made.survey_id


async def test_the_audience_is_resolved_and_counted(sf) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf, True)
    found = await _run(sf, preview, "canteen-2026")
    counts = found.counts()
    assert counts["audience"] == counts["reachable"] > 0 and counts["never_bound"] == 0
    async with sf() as s:
        invited = [r.chat_id for r in await s.scalars(select(OutboxRow)) if
                   r.reply["key"] == "survey.invite"]
        lanes = {r.lane for r in await s.scalars(select(OutboxRow)) if
                 r.reply["key"] == "survey.invite"}
    # 会计学院's students, but not those of grade 2022
    assert sorted(invited) == sorted(n for n in ids if n.startswith("2023") and n[4:6] == "01")
    assert lanes == {2}  # the bulk lane


async def test_a_bad_code_is_refused_with_every_problem(sf) -> None:  # noqa: ANN001
    await seed_with_chats(sf, NOW)
    text = SURVEY.format(anonymous="true").replace('"ACC"]', '"XYZ"]').replace(
        'grades = ["2022"]', 'branches = ["NOPE"]')
    with pytest.raises(SurveyFileInvalid) as err:
        await _run(sf, create_survey, text=text, list_files=None, person_id=None, now=NOW,
                   max_reminders=3)
    assert sorted(p.key for p in err.value.problems) == ["survey_admin.unknown_branch",
                                                         "survey_admin.unknown_college"]


async def test_answering_back_skip_rule_and_submitting_once(sf) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf, True)
    me = ids["2023010101"]
    step = await _run(sf, A.current_step, me, sid, NOW)
    assert (step.question.id, step.index, step.total) == ("overall", 0, 2)  # "why" hidden
    step = await _run(sf, A.answer, me, sid, 0, "2", NOW)
    assert (step.question.id, step.index, step.total) == ("why", 1, 3)
    for pick in ("价格", "口味"):
        step = await _run(sf, A.answer, me, sid, 1, pick, NOW)
    with pytest.raises(InputError) as err:
        await _run(sf, A.answer, me, sid, 1, "卫生", NOW)
    assert err.value.key == "survey.too_many"
    with pytest.raises(InputError):  # a forged choice
        await _run(sf, A.answer, me, sid, 1, "别的", NOW)
    step = await _run(sf, A.move, me, sid, 1, True, NOW)
    assert step.question.id == "say"
    step = await _run(sf, A.move, me, sid, 2, False, NOW)  # back: the choices are kept
    assert step.current == ["价格", "口味"]
    step = await _run(sf, A.move, me, sid, 1, False, NOW)
    step = await _run(sf, A.answer, me, sid, 0, "5", NOW)  # satisfied now: "why" hidden
    assert (step.question.id, step.total) == ("say", 2)
    step = await _run(sf, A.answer, me, sid, 1, "希望增加夜宵窗口", NOW)
    assert step.question is None
    await _run(sf, A.submit, me, sid, now=NOW, tz="Asia/Shanghai")
    with pytest.raises(InputError) as err:
        await _run(sf, A.submit, me, sid, now=NOW, tz="Asia/Shanghai")
    assert err.value.key == "survey.already_answered"
    async with sf() as s:
        [resp] = (await s.scalars(select(SurveyResponse))).all()
        [part] = (await s.scalars(select(SurveyParticipation))).all()
        drafts = (await s.scalars(select(SurveyDraft))).all()
    assert resp.answers == {"overall": "5", "say": "希望增加夜宵窗口"}  # "why" dropped
    assert resp.person_id is None and (resp.college, resp.branch) == ("ACC", "ACC-S1")
    assert len(resp.id) == 32 and str(part.day) == str(resp.day) == "2026-12-01"
    assert part.person_id == me and drafts == []


async def test_a_named_survey_keeps_the_person(sf) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf, False)
    me = ids["2023010101"]
    await _run(sf, A.answer, me, sid, 0, "4", NOW)
    await _run(sf, A.move, me, sid, 1, True, NOW)
    await _run(sf, A.submit, me, sid, now=NOW, tz="Asia/Shanghai")
    async with sf() as s:
        [resp] = (await s.scalars(select(SurveyResponse))).all()
    assert resp.person_id == me and resp.answers == {"overall": "4"}


async def test_people_outside_the_audience_and_closed_surveys_are_refused(sf) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf, True)
    for number, key, at in (("2023030101", "survey.not_for_you", NOW),  # 信息工程学院
                            ("2023010101", "survey.closed",
                             datetime(2026, 12, 16, tzinfo=timezone.utc))):
        with pytest.raises(InputError) as err:
            await _run(sf, A.current_step, ids[number], sid, at)
        assert err.value.key == key


async def test_an_exception_by_class_keeps_the_people_who_have_no_class(sf) -> None:  # noqa: ANN001
    """satisfaction.toml: the three colleges' students and staff except class 会计2201.
    Staff have no class: ``class_name IN (...)`` is NULL for them, and NOT NULL is not
    true; the exception must not drop them (it did: 20 of 35 were asked)."""
    await seed_with_chats(sf, NOW)
    text = (ROOT / "examples/surveys/satisfaction.toml").read_text(encoding="utf-8")
    survey, problems = parse_survey(text, list_files=None)
    assert survey is not None and problems == []
    reach = await _run(sf, lambda store: store.survey_reach(survey.audience))
    async with sf() as s:
        people = (await s.execute(select(Person.id, Person.kind, Person.class_name,
                                         OrgUnit.code, OrgUnit.parent_id)
                                  .join(OrgUnit, OrgUnit.id == Person.unit_id))).all()
        colleges = dict((await s.execute(select(OrgUnit.id, OrgUnit.code))).all())
    expected = {pid for pid, kind, cls, code, parent in people
                if (code in ("ACC", "ECO", "INF") or colleges.get(parent) in (
                    "ACC", "ECO", "INF")) and kind in ("student", "staff")
                and cls != "会计2201"}
    asked = set(reach.reachable) | set(reach.unreachable)
    assert asked == expected
    assert any(kind == "staff" and pid in asked for pid, kind, *_ in people)
    assert not any(cls == "会计2201" and pid in asked for pid, _, cls, *_ in people)
