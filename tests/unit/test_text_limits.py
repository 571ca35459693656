"""core.errors.check_length, the one check of a text against its limit, and
core.concerns.intake.check_addition, which applies it to a draft's text with an addition."""
from __future__ import annotations

import pytest

from core.errors import InputError, check_length, too_long
from core.concerns.intake import IntakeRules, check_addition
from core.model import Draft

RULES = IntakeRules(university_code="TJUFE", timezone="Asia/Shanghai", default_locale="zh_CN",
                    max_text_chars=50)


def test_a_text_at_its_limit_passes() -> None:
    check_length("长" * 50, 50, "too_long.reply_summary")
    check_length("", 0)


@pytest.mark.parametrize("what, key", [("too_long.reply_summary", "too_long.message"),
                                       (None, "intake.too_long")])
def test_a_text_over_its_limit_is_refused_like_too_long(what: str | None, key: str) -> None:
    with pytest.raises(InputError) as err:
        check_length("长" * 51, 50, what, key=key)
    expected = too_long(what, length=51, limit=50, key=key)
    assert (err.value.key, err.value.params) == (expected.key, expected.params)
    assert err.value.params["length"] == {"t": "unit.chars", "p": {"count": 51}}


def test_an_addition_counts_the_line_break_that_joins_it() -> None:
    draft = Draft(texts=["a" * 20, "b" * 20])
    check_addition(draft, "c" * 8, RULES)  # 20 + 1 + 20 + 1 + 8 = 50
    with pytest.raises(InputError) as err:
        check_addition(draft, "c" * 9, RULES)
    assert err.value.key == "intake.too_long"
    assert err.value.params == too_long(None, length=51, limit=50, key="intake.too_long").params
    check_addition(Draft(), "x" * 50, RULES)  # the first text has no line break before it


def test_a_blank_addition_is_refused_before_its_length() -> None:
    with pytest.raises(InputError) as err:
        check_addition(Draft(texts=["a" * 50]), " " * 3, RULES)
    assert err.value.key == "intake.empty_text"
