"""Concern numbers (core.concerns.numbering): what the requester is told, e.g. DEMO-2026-000123."""
from __future__ import annotations

import pytest

from core.concerns.numbering import concern_number, valid_university_code


@pytest.mark.parametrize(
    ("code", "year", "seq", "number"),
    [
        ("DEMO", 2026, 123, "DEMO-2026-000123"),
        ("TJUFE", 2027, 1, "TJUFE-2027-000001"),
        ("U1", 2026, 999_999, "U1-2026-999999"),
        ("ABCDEFGHIJKLMNOP", 2026, 42, "ABCDEFGHIJKLMNOP-2026-000042"),  # 16 characters
    ],
)
def test_concern_number_format(code: str, year: int, seq: int, number: str) -> None:
    assert concern_number(code, year, seq) == number


def test_numbers_sort_in_issue_order_within_a_year() -> None:
    numbers = [concern_number("DEMO", 2026, s) for s in (1, 9, 10, 100, 99_999)]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize(
    "code",
    ["", "D", "demo", "Demo", "1DEMO", "DE-MO", "DE MO", "DEMO\n", "ABCDEFGHIJKLMNOPQ", "示范"],
)
def test_bad_university_code_is_refused(code: str) -> None:
    assert not valid_university_code(code)
    with pytest.raises(ValueError):
        concern_number(code, 2026, 1)


@pytest.mark.parametrize("code", ["DEMO", "TJUFE", "U1", "A2026"])
def test_good_university_codes_are_accepted(code: str) -> None:
    assert valid_university_code(code)
