"""Locale catalogues (locales/*.toml) and rendering (locales.Catalog).

A key missing from a catalogue shows the user a raw key such as ``intake.ask_text``; a
placeholder missing from one language shows a literal ``{limit}``. Both are caught here.
So are the texts Telegram would refuse (every key, every plural form, rendered through the
Telegram sender's own path and checked as Telegram HTML) and counts shown without their
plural forms ("You have 1 concerns").
"""
from __future__ import annotations

import ast
import html
import re
import string
from pathlib import Path

import pytest

from bot.web.errors import CODES as WEB_ERRORS
from core.concerns.categories import CATEGORY_CODES
from core.model import ConcernStatus, ConcernType
from core.replies import t
from core.surveys.definition import SURVEY_KINDS
from core.surveys.model import STATES as SURVEY_STATES
from handlers.inbound import CONTENT_NAMES
from handlers.router import MENU
from handlers.people.start import LOCALE_CHOICES
from locales import PLURAL_RULES, Catalog, plural_forms_needed

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Catalog.load()
ZH, EN = CATALOG.texts["zh_CN"], CATALOG.texts["en"]
SECTIONS = {k.split(".", 1)[0] for k in ZH} | {k.split(".", 1)[0] for k in EN}

#: Calls whose first argument (or ``key=``/``label=``) is a locale key.
KEY_CALLS = {"Reply", "say", "toast", "t", "Button", "DomainError", "InputError",
             "BindingError", "AccessDenied"}
KEY_SHAPE = re.compile(r"^[a-z_]+\.[A-Za-z_]+$")
#: Keys built at run time from a prefix, and the values the suffix can take.
DYNAMIC = {
    "category.": set(CATEGORY_CODES),
    "type.": {t.value for t in ConcernType},
    "commands.": set(MENU),
    "lang.": set(LOCALE_CHOICES),
    "status.": {s.value for s in ConcernStatus},
    "revisit.": {"cy", "cn", "sy", "sn", "rs", "rb", "ru"},
    "content.": set(CONTENT_NAMES) | {"other"},
    "web_error.": set(WEB_ERRORS),
    "survey_state.": set(SURVEY_STATES) | {"other"},
    "survey_kind.": set(SURVEY_KINDS),
}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_both_catalogues_exist_and_zh_cn_is_the_default() -> None:
    assert CATALOG.locales == ["en", "zh_CN"]
    assert CATALOG.default == "zh_CN"


def test_catalogues_have_the_same_keys() -> None:
    assert sorted(set(ZH) - set(EN)) == [], "keys only in zh_CN"
    assert sorted(set(EN) - set(ZH)) == [], "keys only in en"


def test_catalogues_have_the_same_placeholders_per_key() -> None:
    differ = {k: (placeholders(ZH[k]), placeholders(EN[k]))
              for k in ZH.keys() & EN.keys() if placeholders(ZH[k]) != placeholders(EN[k])}
    assert differ == {}


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_template_parses_and_has_text(locale: str) -> None:
    for key, template in CATALOG.texts[locale].items():
        assert template.strip(), f"{locale}:{key} is empty"
        placeholders(template)  # raises ValueError on a stray brace


# --- keys referenced in code -------------------------------------------------------------

def _sources() -> list[Path]:
    files = [p for d in ("core", "handlers", "bot") for p in sorted((ROOT / d).rglob("*.py"))]
    assert len(files) > 10  # the scan really looked at the code
    return files


def _literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def scan_code() -> tuple[dict[str, str], dict[str, str]]:
    """Literal keys and dynamic key prefixes in code, each with where it was found."""
    keys: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        skip: set[int] = set()  # prefixes for str.startswith are not keys
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in ("startswith", "endswith"):
                skip.update(id(a) for a in node.args)
        for node in ast.walk(tree):
            found: list[str] = []
            if isinstance(node, ast.Call) and _callee(node) in KEY_CALLS:
                args = node.args[:1] + [k.value for k in node.keywords if k.arg in ("key", "label")]
                for a in args:
                    found += [s for s in _literals(a) if s]
            elif isinstance(node, ast.ClassDef):  # DomainError subclasses: key = "..."
                for stmt in node.body:
                    if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                            and isinstance(stmt.targets[0], ast.Name)
                            and stmt.targets[0].id == "key"):
                        found += _literals(stmt.value)
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in skip and KEY_SHAPE.match(node.value)
                  and node.value.split(".", 1)[0] in SECTIONS):
                found.append(node.value)  # e.g. problem = "bind.revoked"
            elif (isinstance(node, ast.JoinedStr) and node.values
                  and isinstance(node.values[0], ast.Constant)
                  and re.fullmatch(r"[a-z_]+\.", str(node.values[0].value))
                  and str(node.values[0].value)[:-1] in SECTIONS):
                prefixes[str(node.values[0].value)] = f"{where}:{node.lineno}"
            for key in found:
                keys.setdefault(key, f"{where}:{node.lineno}")
    return keys, prefixes


