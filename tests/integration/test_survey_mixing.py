"""The mix sweep (storage/surveys/mix_store.py, docs/decisions/0023): an anonymous
survey's responses rewritten in the order of their random ids, so the storage underneath
keeps no trace of when each was submitted.

On PostgreSQL the attacker reads the system columns: before the mix each response's
``xmin`` is next to its person's participation row's (the submit's transaction, and the
savepoint inside it that refuses a second submission), and ``ctid`` keeps the order they
were written in; after it, every response has the mix's ``xmin`` and
sits in id order. On both databases: the rows are kept exactly, the counter goes back to
zero, a second run does nothing. (The SQLite file's cell
order is attacked end to end in tests/e2e/test_survey_anonymity.py.)"""
from __future__ import annotations

from sqlalchemy import select, text

from core.surveys import answering as A
from scheduler.survey_mix import mix_sweep
from storage.tables import Survey, SurveyResponse
from tests.integration.test_survey_answering import NOW, _pushed, _run

TZ = "Asia/Shanghai"


async def _answer(sf, ids: dict[str, int], sid: int, number: str, say: str) -> None:  # noqa: ANN001
    me = ids[number]
    await _run(sf, A.answer, me, sid, 0, "4", NOW)
    await _run(sf, A.answer, me, sid, 1, say, NOW)
    await _run(sf, A.submit, me, sid, now=NOW, tz=TZ)


async def _rows(sf) -> list[tuple]:  # noqa: ANN001
    async with sf() as s:
        return sorted((r.id, r.survey_id, str(r.day), r.answers["say"], r.person_id,
                       r.college, r.branch, r.person_kind, r.grade)
                      for r in (await s.scalars(select(SurveyResponse))).all())


async def _unmixed(sf) -> int:  # noqa: ANN001
    async with sf() as s:
        return int(await s.scalar(select(Survey.unmixed)) or 0)


async def _system_columns(sf) -> tuple[list[tuple[str, str, str]], list[tuple[int, str]]]:  # noqa: ANN001
    """(response id, xmin, ctid) in ctid order, and (person, xmin) of participation."""
    async with sf() as s:
        responses = (await s.execute(text(
            "SELECT id, xmin::text, ctid::text FROM survey_responses ORDER BY ctid"))).all()
        people = (await s.execute(text(
            "SELECT person_id, xmin::text FROM survey_participation"))).all()
    return [tuple(r) for r in responses], [tuple(p) for p in people]


async def test_the_mix_rewrites_the_responses_in_key_order_and_keeps_them(
        sf, db_url: str) -> None:  # noqa: ANN001
    ids, sid = await _pushed(sf, True)
    students = sorted(n for n in ids if n.startswith("2023") and n[4:6] == "01")
    assert len(students) == 4
    says = {n: f"建议{i}：多开窗口" for i, n in enumerate(students)}
    for n in students:
        await _answer(sf, ids, sid, n, says[n])
    assert await _unmixed(sf) == 4  # each submit counted
    before = await _rows(sf)
    whose = {r[0]: next(ids[n] for n, say in says.items() if say == r[3]) for r in before}
    postgres = db_url.startswith("postgresql")
    if postgres:  # the control: the system columns pair every response with its person
        responses, people = await _system_columns(sf)
        xmin_of = {pid: x for pid, x in people}
        paired = {rid: min(people, key=lambda p: abs(int(p[1]) - int(rx)))[0]
                  for rid, rx, _ in responses}  # the nearest transaction id
        assert paired == whose
        assert [whose[rid] for rid, _, _ in responses] == [ids[n] for n in students]
    assert await mix_sweep(sf) == 1
    assert await _rows(sf) == before  # every column of every row kept
    assert await _unmixed(sf) == 0
    assert await mix_sweep(sf) == 0  # nothing new: nothing rewritten
    if postgres:
        responses, people = await _system_columns(sf)
        (mixed,) = {int(x) for _, x, _ in responses}  # the mix's transaction, for all
        assert mixed > max(int(x) for x in xmin_of.values())
        assert [rid for rid, _, _ in responses] == sorted(whose)  # id order, not submission


async def test_slices_keep_every_row_and_a_submit_between_them_waits_for_the_next_mix(
        sf, db_url: str) -> None:  # noqa: ANN001
    """A survey is rewritten a slice at a time (one short transaction each, so other writes
    never wait behind a whole survey): a slice is a range of random ids, so on PostgreSQL
    each ``xmin`` covers neighbouring ids, never a stretch of submissions; a response
    submitted between slices is kept once and counted for the next mix."""
    ids, sid = await _pushed(sf, True)
    students = sorted(n for n in ids if n.startswith("2023") and n[4:6] == "01")
    for i, n in enumerate(students[:3]):
        await _answer(sf, ids, sid, n, f"建议{i}")
    after, rows = await _run(sf, lambda st: st.mix_chunk(sid, False, "", 2))
    assert rows == 2 and after is not None
    await _answer(sf, ids, sid, students[3], "建议3")  # between two slices
    done = await _run(sf, lambda st: st.mix_chunk(sid, False, after, 2))
    later = sorted(r[0] for r in await _rows(sf) if r[0] > after)  # the new one, maybe
    assert done == ((later[-1] if len(later) == 2 else None), len(later))
    await _run(sf, lambda st: st.mark_mixed(sid, 3))
    assert await _unmixed(sf) == 1  # the late one waits for the next mix
    assert sorted(r[3] for r in await _rows(sf)) == ["建议0", "建议1", "建议2", "建议3"]
    before = await _rows(sf)
    assert await mix_sweep(sf, chunk=2) == 1
    assert await _rows(sf) == before and await _unmixed(sf) == 0
    if db_url.startswith("postgresql"):
        responses, _ = await _system_columns(sf)
        by_xmin: dict[str, list[str]] = {}
        for rid, x, _ in responses:
            by_xmin.setdefault(x, []).append(rid)
        assert len(by_xmin) == 2  # two slices of two
        first, second = sorted(by_xmin.values(), key=min)
        assert sorted(first) == sorted(r[0] for r in before)[:2]  # neighbouring ids
        assert max(first) < min(second)
