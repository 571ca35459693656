"""config.toml ``[crisis]`` → the detector and the paging rules the crisis path uses."""
from __future__ import annotations

from bot.config import Settings
from core.crisis.paging import CrisisRules


def crisis_rules(settings: Settings) -> CrisisRules:
    c, app = settings.crisis, settings.app
    return CrisisRules(national_hotline=c.national_hotline, school_hotline=c.school_hotline,
                       ack_minutes=c.ack_minutes, duty_numbers=tuple(c.duty_numbers),
                       fallback_number=c.fallback_number, final_number=c.final_number,
                       university_code=app.university_code, timezone=app.timezone,
                       default_locale=app.default_locale)
