"""Every locale key, in every language and plural form, through the Telegram sender's own
rendering: valid Telegram HTML, within Telegram's length limits even with the longest user
text, button labels as plain text that fits. Split from test_locales.py (the catalogues
and rendering rules)."""

import ast

import pytest

from bot.telegram.render import LABEL_LIMIT, TEXT_LIMIT, render_keyboard, render_text
from bot.web.sender import render_event
from core.replies import Button, Reply, t
from handlers.router import MENU
from locales import PLURAL_RULES
from storage.outbox import Outgoing
from tests.support.telegram_html import check_message, problems, utf16_length

from tests.unit.test_locales import (
    CATALOG, DYNAMIC, ROOT, ZH, _callee, _literals, _sources, placeholders)

# --- every key, every form, through the Telegram sender's rendering ------------------------

HOSTILE = '<script>&"x"</script>'
#: The longest user text a reply can carry (max_text_chars may be configured up to 3500).
LONG = ("<&" * 1750)


def _count_for(locale: str, form: str) -> int:
    rule = PLURAL_RULES.get(locale, lambda n: "other")
    return next(n for n in range(1000) if rule(n) == form)


def _samples(locale: str) -> list[tuple[str, str, dict[str, object]]]:
    """(key, form, params) for every key and plural form of ``locale``, placeholders
    filled with hostile user text (and ``count`` with a number choosing the form)."""
    out = []
    for key in sorted(CATALOG.texts[locale]):
        for form, text in sorted(CATALOG.forms(locale, key).items()):
            params: dict[str, object] = {n: HOSTILE for n in placeholders(text)}
            if "count" in params:
                params["count"] = _count_for(locale, form)
            out.append((key, form, params))
    return out


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_key_renders_as_html_telegram_accepts(locale: str) -> None:
    bad = {}
    for key, form, params in _samples(locale):
        text = render_text(CATALOG, locale, {"key": key, "params": params})
        found = check_message(text)
        if any(v == HOSTILE for v in params.values()):
            if "<script>" in text or "&lt;script&gt;&amp;&quot;x&quot;" not in text:
                found.append("user text not escaped")
        if found:
            bad[f"{key}[{form}]"] = found
    assert bad == {}


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_key_with_the_longest_user_text_stays_within_telegrams_limit(locale: str) -> None:
    bad = {}
    for key, form, params in _samples(locale):
        long = {n: (v if n == "count" else LONG) for n, v in params.items()}
        text = render_text(CATALOG, locale, {"key": key, "params": long})
        found = check_message(text)
        if utf16_length(text) > TEXT_LIMIT:
            found.append(f"{utf16_length(text)} characters")
        if found:
            bad[f"{key}[{form}]"] = found
    assert bad == {}


def _label_keys() -> set[str]:
    """Keys drawn on buttons: literal first arguments of Button(...) and f"..." families."""
    keys = {k for k in ZH if k.startswith("button.")}  # core.concerns.cards picks them from a table
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _callee(node) == "Button" and node.args:
                first = node.args[0]
                keys.update(_literals(first))
                if isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                    prefix = str(first.values[0].value)
                    keys.update(prefix + v for v in DYNAMIC[prefix])
    return keys


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_button_labels_are_plain_text_that_fits(locale: str) -> None:
    labels = _label_keys()
    assert {"button.accept", "category.logistics", "lang.en", "revisit.rs"} <= labels
    bad = {}
    for key in sorted(labels):
        params = {n: "A&B" for n in placeholders(CATALOG.raw(locale, key))}
        kb = render_keyboard(CATALOG, locale, {"buttons": [[{"label": key, "action": "x",
                                                             "params": params}]]})
        assert kb is not None
        label = kb.inline_keyboard[0][0].text
        full = CATALOG.render_plain(locale, key, params)
        if "&amp;" in label or "<" in label or len(full) > LABEL_LIMIT or not label.strip():
            bad[key] = label
    assert bad == {}


def test_an_ampersand_is_an_entity_in_text_and_a_character_on_a_button() -> None:
    text = render_text(CATALOG, "en", {"key": "intake.ask_type",
                                       "params": {"category": t("category.logistics")}})
    assert problems(text) == [] and "Campus life &amp; logistics" in text
    kb = render_keyboard(CATALOG, "en", {"buttons": [[{"label": "category.logistics",
                                                       "action": "x"}]]})
    assert kb is not None and kb.inline_keyboard[0][0].text == "Campus life & logistics"
    # The web page sets labels as text too.
    row = Outgoing(id=1, channel="web", chat_id="web:1", person_id=None, lane=0, locale="en",
                   attempts=0, reply=Reply("intake.ask_category", buttons=((
                       Button("category.logistics", "x"),),)).to_dict())
    assert render_event(CATALOG, row)["buttons"][0][0]["label"] == "Campus life & logistics"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_command_menu_entries_are_plain_text(locale: str) -> None:
    # setMyCommands shows them as they are: no tags, no entities.
    for command in MENU:
        entry = CATALOG.raw(locale, f"commands.{command}")
        assert "<" not in entry and "&" not in entry and 0 < len(entry) <= 256, entry


@pytest.mark.parametrize("key", ["merge.usage", "reject.usage", "reveal.usage"])
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_command_usage_replies_are_valid_html(locale: str, key: str) -> None:
    # "<number>" in a usage line is an unknown tag to Telegram: the reply never arrives.
    assert problems(render_text(CATALOG, locale, {"key": key})) == []


def test_the_intake_too_long_text_is_only_used_for_a_concerns_text() -> None:
    # It says "诉求正文" and "everything received so far is kept": anywhere else (a relay,
    # a reason, a closing note) it misleads; those name their text (too_long.*).
    used = sorted({str(p.relative_to(ROOT)) for p in _sources()
                   if '"intake.too_long"' in p.read_text(encoding="utf-8")})
    # (handlers/concerns/intake.py checks a draft's additions through core.concerns.intake.check_addition.)
    assert used == ["core/concerns/intake.py"]
