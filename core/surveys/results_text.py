"""A survey's results as chat messages (``/survey results CODE``): the totals, then each
question with how many answered, a rating's mean, and each choice's count and share. Free
text answers are counted, not listed (the workbook lists them). Questions are grouped so
that no message comes near the channels' length limits."""
from __future__ import annotations

from core.replies import Reply, t
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