KEYS, PREFIXES = scan_code()


def test_scan_finds_the_keys_we_know_are_used() -> None:
    # Guards the scanner itself: if these vanish, the scan is broken, not the code.
    for key in ("intake.ask_text", "bind.revoked", "error.generic", "button.cancel",
                "admin.dead_inbox", "group.refused", "intake.routed_queue"):
        assert key in KEYS, key
    assert "admin.dead" not in KEYS  # a startswith() prefix, not a key
    assert set(PREFIXES) >= {"category.", "type.", "commands.", "lang."}


def test_every_literal_key_in_code_exists_in_both_catalogues() -> None:
    missing = {f"{key} ({where})": [loc for loc in ("zh_CN", "en")
                                    if key not in CATALOG.texts[loc]]
               for key, where in KEYS.items()
               if key not in ZH or key not in EN}
    assert missing == {}


def test_every_dynamic_key_prefix_is_known_to_this_test() -> None:
    # A new f"section.{x}" key family needs its values listed in DYNAMIC above.
    assert {p: w for p, w in PREFIXES.items() if p not in DYNAMIC} == {}


@pytest.mark.parametrize("prefix", sorted(DYNAMIC))
def test_every_dynamic_key_exists_in_both_catalogues(prefix: str) -> None:
    expected = {prefix + suffix for suffix in DYNAMIC[prefix]}
    assert expected, prefix
    assert sorted(expected - set(ZH)) == []
    assert sorted(expected - set(EN)) == []


# --- rendering ---------------------------------------------------------------------------

def test_render_escapes_user_text_but_not_translated_params() -> None:
    text = CATALOG.render("zh_CN", "intake.confirm",
                          {"category": {"t": "category.logistics"}, "type": {"t": "type.help"},
                           "text": "<script>alert(1)</script> & 热水", "files": 0},
                          html.escape)
    assert "后勤生活" in text and "求助" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 热水" in text
    assert "<script>" not in text
    assert text.startswith("<b>")  # the template's own markup survives


def test_translated_param_keeps_its_markup_and_user_text_cannot_inject_it() -> None:
    cat = Catalog({"zh_CN": {"outer": "{who}: {what}", "inner": "<i>系统</i>"}}, "zh_CN")
    out = cat.render("zh_CN", "outer", {"who": {"t": "inner"}, "what": "<i>x</i>"}, html.escape)
    assert out == "<i>系统</i>: &lt;i&gt;x&lt;/i&gt;"


def test_user_text_with_braces_is_not_formatted_again() -> None:
    out = CATALOG.render("en", "bind.ok", {"name": "{0.__class__} {name}"}, html.escape)
    assert "{0.__class__} {name}" in out


def test_render_translates_into_the_requested_language() -> None:
    params = {"category": {"t": "category.it"}}
    assert CATALOG.render("en", "intake.ask_type", params) == \
        EN["intake.ask_type"].format(category=EN["category.it"])
    assert CATALOG.render("zh_CN", "intake.ask_type", params) == \
        ZH["intake.ask_type"].format(category=ZH["category.it"])


def test_missing_key_falls_back_to_default_locale_then_to_the_key() -> None:
    cat = Catalog({"zh_CN": {"a.only_zh": "中文 {n}", "a.both": "中"},
                   "en": {"a.both": "EN"}}, "zh_CN")
    assert cat.render("en", "a.both") == "EN"
    assert cat.render("en", "a.only_zh", {"n": 3}) == "中文 3"
    assert cat.render("en", "a.nowhere") == "a.nowhere"
    assert cat.render("fr", "a.both") == "中"  # an unknown locale uses the default
    # A missing translated param falls back the same way.
    assert cat.render("en", "a.only_zh", {"n": {"t": "a.nowhere"}}) == "中文 a.nowhere"


def test_missing_param_leaves_the_placeholder_instead_of_failing() -> None:
    assert CATALOG.render("en", "intake.too_many_files", {}) == EN["intake.too_many_files"]


def test_catalog_refuses_a_default_without_a_catalogue() -> None:
    with pytest.raises(ValueError):
        Catalog({"en": {}}, "zh_CN")


# --- plurals -----------------------------------------------------------------------------

def _shows_count(key: str) -> bool:
    return any("count" in placeholders(text) for loc in CATALOG.locales
               for text in CATALOG.forms(loc, key).values()) if key in ZH else False


