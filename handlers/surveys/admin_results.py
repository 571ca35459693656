"""``/survey results CODE``: a survey's results in chat for those who may read them (its
``results_for`` roles; admins always): the figures as text (core/surveys/results_text.py)
and a bar chart per question with choices, as photos (``FlowConfig.result_charts``; at
most ``MAX_CHARTS``, the rest in the workbook). In the web chat and Telegram alike."""
from __future__ import annotations

from core.errors import InputError
from core.replies import Reply
from core.surveys.data import survey_of
from core.surveys.model import state_name
from core.surveys.results import results_reader, survey_figures
from core.surveys.evaluation_figures import read_evaluations
from core.surveys.results_text import evaluation_replies, result_replies
from handlers.context import FlowContext

#: charts sent per request (Telegram sends one message a second to a chat)
MAX_CHARTS = 10


async def show_results(ctx: FlowContext, code: str) -> None:
    row = await ctx.store.survey_by_code(code)
    if row is None:
        raise InputError("survey_admin.unknown_survey", code=code)
    await results_reader(ctx.store, ctx.identity.person_id, survey_of(row.definition), ctx.now)
    row, found, units = await survey_figures(ctx.store, code,
                                             min_group=ctx.config.survey_min_group)
    ctx.replies.extend(result_replies(found, status=state_name(row.status)))
    evaluations = await read_evaluations(ctx.store, row.id, found.survey,
                                         min_group=ctx.config.survey_min_group)
    ids = [q.id for q in found.survey.questions]
    for e in evaluations:
        ctx.replies.extend(evaluation_replies(ids, e))
    if ctx.config.result_charts is None or not found.responses:
        return
    drawn = await ctx.config.result_charts.draw(
        found, units, ctx.identity.locale or ctx.config.rules.default_locale, MAX_CHARTS)
    for chart in drawn:
        n = int(str(chart.get("n", 0)))
        ctx.replies.append(Reply(
            "survey_results.chart_by_college" if chart.get("by") == "college"
            else "survey_results.chart_caption",
            {"n": n, "text": found.questions[n - 1].question.text}, attachments=(chart,)))
    if len(drawn) >= MAX_CHARTS and len(drawn) < sum(1 for q in found.questions if q.counts):
        ctx.say("survey_results.charts_more", count=MAX_CHARTS)
