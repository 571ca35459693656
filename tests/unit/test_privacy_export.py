"""A person's data as exported (core/privacy/mydata.py, bot/privacy_summary.py; docs/
decisions/0027, 0008):

- an officer's export (``python -m bot privacy export``) leaves out the person's anonymous
  concerns, a 举报 among them: it would tell the officer who wrote them, which only the
  identity supervisor may learn (audited, the person told); it says how many and that
  the person gets them with /mydata, which keeps them;
- what an export leaves out is a stable code with its count, and its words come from the
  locale files in the reader's language;
- the readable summary names roles, channels, categories, types, states and 回访 ratings
  in words, never by their codes.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from bot.privacy_summary import localised, render_summary
from core.privacy.mydata import VIA_CHAT, export_by_number, my_data
from locales import Catalog

NOW = datetime(2030, 6, 1, 8, 0, tzinfo=timezone.utc)
CATALOG = Catalog.load()


def _concern(number: str, text: str, anonymous: bool, type_: str = "help") -> dict[str, Any]:
    return {"number": number, "type": type_, "category": "logistics", "status": "closed",
            "anonymous": anonymous, "crisis": False, "text": text,
            "submitted_at": "2030-05-01T08:00:00+00:00", "closed_at": None, "reply": "已修好",
            "reject_reason": None, "attachments": [], "messages": [], "steps": [],
            "revisit": {"contacted": True, "solved": True, "rating": "satisfied",
                        "comment": None}}


class Store:
    """Just what an export reads and writes."""

    def __init__(self) -> None:
        self.audited: list[tuple[str, int | None, dict]] = []
        self.data = {
            "person": {"number": "2023010103", "name": "张三", "roles": [
                {"role": "party_member", "unit": "会计学院学生第一党支部"}]},
            "accounts": [{"channel": "telegram", "display_name": "zs", "since": None},
                         {"channel": "web", "display_name": None, "since": None}],
            "concerns": [_concern("DEMO-2030-000001", "宿舍热水器坏了", False),
                         _concern("DEMO-2030-000002", "举报食堂克扣", True, "report"),
                         _concern("DEMO-2030-000003", "匿名反映的问题", True)],
            "surveys": {"named_answers": [], "drafts": [],
                        "took_part": [{"survey": "s", "anonymous": True}]},
            "reception": [], "records": []}

    async def person_id_by_number(self, number: str) -> int | None:
        return 7 if number == "2023010103" else None

    async def person_data(self, person_id: int) -> dict[str, Any] | None:
        return json.loads(json.dumps(self.data)) if person_id == 7 else None

    async def audit(self, kind: str, actor: int | None, detail: dict, at: datetime) -> None:
        self.audited.append((kind, actor, detail))


def _left_out(data: dict[str, Any]) -> dict[str, int]:
    return {i["code"]: i["count"] for i in data["not_included"]}


async def test_an_officers_export_leaves_anonymous_concerns_out() -> None:
    store = Store()
    data = await export_by_number(store, "2023010103", now=NOW)
    assert data is not None
    assert [c["number"] for c in data["concerns"]] == ["DEMO-2030-000001"]
    text = json.dumps(data, ensure_ascii=False)
    assert "举报食堂克扣" not in text and "匿名反映的问题" not in text
    assert "DEMO-2030-000002" not in text and "DEMO-2030-000003" not in text
    assert _left_out(data) == {"anonymous_survey_answers": 1, "anonymous_concerns": 2}
    assert store.audited == [("privacy_export", None, {"person_id": 7, "via": "cli"})]
    zh = localised(CATALOG, "zh_CN", data)["not_included"]
    said = {i["code"]: i["text"] for i in zh}
    assert "匿名诉求 2 件未包含" in said["anonymous_concerns"]
    assert "身份监督人" in said["anonymous_concerns"] and "/mydata" in said["anonymous_concerns"]


async def test_the_persons_own_export_keeps_their_anonymous_concerns() -> None:
    store = Store()
    data = await my_data(store, person_id=7, now=NOW, via=VIA_CHAT, actor_id=7)
    assert [c["number"] for c in data["concerns"]] == [
        "DEMO-2030-000001", "DEMO-2030-000002", "DEMO-2030-000003"]
    assert "举报食堂克扣" in json.dumps(data, ensure_ascii=False)
    assert _left_out(data) == {"anonymous_survey_answers": 1}
    assert store.audited == [("privacy_export", 7, {"person_id": 7, "via": "chat"})]


@pytest.mark.parametrize(("locale", "words"), [
    ("zh_CN", "匿名问卷的答案（参加过 1 份）"), ("en", "Answers to anonymous surveys (1 taken")])
async def test_what_is_left_out_is_said_in_the_readers_language(locale: str,
                                                                 words: str) -> None:
    data = await my_data(Store(), person_id=7, now=NOW, actor_id=7)
    [item] = localised(CATALOG, locale, data)["not_included"]
    assert item["code"] == "anonymous_survey_answers" and item["text"].startswith(words)
    assert "not linked to anyone" not in json.dumps(data)  # no fixed English sentence


async def test_the_summary_names_things_in_words_not_codes() -> None:
    data = await my_data(Store(), person_id=7, now=NOW, actor_id=7)
    zh = render_summary(CATALOG, "zh_CN", "Asia/Shanghai", data)
    for code in ("party_member", "telegram", "web", "satisfied", "logistics", "closed",
                 "report", "help"):
        assert code not in zh.replace("/mydata", ""), code
    for words in ("角色：党员（会计学院学生第一党支部）", "Telegram（电报）", "网页聊天",
                  "回访评价：满意", "后勤生活", "已办结", "举报"):
        assert words in zh, words
    en = render_summary(CATALOG, "en", "Asia/Shanghai", data)
    for words in ("Role: Party member", "· Telegram:", "· web chat:",
                  "Follow-up rating: Satisfied;", "Campus life & logistics"):
        assert words in en, words
