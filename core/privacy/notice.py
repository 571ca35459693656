"""The privacy notice (PIPL 告知; docs/decisions/0027) as data: what is collected, who sees
it, how long it is kept and how a person uses their rights, one line per kind of data.
The times come from ``PrivacyRules`` (``[privacy]``), so the notice says what the sweeps
do and cannot drift from them; who sees each kind is its ``seen_by``, named on its line
in the roles' words (``ROLE_NAMES``)."""
from __future__ import annotations

from dataclasses import dataclass

from core.model import Role
from core.privacy.policy import PrivacyRules
from core.replies import Reply, t
from core.types import JSON

#: who may see a kind of data besides the person: roles, or the bot alone ("system")
SYSTEM = "system"
#: each role's name, as the notice and the /mydata summary say it
ROLE_NAMES = {
    Role.STUDENT.value: "privacy.role_student", Role.STAFF.value: "privacy.role_staff",
    Role.PARTY_MEMBER.value: "privacy.role_party_member",
    Role.BRANCH_SECRETARY.value: "privacy.role_branch_secretary",
    Role.COLLEGE_COMMITTEE.value: "privacy.role_college_committee",
    Role.COUNSELLOR.value: "privacy.role_counsellor",
    Role.PSYCH_CENTRE.value: "privacy.role_psych_centre",
    Role.CRISIS_TEAM.value: "privacy.role_crisis_team",
    Role.FUNCTIONAL_CONTACT.value: "privacy.role_functional_contact",
    Role.DISCIPLINE_CONTACT.value: "privacy.role_discipline_contact",
    Role.IDENTITY_SUPERVISOR.value: "privacy.role_identity_supervisor",
    Role.LEADER.value: "privacy.role_leader", Role.ADMIN.value: "privacy.role_admin"}


@dataclass(frozen=True)
class Holding:
    """One kind of data: ``line`` its locale key, ``seen_by`` who may see it (its roles are
    the line's ``{who}``; ``SYSTEM`` alone: the line says so in words), ``kept`` the
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
    Holding("reception", "privacy.notice_reception", (Role.LEADER.value, Role.ADMIN.value),
            "retention_days"),
    Holding("messages", "privacy.notice_messages", (SYSTEM,), "message_days"),
    Holding("surveys", "privacy.notice_surveys", (Role.ADMIN.value,)),
    Holding("audit", "privacy.notice_audit", (Role.ADMIN.value,)),
)


def role_list(roles: tuple[str, ...]) -> JSON:
    """Role names joined as a sentence says them ("a、b和c", "a, b and c")."""
    names = [t(ROLE_NAMES.get(r, r)) for r in roles]
    said = names[0]
    for i, name in enumerate(names[1:], start=2):
        said = t("privacy.who_last" if i == len(names) else "privacy.who_more", a=said, b=name)
    return said


def _line(holding: Holding, rules: PrivacyRules) -> JSON:
    params: dict[str, JSON] = {}
    roles = tuple(r for r in holding.seen_by if r != SYSTEM)
    if roles:
        params["who"] = role_list(roles)
    if holding.kept:
        params["days"] = t("unit.days", count=getattr(rules, holding.kept))
    return t(holding.line, **params)


def privacy_notice(rules: PrivacyRules) -> Reply:
    """The notice every account gets once, before its first concern."""
    return Reply("privacy.notice", {
        "items": [_line(h, rules) for h in HOLDINGS],
        "rights": t("privacy.notice_rights",
                    hours=t("privacy.n_hours", count=rules.export_hours))})
