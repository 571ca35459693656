"""core/surveys/results_text.py rendered through the locale files: the chat's results
messages for questions and for a 民主测评 question, counted by hand."""
from __future__ import annotations

from core.surveys.evaluation_figures import EvaluationFigures, SubjectFigures
from core.surveys.model import Question, QuestionKind
from core.surveys.results_text import SUBJECTS_PER_MESSAGE, evaluation_replies
from locales import Catalog

CATALOG = Catalog.load("zh_CN")
GRADES = ("优秀", "合格", "基本合格", "不合格")
Q = Question("members", QuestionKind("evaluation"), "请评价为您服务的党员", grades=GRADES)


def _text(reply) -> str:  # noqa: ANN001
    return CATALOG.render("zh_CN", reply.key, reply.params)


def test_an_evaluation_per_subject_shown_and_hidden() -> None:
    e = EvaluationFigures(Q, (
        SubjectFigures("p:2022010202", "徐子涵", 8, {"优秀": 5, "合格": 2, "基本合格": 1,
                                                   "不合格": 0}),
        SubjectFigures("p:2023010101", "杨子涵", None, {}),
        SubjectFigures("u:ACC-S1", None, 6, {"优秀": 3, "合格": 3, "基本合格": 0,
                                            "不合格": 0})), 5, True)
    (reply,) = evaluation_replies(["intro", "members"], e)
    text = _text(reply)
    assert "<b>2. 请评价为您服务的党员</b>（民主测评，按测评对象）" in text
    assert "测评人数少于 5 人的对象不单独显示" in text
    assert "· 徐子涵（2022010202）：8 人；优秀 5 · 合格 2 · 基本合格 1 · 不合格 0；优秀率 62.5%" in text
    assert "· 杨子涵（2023010101）：人数不足，不单独显示" in text
    assert "· ACC-S1（ACC-S1）：6 人；优秀 3 · 合格 3 · 基本合格 0 · 不合格 0；优秀率 50.0%" in text


def test_many_subjects_are_split_and_none_is_said() -> None:
    many = tuple(SubjectFigures(f"p:{i:010d}", f"党员{i}", 5, dict.fromkeys(GRADES, 0) |
                                {"优秀": 5}) for i in range(SUBJECTS_PER_MESSAGE + 3))
    parts = evaluation_replies(["members"], EvaluationFigures(Q, many, 5, False))
    assert len(parts) == 2 and "实名问卷" in _text(parts[0])
    assert _text(parts[1]).count("· 党员") == 3
    (empty,) = evaluation_replies(["members"], EvaluationFigures(Q, (), 5, True))
    assert "（暂无测评）" in _text(empty)