def test_every_key_showing_a_count_has_the_plural_forms_its_locale_needs() -> None:
    counted = sorted(k for k in ZH if _shows_count(k))
    assert {"my.list", "task.list", "branch.list", "unit.chars"} <= set(counted)  # the scan works
    missing = {f"{loc}:{key}": sorted(set(plural_forms_needed(loc)) - set(CATALOG.forms(loc, key)))
               for loc in CATALOG.locales for key in counted
               if set(plural_forms_needed(loc)) - set(CATALOG.forms(loc, key))}
    assert missing == {}


def test_every_plural_form_shows_the_count_and_has_the_same_placeholders() -> None:
    for loc in CATALOG.locales:
        for key in CATALOG.plurals[loc]:
            forms = CATALOG.forms(loc, key)
            assert all("count" in placeholders(f) for f in forms.values()), f"{loc}:{key}"
            assert len({frozenset(placeholders(f)) for f in forms.values()}) == 1, f"{loc}:{key}"


@pytest.mark.parametrize(("count", "text"), [
    (1, "You have 1 concern:"), (2, "You have 2 concerns (latest first):"),
    (0, "You have 0 concerns (latest first):"), ("1", "You have 1 concern:")])
def test_english_picks_the_form_by_count(count: object, text: str) -> None:
    assert CATALOG.render("en", "my.list", {"count": count}) == text


def test_chinese_has_one_form_and_a_missing_count_means_other() -> None:
    assert CATALOG.render("zh_CN", "my.list", {"count": 1}) == "您共有 1 件诉求（最近的在前）："
    assert CATALOG.render("en", "task.list", {"lines": "x"}).startswith("<b>{count} open concerns")


def test_a_number_inside_a_sentence_is_a_translated_unit_with_its_own_count() -> None:
    params = {"length": t("unit.chars", count=2001), "limit": t("unit.chars", count=1)}
    assert CATALOG.render("en", "intake.too_long", params).startswith(
        "Too long (2001 characters); a concern has at most 1 character.")
    assert CATALOG.render("zh_CN", "intake.too_long", params).startswith(
        "内容过长（2001 字），诉求正文最多 1 字。")


def test_a_list_parameter_is_one_line_per_item_each_escaped_or_translated() -> None:
    out = CATALOG.render("en", "help.text", {"commands": [
        t("help.command", command="my", description=t("commands.my")), "<x>"], "roles": ""},
        html.escape)
    assert "· /my My concerns\n&lt;x&gt;" in out


def test_a_plural_table_needs_other_and_only_plural_categories() -> None:
    with pytest.raises(ValueError):
        Catalog({"zh_CN": {"a.b": {"one": "{count} x"}}}, "zh_CN")
    with pytest.raises(ValueError):
        Catalog({"zh_CN": {"a.b": {"other": "{count} x", "dual": "{count} y"}}}, "zh_CN")


def test_plural_rules_exist_for_every_locale_with_more_than_one_form() -> None:
    for loc in CATALOG.locales:
        if plural_forms_needed(loc) != ("other",):
            assert loc in PLURAL_RULES, loc


#: Numbers passed to a reply under another name than ``count`` must be inside ``t()`` (a
#: unit with its own plural forms), except after a label, where no noun follows in English.
LABELLED = {("intake.confirm", "files"),
            ("task.attachment", "index"), ("task.attachment", "total"),  # "2/3"
            # a topic's ordinal label ("#2", "2.")
            ("reception.record_line", "n"), ("reception.agenda_line", "n"),
            ("reception.answered_button", "n"), ("reception.follow_button", "n"),
            ("reception.agenda_more", "part"), ("reception.agenda_more", "parts"),  # "2/3"
            # a question's ordinal label ("3.")
            ("survey_results.chat_question", "n"), ("survey_results.chart_caption", "n"),
            ("survey_results.chart_by_college", "n"),
            ("survey_results.chart_by_college_title", "n"), ("survey_results.eval_head", "n")}
_NUMERIC_NAME = re.compile(r"(^|_)(max|count|total|length|limit|days|minutes|told|n)($|_)|max_")


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, ast.Call):
        return _callee(node) in ("len", "int", "sum")
    name = node.attr if isinstance(node, ast.Attribute) else \
        node.id if isinstance(node, ast.Name) else ""
    return bool(name) and bool(_NUMERIC_NAME.search(name))


def test_numbers_reach_replies_only_as_count_or_inside_a_unit() -> None:
    bad = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _callee(node) in KEY_CALLS and node.args):
                continue
            key = next(iter(_literals(node.args[0])), "?")
            named = [(k.arg, k.value) for k in node.keywords if k.arg]
            for a in node.args[1:]:
                if isinstance(a, ast.Dict):
                    named += [(k.value, v) for k, v in zip(a.keys, a.values, strict=True)
                              if isinstance(k, ast.Constant)]
            bad += [f"{path.relative_to(ROOT)}:{node.lineno} {key} {name}="
                    for name, value in named
                    if name != "count" and (key, name) not in LABELLED and _is_number(value)]
    assert bad == []
