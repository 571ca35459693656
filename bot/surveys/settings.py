"""config.toml ``[surveys]``: limits of survey files and of their reminders."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SurveysSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_reminders: int = Field(default=3, ge=0, le=10)  # a survey file may ask for at most this many
    push_window: int = Field(default=60, ge=1, le=10_000)  # bulk outbox rows waiting at most
