"""A person's data (core/privacy/mydata.py) as a readable text, in the locale files' words:
the /mydata summary file beside the complete JSON. Times in the configured zone; roles,
channels, categories, types, states and 回访 ratings by their names, never their codes.
``localised`` gives the JSON's ``not_included`` codes their words too."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import TELEGRAM, WEB
from core.privacy.mydata import ANONYMOUS_ANSWERS, ANONYMOUS_CONCERNS
from core.privacy.notice import ROLE_NAMES
from core.replies import t
from core.types import JSON
from locales import Catalog

#: the chat channels' names
CHANNEL_NAMES = {TELEGRAM: "privacy.channel_telegram", WEB: "privacy.channel_web"}
#: a 回访 rating's words: the answer buttons' (core/concerns/followup.py)
RATING_NAMES = {"satisfied": "revisit.rs", "basic": "revisit.rb", "unsatisfied": "revisit.ru"}
#: what an export leaves out, in words (core/privacy/mydata.py ``NOT_INCLUDED``)
NOT_INCLUDED = {ANONYMOUS_ANSWERS: "privacy.not_included_anonymous_survey_answers",
                ANONYMOUS_CONCERNS: "privacy.not_included_anonymous_concerns"}


def _named(names: Mapping[str, str], code: Any) -> JSON:
    """A code by its name; an unknown code (or none) as it is."""
    return t(names[code]) if isinstance(code, str) and code in names else _text(code)


def localised(catalog: Catalog, locale: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with each ``not_included`` entry's words (``text``) beside its code."""
    left_out = []
    for item in data.get("not_included") or []:
        code = item.get("code") if isinstance(item, dict) else None
        if code in NOT_INCLUDED:
            item = {**item, "text": catalog.render_plain(locale, NOT_INCLUDED[code], {
                "count": item.get("count", 0)})}
        left_out.append(item)
    return {**data, "not_included": left_out}


class Summary:
    def __init__(self, catalog: Catalog, locale: str, timezone: str) -> None:
        self.catalog, self.locale, self.tz = catalog, locale, ZoneInfo(timezone)
        self.lines: list[str] = []

    def say(self, key: str, **params: JSON) -> None:
        self.lines.append(self.catalog.render_plain(self.locale, key, params))

    def when(self, value: Any) -> str:
        if not isinstance(value, str) or not value:
            return "—"
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            return value
        if at.tzinfo is None:  # a day
            return value
        return at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def section(self, key: str, items: Sequence[Any]) -> None:
        self.lines.append("")
        self.say(key, count=len(items))
        if not items:
            self.say("privacy.summary_none")


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def render_summary(catalog: Catalog, locale: str, timezone: str,
                   data: Mapping[str, Any]) -> str:
    """The summary of ``data`` (the JSON /mydata sends) as plain text."""
    out = Summary(catalog, locale, timezone)
    out.say("privacy.summary_title", time=out.when(data.get("generated_at")))
    p = data.get("person") or {}
    out.lines.append("")
    out.say("privacy.summary_person", name=_text(p.get("name")), number=_text(p.get("number")),
            unit=_text(p.get("unit")), college=_text(p.get("college")),
            grade=_text(p.get("grade")), class_name=_text(p.get("class")),
            building=_text(p.get("dorm_building")), room=_text(p.get("dorm_room")),
            phone=_text(p.get("phone")))
    for role in p.get("roles") or []:
        out.say("privacy.summary_role", role=_named(ROLE_NAMES, role.get("role")),
                unit=_text(role.get("unit")))
    accounts = data.get("accounts") or []
    out.section("privacy.summary_accounts", accounts)
    for a in accounts:
        out.say("privacy.summary_account", channel=_named(CHANNEL_NAMES, a.get("channel")),
                name=_text(a.get("display_name") or a.get("username")),
                since=out.when(a.get("since")))
    concerns = data.get("concerns") or []
    out.section("privacy.summary_concerns", concerns)
    for c in concerns:
        _concern(out, c)
    surveys = data.get("surveys") or {}
    named = surveys.get("named_answers") or []
    out.section("privacy.summary_surveys", named)
    for answer in named:
        out.say("privacy.summary_survey", title=_text(answer.get("title")),
                day=_text(answer.get("day")))
        for question, value in sorted((answer.get("answers") or {}).items()):
            shown = "、".join(map(str, value)) if isinstance(value, list) else _text(value)
            out.say("privacy.summary_answer", question=str(question), answer=shown)
    out.say("privacy.summary_anonymous", count=int(data.get("anonymous_surveys") or 0))
    topics = data.get("reception") or []
    out.section("privacy.summary_reception", topics)
    for topic in topics:
        out.say("privacy.summary_topic", day=_text(topic.get("session_day")),
                text=_text(topic.get("topic")))
    out.lines.append("")
    out.say("privacy.summary_records", count=len(data.get("records") or []))
    return "\n".join(out.lines) + "\n"


def _concern(out: Summary, c: Mapping[str, Any]) -> None:
    out.lines.append("")
    out.say("privacy.summary_concern", number=_text(c.get("number")),
            category=t(f"category.{c.get('category')}"), type=t(f"type.{c.get('type')}"),
            status=t(f"status.{c.get('status')}"), submitted=out.when(c.get("submitted_at")),
            text=_text(c.get("text")))
    for a in c.get("attachments") or []:
        out.say("privacy.summary_file", name=_text(a.get("file_name") or a.get("kind")))
    for m in c.get("messages") or []:
        out.say("privacy.summary_message", at=out.when(m.get("at")),
                who=t("privacy.summary_to_handler" if m.get("direction") == "to_handler"
                      else "privacy.summary_to_requester"), text=_text(m.get("text")))
    if c.get("reply"):
        out.say("privacy.summary_reply", text=_text(c.get("reply")))
    revisit = c.get("revisit") or {}
    if revisit.get("rating"):
        out.say("privacy.summary_revisit", rating=_named(RATING_NAMES, revisit.get("rating")),
                comment=_text(revisit.get("comment")))
