"""Personal information's rules in core (docs/decisions/0027): what erasure keeps and why,
what anonymising an event's detail leaves, and the privacy notice generated from
``[privacy]`` (so it cannot say other times than the sweep keeps)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.privacy_cli import KINDS
from core.privacy.erasure import KEPT_KEYS, Kept, erasure_scope
from core.privacy.notice import HOLDINGS, ROLE_NAMES, SYSTEM, privacy_notice
from core.privacy.policy import (ANONYMISED_TEXT, ANONYMOUS_PREFIX, PrivacyRules,
                                 anonymous_number, redact_detail)
from core.privacy.ports import ErasureFacts, HeldConcern
from core.privacy.retention import RetentionReport
from locales import Catalog

CATALOG = Catalog.load()


def _concern(i: int, status: str, type_: str = "help", crisis: bool = False) -> HeldConcern:
    return HeldConcern(i, f"DEMO-2026-{i:06d}", status, type_, crisis)


def test_closed_concerns_are_erased_and_the_accounts_go() -> None:
    scope = erasure_scope(ErasureFacts((_concern(1, "closed"), _concern(2, "rejected"),
                                        _concern(3, "merged"))))
    assert scope.erase == (1, 2, 3) and scope.kept == () and not scope.keep_accounts


@pytest.mark.parametrize(("held", "why", "accounts"), [
    (_concern(4, "in_progress"), Kept.OPEN, True),        # still being handled
    (_concern(5, "dispatched", "report"), Kept.REPORT, True),  # an open 举报
    (_concern(6, "closed", crisis=True), Kept.CRISIS, False),  # a safety record
    (_concern(7, "received", crisis=True), Kept.CRISIS, True),  # the team may still reach them
])
def test_what_must_be_kept_is_refused_with_its_reason(held: HeldConcern, why: Kept,
                                                      accounts: bool) -> None:
    scope = erasure_scope(ErasureFacts((_concern(1, "closed"), held)))
    assert scope.erase == (1,)
    assert scope.kept == ((held.number, why),)
    assert scope.keep_accounts is accounts


def test_bookings_to_come_and_open_surveys_are_kept() -> None:
    scope = erasure_scope(ErasureFacts((), upcoming_bookings=1, open_surveys=2))
    assert [why for _, why in scope.kept] == [Kept.RECEPTION, Kept.SURVEY]
    assert scope.keep_accounts  # a reminder must still reach them


def test_every_reason_and_count_has_its_words_in_both_languages() -> None:
    assert set(KEPT_KEYS) == set(Kept)
    assert set(KINDS) == set(RetentionReport().counts())
    keys = [*KEPT_KEYS.values(), *KINDS.values(), *(h.line for h in HOLDINGS)]
    for locale in ("zh_CN", "en"):
        assert [k for k in keys if k not in CATALOG.texts[locale]] == []


def test_an_events_detail_keeps_codes_and_ids_not_texts() -> None:
    detail = {"actor": "handler", "member_id": 7, "revisit_rating": "satisfied",
              "reason": "这栋楼不归我负责", "text": "我不想活了", "note": "", "term": "不想活",
              "reply_summary": "已更换热水器", "count": 3}
    assert redact_detail(detail) == {
        "actor": "handler", "member_id": 7, "revisit_rating": "satisfied",
        "reason": ANONYMISED_TEXT, "text": ANONYMISED_TEXT, "note": None,
        "term": ANONYMISED_TEXT, "reply_summary": ANONYMISED_TEXT, "count": None}


def test_an_anonymous_requester_has_no_roster_number() -> None:
    assert anonymous_number(12, "student") == f"{ANONYMOUS_PREFIX}12:student"
    assert anonymous_number(None, "staff").startswith(ANONYMOUS_PREFIX)
    assert not anonymous_number(3, "student")[0].isalnum()  # a roster number never is


@pytest.mark.parametrize(("locale", "days", "messages", "hours"), [
    ("zh_CN", "730 天", "14 天", "48 小时"), ("en", "730 days", "14 days", "48 hours")])
def test_the_notice_says_the_configured_times(locale: str, days: str, messages: str,
                                              hours: str) -> None:
    rules = PrivacyRules(retention_days=730, message_days=14, export_hours=48)
    notice = privacy_notice(rules)
    text = CATALOG.render(locale, notice.key, notice.params)
    assert text.count(days) == 3  # concerns, crisis cases and reception bookings
    assert messages in text and hours in text
    assert "/mydata" in text and "/erase" in text
    assert "1095" not in text  # nothing of the default is left


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_notice_names_who_sees_what(locale: str) -> None:
    """Each kind's line, as the person reads it, names every role that sees that kind
    (and no role that does not): the rendered text, not ``HOLDINGS``, is checked."""
    text = CATALOG.render(locale, "privacy.notice", privacy_notice(PrivacyRules()).params)
    lines = text.split("\n")[1:1 + len(HOLDINGS)]
    assert len(lines) == len(HOLDINGS)
    names = {role: CATALOG.render(locale, key) for role, key in ROLE_NAMES.items()}
    for holding, line in zip(HOLDINGS, lines, strict=True):
        assert line.startswith(CATALOG.render(locale, holding.line).split("{")[0][:12]), line
        seen = [r for r in holding.seen_by if r != SYSTEM]
        assert [r for r in seen if names[r] not in line] == [], (holding.kind, line)
        # (students and staff are whom the data is about: "student number" names no role)
        others = [r for r in names if r not in (*seen, "student", "staff") and
                  names[r] not in "".join(names[x] for x in seen) and names[r] in line]
        assert others == [], (holding.kind, line)
    by_kind = dict(zip((h.kind for h in HOLDINGS), lines, strict=True))
    if locale == "zh_CN":
        for kind, words in (("roster", "党员"), ("concerns", "承办单位联系人"),
                            ("anonymous", "身份监督人"), ("crisis", "危机干预小组"),
                            ("reception", "校领导"), ("audit", "组织部管理员")):
            assert words in by_kind[kind], (kind, words)
        assert "党员" not in by_kind["crisis"] and "1095 天" in by_kind["reception"]


def test_messages_are_never_kept_longer_than_concerns(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[privacy]\nretention_days = 60\nmessage_days = 90\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert "privacy" in str(err.value) and "message_days" in str(err.value)
    path.write_text("[privacy]\nmessage_days = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="privacy.message_days"):
        load_settings(path)
