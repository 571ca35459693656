"""A survey's results as chat messages (``/survey results CODE``): the totals, then each
question with how many answered, a rating's mean, and each choice's count and share. Free
text answers are counted, not listed (the workbook lists them). Questions are grouped so
that no message comes near the channels' length limits. An evaluation question (民主测评)
comes as its own messages, per subject (``evaluation_replies``)."""
from __future__ import annotations

from core.replies import Reply, t
from core.surveys.evaluation_figures import EvaluationFigures
from core.surveys.figures import QuestionFigures, SurveyFigures
from core.surveys.model import QuestionKind
from core.types import JSON

#: questions per message: a question with 10 options is about 400 characters
PER_MESSAGE = 6


def _question(n: int, q: QuestionFigures) -> dict[str, JSON]:
    lines: list[JSON] = []
    for choice, count in q.counts.items():
        share = q.share(choice)
        label = t("survey_results.rating_label", score=choice) \
            if q.question.kind is QuestionKind.RATING else choice
        lines.append(t("survey_results.chat_choice", choice=label, count=count,
                       share="—" if share is None else f"{share:.1%}"))
    if q.question.kind is QuestionKind.TEXT:
        lines.append(t("survey_results.chat_texts", count=len(q.texts)))
    return t("survey_results.chat_question", n=n, text=q.question.text,
             answered=t("unit.answers", count=q.answered),
             mean="" if q.mean is None else t("survey_results.chat_mean", mean=f"{q.mean:.2f}"),
             lines=lines)


def result_replies(found: SurveyFigures, *, status: JSON) -> list[Reply]:
    sv = found.survey
    rate = found.response_rate
    head = Reply("survey_results.chat_head", {
        "code": sv.code, "title": sv.title, "status": status,
        "responses": t("unit.answers", count=found.responses),
        "audience": t("unit.persons", count=found.audience),
        "rate": "—" if rate is None else f"{rate:.1%}",
        "note": t("survey_results.chat_merged", count=found.min_group) if found.merged
        else ""})
    blocks = [_question(n, q) for n, q in enumerate(found.questions, 1)]
    parts = [blocks[i:i + PER_MESSAGE] for i in range(0, len(blocks), PER_MESSAGE)]
    return [head, *(Reply("survey_results.chat_part", {"questions": list(p)}) for p in parts)]


#: subjects per message of an evaluation's results
SUBJECTS_PER_MESSAGE = 30


def evaluation_replies(survey_questions: list[str], e: EvaluationFigures) -> list[Reply]:
    """An evaluation question's results (民主测评) per subject: its raters, the count of
    each grade and the share of the best; a subject with too few raters in an anonymous
    survey without figures (docs/decisions/0024)."""
    n = survey_questions.index(e.question.id) + 1
    lines: list[JSON] = []
    for sub in e.subjects:
        who = t("survey_results.eval_subject", name=sub.name or sub.code, code=sub.code)
        if not sub.shown:
            lines.append(t("survey_results.eval_hidden", who=who))
            continue
        best = sub.share(e.best)
        lines.append(t("survey_results.eval_line", who=who,
                       raters=t("unit.persons", count=sub.raters or 0),
                       grades=" · ".join(f"{g} {sub.counts[g]}" for g in e.question.grades),
                       best=e.best[0], share="—" if best is None else f"{best:.1%}"))
    if not lines:
        lines.append(t("survey_results.eval_none"))
    parts = [lines[i:i + SUBJECTS_PER_MESSAGE]
             for i in range(0, len(lines), SUBJECTS_PER_MESSAGE)]
    note = t("survey_results.eval_note_anonymous", count=e.min_group) if e.anonymous \
        else t("survey_results.eval_note_named")
    first = Reply("survey_results.eval_head", {"n": n, "text": e.question.text,
                                               "note": note, "lines": list(parts[0])})
    return [first, *(Reply("survey_results.chat_part", {"questions": list(part)})
                     for part in parts[1:])]
