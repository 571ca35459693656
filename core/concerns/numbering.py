"""Concern numbers carry the deployment's university code: TJUFE-2026-000123."""
from __future__ import annotations

import re

_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")


def valid_university_code(code: str) -> bool:
    return bool(_CODE.fullmatch(code))  # fullmatch: "$" alone lets "DEMO\n" through


def concern_number(university_code: str, year: int, seq: int) -> str:
    """Format a concern number; the sequence restarts every year."""
    if not valid_university_code(university_code):
        raise ValueError(f"bad university code {university_code!r}")
    return f"{university_code}-{year:04d}-{seq:06d}"
