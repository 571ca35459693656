"""config.toml ``[reception]``: when reception reminders go and how after-session
follow-ups are tracked (core/reception/reminders.py ``ReceptionRules``)."""
from __future__ import annotations

from datetime import time, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.concerns.categories import CATEGORY_CODES
from core.reception.reminders import ReceptionRules


class ReceptionSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    eve_at: str = "17:00"               # the working day before: the agenda, local time
    soon_minutes: int = Field(default=60, ge=5, le=24 * 60)
    followup_working_days: int = Field(default=5, ge=1, le=60)
    followup_category: str = "suggestion"
    grace_hours: float = Field(default=24, gt=0)
    announce_days: int = Field(default=7, ge=1, le=60)
    sweep_seconds: int = Field(default=60, ge=5, le=3600)

    @field_validator("eve_at")
    @classmethod
    def _eve(cls, v: str) -> str:
        try:
            time.fromisoformat(v)
        except ValueError:
            raise ValueError(f"expected a local time \"HH:MM\" (e.g. \"17:00\"), not {v!r}") \
                from None
        return v

    @field_validator("followup_category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in CATEGORY_CODES or v == "report":
            raise ValueError(f"expected one of {', '.join(c for c in CATEGORY_CODES if c != 'report')}, "
                             f"not {v!r}")
        return v

    def rules(self) -> ReceptionRules:
        return ReceptionRules(eve_at=time.fromisoformat(self.eve_at),
                              soon_minutes=self.soon_minutes,
                              followup_working_days=self.followup_working_days,
                              followup_category=self.followup_category,
                              grace=timedelta(hours=self.grace_hours),
                              announce_ahead=timedelta(days=self.announce_days))
