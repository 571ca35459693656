"""config.toml ``[categories.<code>]``, ``[limits]`` and ``[ladder]``: the time limits of
a concern and the 催办/督办 ladder that watches them (core/concerns/deadlines.py)."""
from __future__ import annotations

from datetime import time

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def quiet_span(value: str) -> tuple[time, time] | None:
    """``"22:30-07:30"`` as (start, end) local times; ``""`` (never quiet) as None."""
    if not value.strip():
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError(f"expected \"HH:MM-HH:MM\" (e.g. \"22:30-07:30\") or \"\" for "
                         f"never quiet, not {value!r}") from None
    if start == end:
        raise ValueError(f"expected two different times, not {value!r}; use \"\" for never")
    return start, end


def span_hours(span: tuple[time, time]) -> float:
    """How long a quiet span lasts (it may cross midnight)."""
    start, end = (t.hour * 60 + t.minute for t in span)
    return ((end - start) % (24 * 60)) / 60


class CategorySection(_Section):
    """``[categories.<code>]``: per-category settings (urgency P1-P3; default P2) and,
    optionally, the category's own limits instead of its urgency's."""

    urgency: str = "P2"
    accept_hours: float | None = Field(default=None, gt=0)
    contact_hours: float | None = Field(default=None, gt=0)
    reply_hours: float | None = Field(default=None, gt=0)
    reply_working_days: int | None = Field(default=None, ge=1)

    @field_validator("urgency")
    @classmethod
    def _urgency(cls, v: str) -> str:
        if v == "P0":
            raise ValueError("P0 is set only by crisis detection; use P1, P2 or P3")
        if v not in ("P1", "P2", "P3"):
            raise ValueError("expected P1, P2 or P3")
        return v

    @model_validator(mode="after")
    def _one_reply_limit(self) -> CategorySection:
        if self.reply_hours is not None and self.reply_working_days is not None:
            raise ValueError("set reply_hours or reply_working_days, not both")
        return self


class LimitsSection(_Section):
    """Limits per urgency (DOMAIN.md): accept (签收) and first contact (响应) in wall-clock
    hours; the reply in wall-clock hours for P1 and in working days for P2 and P3."""

    p1_accept_hours: float = Field(default=2, gt=0)
    p1_contact_hours: float = Field(default=2, gt=0)
    p1_reply_hours: float = Field(default=24, gt=0)
    p2_accept_hours: float = Field(default=24, gt=0)
    p2_contact_hours: float = Field(default=24, gt=0)
    p2_reply_working_days: int = Field(default=5, ge=1)
    p3_accept_hours: float = Field(default=24, gt=0)
    p3_contact_hours: float = Field(default=24, gt=0)
    p3_reply_working_days: int = Field(default=15, ge=1)


class LadderSection(_Section):
    """The 催办/督办 ladder: when each notice goes, the quiet hours, the restart grace."""

    remind_share: float = Field(default=0.8, gt=0, lt=1)
    college_after_working_days: int = Field(default=2, ge=1)
    orgdept_after_working_days: int = Field(default=5, ge=1)
    quiet_hours: str = "22:30-07:30"
    grace_hours: float = Field(default=24, gt=0)
    sweep_seconds: int = Field(default=60, ge=5, le=3600)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        quiet_span(v)  # raises ValueError naming what is expected
        return v

    @model_validator(mode="after")
    def _order(self) -> LadderSection:
        if self.orgdept_after_working_days <= self.college_after_working_days:
            raise ValueError("orgdept_after_working_days must be more than "
                             "college_after_working_days")
        span = quiet_span(self.quiet_hours)
        if span and self.grace_hours <= span_hours(span):
            raise ValueError(f"grace_hours ({self.grace_hours:g}) must be longer than the "
                             f"quiet hours ({span_hours(span):g} h), or notices held for the "
                             "night would be dropped in the morning")
        return self
