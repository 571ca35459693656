"""config.toml ``[surveys]``: limits of survey files and of their reminders."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SurveysSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_reminders: int = Field(default=3, ge=0, le=10)  # a survey file may ask for at most this many
    #: the folder whose survey files admins may create surveys from in chat
    #: (``/survey files``, ``/survey create NAME``); relative to the working directory
    folder: str = Field(default="examples/surveys", min_length=1)
    #: how often the responses submitted since are rewritten in key order (docs/decisions/0023)
    mix_seconds: int = Field(default=60, ge=1, le=3600)
    push_window: int = Field(default=60, ge=1, le=10_000)  # bulk outbox rows waiting at most
    #: an anonymous survey's results merge groups (colleges, branches) of fewer responses
    #: into 其他 (core/surveys/figures.py); at least 2, so nobody is shown alone
    min_group: int = Field(default=5, ge=2, le=1000)
