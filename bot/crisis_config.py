"""config.toml ``[crisis]`` → the detector and the paging rules the crisis path uses."""
from __future__ import annotations

from datetime import time

from bot.config import Settings, quiet_span
from core.crisis.paging import CrisisRules


def crisis_rules(settings: Settings) -> CrisisRules:
    c, app = settings.crisis, settings.app
    # no quiet hours: an empty span (start == end) contains no time
    quiet_start, quiet_end = quiet_span(c.review_quiet) or (time(0), time(0))
    return CrisisRules(national_hotline=c.national_hotline, school_hotline=c.school_hotline,
                       ack_minutes=c.ack_minutes, duty_numbers=tuple(c.duty_numbers),
                       fallback_number=c.fallback_number, final_number=c.final_number,
                       university_code=app.university_code, timezone=app.timezone,
                       default_locale=app.default_locale, review_hours=c.review_hours,
                       risk_hours=c.risk_hours,
                       quiet_start=quiet_start, quiet_end=quiet_end)
