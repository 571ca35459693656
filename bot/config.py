"""One validated configuration: config.toml for structure, the environment for secrets.

Environment variables override the file: ``XQ_TELEGRAM__TOKEN``, ``XQ_DATABASE__URL``.
Invalid values fail at start with a message naming the key and what is expected.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.config_errors import ConfigError, StartupError  # noqa: F401 - re-exported
from bot.deadline_settings import CategorySection, LadderSection, LimitsSection, quiet_span
from bot.reception.settings import ReceptionSection
from bot.surveys.settings import SurveysSection
from bot.web_settings import WebSection
from core.concerns.categories import CATEGORY_CODES
from core.concerns.numbering import valid_university_code
from core.privacy.policy import PrivacyRules

LOCALES = ("zh_CN", "en")


class _Section(BaseModel):
    # A mistyped key (``tokne = ...``) must fail at start, not be silently ignored.
    model_config = ConfigDict(extra="forbid")


class AppSection(_Section):
    university_code: str = "DEMO"
    university_name: str = "示范大学"
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    admin_queue_notice: bool = True

    @field_validator("university_code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not valid_university_code(v):
            raise ValueError("expected 2-16 upper-case letters or digits, starting with a letter")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("expected an IANA time zone such as Asia/Shanghai") from exc
        return v

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, v: str) -> str:
        if v not in LOCALES:
            raise ValueError(f"expected one of {', '.join(LOCALES)}")
        return v


class DatabaseSection(_Section):
    url: str = "sqlite+aiosqlite:///var/xinqiao.db"

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("expected sqlite+aiosqlite:///path or postgresql+asyncpg://host/db")
        return v


class TelegramSection(_Section):
    token: SecretStr = SecretStr("")
    api_base: str = "https://api.telegram.org"
    bot_username: str = ""
    poll_timeout: int = Field(default=25, ge=0, le=50)

    @field_validator("token")
    @classmethod
    def _token(cls, v: SecretStr) -> SecretStr:
        raw = v.get_secret_value()
        if raw and (":" not in raw or raw.lower() in {"changeme", "your-token", "123:abc"}):
            raise ValueError("expected the token from @BotFather, like 123456789:AA...")
        return v

    @field_validator("api_base")
    @classmethod
    def _base(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("expected an http(s) URL such as https://api.telegram.org")
        return v.rstrip("/")


class InboxSection(_Section):
    workers: int = Field(default=16, ge=1, le=256)
    max_attempts: int = Field(default=4, ge=1, le=20)
    retry_base_seconds: float = Field(default=0.5, gt=0)


class OutboxSection(_Section):
    global_per_second: float = Field(default=30.0, gt=0)
    per_chat_per_second: float = Field(default=1.0, gt=0)
    concurrency: int = Field(default=16, ge=1, le=256)
    max_attempts: int = Field(default=8, ge=1, le=50)
    # Telegram's paid broadcast (Stars are charged above 30 msg/s): bulk sends (survey
    # pushes) at their own rate, sendMessage with allow_paid_broadcast. Off by default.
    paid_broadcast: bool = False
    paid_broadcast_per_second: float = Field(default=1000.0, gt=0, le=1000)


class FloodSection(_Section):
    max_messages: int = Field(default=20, ge=1)
    window_seconds: float = Field(default=30, gt=0)


class IntakeSection(_Section):
    max_text_chars: int = Field(default=2000, ge=10, le=3500)
    max_attachments: int = Field(default=10, ge=0, le=50)


class BindingSection(_Section):
    code_ttl_hours: int = Field(default=336, ge=1)
    max_failed_attempts: int = Field(default=5, ge=1)


class RosterSection(_Section):
    # An import or deactivation taking away more than this share of the active people,
    # units or zones also needs --allow-mass-deactivation (docs/decisions/0025).
    max_deactivate_share: float = Field(default=0.10, gt=0, le=1)


class FollowupSection(_Section):
    delay_working_days: int = Field(default=1, ge=0, le=10)
    answer_working_days: int = Field(default=3, ge=1, le=30)


class PrivacySection(_Section):
    """``[privacy]`` (docs/decisions/0027) -> ``core.privacy.policy.PrivacyRules``."""

    retention_days: int = Field(default=1095, ge=30)
    # sent messages (the web chat's history too) and handled inbox rows; never longer
    # than concerns are kept, never shorter than Telegram may re-deliver an update
    message_days: int = Field(default=30, ge=3)
    export_hours: int = Field(default=24, ge=1, le=720)
    sweep_hours: int = Field(default=6, ge=1, le=168)

    @model_validator(mode="after")
    def _messages_within_retention(self) -> PrivacySection:
        if self.message_days > self.retention_days:
            raise ValueError(f"message_days ({self.message_days}) must not exceed "
                             f"retention_days ({self.retention_days})")
        return self

    def rules(self) -> PrivacyRules:
        return PrivacyRules(retention_days=self.retention_days, message_days=self.message_days,
                            export_hours=self.export_hours)


class CrisisSection(_Section):
    """``[crisis]``: crisis detection (core.crisis.assess, bot/crisis/) and the P0 paging
    ladder (core.crisis.case)."""

    # A deployment's own clear-intent terms, added to the lexicon (they never replace it).
    terms_zh: list[str] = []
    terms_en: list[str] = []
    # Phrases known to be harmless here; each hides only a finding it covers completely.
    exceptions: list[str] = []
    review_hours: int = Field(default=12, ge=1, le=168)
    # Review items page nobody in these local hours ("HH:MM-HH:MM"; "" = never quiet).
    review_quiet: str = "22:30-07:30"
    context_minutes: int = Field(default=30, ge=1, le=1440)
    risk_hours: int = Field(default=24, ge=1, le=336)
    model: str = "bot/crisis/model.json"
    national_hotline: str = "12356"
    school_hotline: str = ""
    ack_minutes: int = Field(default=15, ge=1, le=240)
    duty_numbers: list[str] = []     # person numbers of the counsellors on duty
    fallback_number: str = ""        # when no duty counsellor and no college counsellor
    final_number: str = ""           # the named human at the top of the ladder

    @field_validator("terms_zh", "terms_en", "exceptions")
    @classmethod
    def _phrases(cls, v: list[str]) -> list[str]:
        # A phrase of spaces and punctuation would match everywhere or nowhere.
        for phrase in v:
            if not any(c.isalnum() for c in phrase):
                raise ValueError(f"expected a list of phrases with letters or digits; "
                                 f"{phrase!r} has none")
        return v

    @field_validator("review_quiet")
    @classmethod
    def _quiet(cls, v: str) -> str:
        quiet_span(v)  # raises ValueError naming what is expected
        return v

    @field_validator("model")
    @classmethod
    def _model(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("expected the path of the classifier file, e.g. "
                             "\"bot/crisis/model.json\"")
        return v


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="XQ_", env_nested_delimiter="__", extra="forbid", toml_file="config.toml"
    )

    app: AppSection = AppSection()
    database: DatabaseSection = DatabaseSection()
    telegram: TelegramSection = TelegramSection()
    inbox: InboxSection = InboxSection()
    outbox: OutboxSection = OutboxSection()
    flood: FloodSection = FloodSection()
    intake: IntakeSection = IntakeSection()
    binding: BindingSection = BindingSection()
    roster: RosterSection = RosterSection()
    privacy: PrivacySection = PrivacySection()
    followup: FollowupSection = FollowupSection()
    categories: dict[str, CategorySection] = {}
    limits: LimitsSection = LimitsSection()
    ladder: LadderSection = LadderSection()
    crisis: CrisisSection = CrisisSection()
    web: WebSection = WebSection()
    reception: ReceptionSection = ReceptionSection()
    surveys: SurveysSection = SurveysSection()

    @field_validator("categories")
    @classmethod
    def _category_codes(cls, v: dict[str, CategorySection]) -> dict[str, CategorySection]:
        unknown = sorted(set(v) - set(CATEGORY_CODES))
        if unknown:
            raise ValueError(f"unknown category code(s) {', '.join(unknown)}; "
                             f"expected some of {', '.join(CATEGORY_CODES)}")
        return v

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Read config.toml (or ``XQ_CONFIG``) plus the environment; explain any bad key."""
    file = Path(path or os.environ.get("XQ_CONFIG", "config.toml"))
    if not file.is_file():
        raise ConfigError(f"config file {file} not found (set XQ_CONFIG to its path)",
                          "missing", file)

    class _FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=file)

    try:
        return _FileSettings(**overrides)
    except ValidationError as exc:
        found = [(".".join(str(p) for p in err["loc"]),  # the key, its variable, the error
                  "XQ_" + "__".join(str(p).upper() for p in err["loc"]), err)
                 for err in exc.errors()]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(
            f"{key} (in {file} or {env}): {err['msg']}" for key, env, err in found),
            "invalid", file, found) from None
    except Exception as exc:  # a TOML syntax error, for example
        raise ConfigError(f"cannot read {file}: {exc}", "unreadable", file, exc) from None
