"""The privacy notice (PIPL 告知; docs/decisions/0027) as data: what is collected, who sees
it, how long it is kept and how a person uses their rights, one line per kind of data.
The times come from ``PrivacyRules`` (``[privacy]``), so the notice says what the sweeps
do and cannot drift from them."""
from __future__ import annotations

from dataclasses import dataclass

from core.model import Role
from core.privacy.policy import PrivacyRules
from core.replies import Reply, t
from core.types import JSON

#: who may see a kind of data besides the person: roles, or the bot alone ("system")
SYSTEM = "system"


@dataclass(frozen=True)
class Holding:
    """One kind of data: ``line`` its locale key, ``seen_by`` who may see it, ``kept`` the
    retention the line states (a ``PrivacyRules`` field, or "" when it states none)."""
    kind: str
    line: str
    seen_by: tuple[str, ...]
    kept: str = ""


HOLDINGS: tuple[Holding, ...] = (
    Holding("roster", "privacy.notice_roster",
            (Role.PARTY_MEMBER.value, Role.BRANCH_SECRETARY.value, Role.COLLEGE_COMMITTEE.value,
             Role.ADMIN.value)),
    Holding("accounts", "privacy.notice_accounts", (SYSTEM,)),
    Holding("concerns", "privacy.notice_concerns",
            (Role.PARTY_MEMBER.value, Role.BRANCH_SECRETARY.value, Role.COLLEGE_COMMITTEE.value,
             Role.FUNCTIONAL_CONTACT.value, Role.ADMIN.value), "retention_days"),
    Holding("anonymous", "privacy.notice_anonymous", (Role.IDENTITY_SUPERVISOR.value,)),
    Holding("crisis", "privacy.notice_crisis",
            (Role.CRISIS_TEAM.value, Role.COUNSELLOR.value, Role.PSYCH_CENTRE.value),
            "retention_days"),
    Holding("messages", "privacy.notice_messages", (SYSTEM,), "message_days"),
    Holding("surveys", "privacy.notice_surveys", (Role.ADMIN.value,)),
    Holding("audit", "privacy.notice_audit", (Role.ADMIN.value,)),
)


def _line(holding: Holding, rules: PrivacyRules) -> JSON:
    if not holding.kept:
        return t(holding.line)
    days = getattr(rules, holding.kept)
    return t(holding.line, days=t("unit.days", count=days))


def privacy_notice(rules: PrivacyRules) -> Reply:
    """The notice every account gets once, before its first concern."""
    return Reply("privacy.notice", {
        "items": [_line(h, rules) for h in HOLDINGS],
        "rights": t("privacy.notice_rights",
                    hours=t("privacy.n_hours", count=rules.export_hours))})
