"""A survey as JSON data and back (stored in ``surveys.definition``). The data is written
here and read back only from that column, so reading it trusts its shape."""
from __future__ import annotations

from datetime import datetime, timedelta

from core.surveys.model import Audience, Question, QuestionKind, ShowIf, Survey
from core.types import JSON, JSONObject, as_int, is_object

_FIELDS = ("roles", "colleges", "branches", "grades", "classes", "buildings", "kinds",
           "numbers")


def _texts(value: JSON) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _audience_data(a: Audience) -> dict[str, JSON]:
    out: dict[str, JSON] = {f: list(getattr(a, f)) for f in _FIELDS if getattr(a, f)}
    if a.excluded is not None:
        out["except"] = _audience_data(a.excluded)
    return out


def _audience(data: JSON) -> Audience:
    if not is_object(data):
        return Audience()
    ex = data.get("except")
    t = {f: _texts(data.get(f)) for f in _FIELDS}
    return Audience(roles=t["roles"], colleges=t["colleges"], branches=t["branches"],
                    grades=t["grades"], classes=t["classes"], buildings=t["buildings"],
                    kinds=t["kinds"], numbers=t["numbers"],
                    excluded=_audience(ex) if is_object(ex) else None)


def survey_data(s: Survey) -> dict[str, JSON]:
    return {
        "code": s.code, "title": s.title, "intro": s.intro, "kind": s.kind,
        "anonymous": s.anonymous, "audience": _audience_data(s.audience),
        "opens": s.opens_at.isoformat(), "closes": s.closes_at.isoformat(),
        "reminders": [r.total_seconds() for r in s.reminders],
        "results_for": list(s.results_for),
        "questions": [_question_data(q) for q in s.questions],
    }


def _question_data(q: Question) -> dict[str, JSON]:
    out: dict[str, JSON] = {
        "id": q.id, "kind": q.kind.value, "text": q.text, "required": q.required,
        "options": list(q.options), "max": q.max_choices, "max_chars": q.max_chars,
        "show_if": ({"question": q.show_if.question, "is": list(q.show_if.values)}
                    if q.show_if else None)}
    if q.kind is QuestionKind.EVALUATION:  # a survey without one is stored as before
        out.update(subjects=q.subjects, scopes=list(q.scopes), grades=list(q.grades))
    return out


def _question(q: JSON) -> Question:
    assert is_object(q)
    cond = q.get("show_if")
    limit = q.get("max")
    subjects = q.get("subjects")
    return Question(id=str(q["id"]), kind=QuestionKind(str(q["kind"])), text=str(q["text"]),
                    required=bool(q["required"]), options=_texts(q["options"]),
                    max_choices=None if limit is None else as_int(limit),
                    max_chars=as_int(q["max_chars"]),
                    show_if=(ShowIf(str(cond["question"]), _texts(cond["is"]))
                             if is_object(cond) else None),
                    subjects=None if subjects is None else str(subjects),
                    scopes=_texts(q.get("scopes")), grades=_texts(q.get("grades")))


def survey_of(data: JSONObject) -> Survey:
    questions = data["questions"]
    reminders = data["reminders"]
    return Survey(
        code=str(data["code"]), title=str(data["title"]), intro=str(data["intro"]),
        anonymous=bool(data["anonymous"]), audience=_audience(data["audience"]),
        opens_at=datetime.fromisoformat(str(data["opens"])),
        closes_at=datetime.fromisoformat(str(data["closes"])),
        questions=tuple(_question(q) for q in questions) if isinstance(questions, list) else (),
        reminders=tuple(timedelta(seconds=float(r)) for r in reminders
                        if isinstance(r, (int, float))) if isinstance(reminders, list) else (),
        results_for=_texts(data["results_for"]), kind=str(data["kind"]))
