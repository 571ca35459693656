"""A roster change (storage/people/roster/diff.py ImportReport) as lines for the officer:
the counts of every sheet, then who and what for the first few of each list.

Every line goes through the locale files (``roster_cli.*``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.people.roster import RosterProblem
from core.privacy.notice import ROLE_NAMES
from locales import Catalog
from storage.people.roster.diff import ImportReport, PersonRef

#: How many names each list shows on screen (the report workbook has them all).
SHOWN = 10

SHEET_KEYS = {
    "units": "roster_cli.sheet_units", "people": "roster_cli.sheet_people",
    "roles": "roster_cli.sheet_roles", "zones": "roster_cli.sheet_zones",
    "calendar": "roster_cli.sheet_calendar", "reception": "roster_cli.sheet_reception",
    "reception_dates": "roster_cli.sheet_reception_dates",
    "contact_units": "roster_cli.sheet_contact_units",
}
#: A person's fields (storage/people/roster/diff.py Update) as the officer reads them.
FIELD_KEYS = {
    "name": "roster_cli.field_name", "kind": "roster_cli.field_kind",
    "unit_id": "roster_cli.field_unit_id", "grade": "roster_cli.field_grade",
    "class_name": "roster_cli.field_class_name",
    "dorm_building": "roster_cli.field_dorm_building",
    "dorm_room": "roster_cli.field_dorm_room", "phone": "roster_cli.field_phone",
    "verified": "roster_cli.field_verified",
}
#: A reception date override's action as the officer reads it.
ACTION_KEYS = {"cancel": "roster_cli.action_cancel", "move": "roster_cli.action_move",
               "extra": "roster_cli.action_extra"}


class DiffText:
    """``reportable``: the command has ``--report`` (the lists point to it for the rest)."""

    def __init__(self, catalog: Catalog, locale: str, *, reportable: bool = True) -> None:
        self.catalog, self.locale, self.reportable = catalog, locale, reportable

    def text(self, key: str, params: Mapping[str, object] | None = None) -> str:
        return self.catalog.render_plain(self.locale, key, params)

    def sheet_name(self, sheet: str) -> str:
        return self.text(SHEET_KEYS[sheet])

    def problem(self, p: RosterProblem) -> str:
        """A file's problem or warning as one line: where, then what."""
        key = ("roster_cli.where_sheet" if not p.line else
               "roster_cli.where_line" if not p.column else "roster_cli.where_cell")
        where = self.text(key, {"sheet": p.sheet, "line": p.line, "column": p.column})
        return self.text("roster_cli.problem_line", {
            "where": where, "text": self.text(p.key, p.params)})

    def lines(self, report: ImportReport, *, only: Sequence[str] | None = None) -> list[str]:
        """The counts of each sheet (``only`` these, and any other that changed), then
        the lists."""
        out = []
        for sheet, c in report.sheets():
            if only is not None and sheet not in only and not c.changed:
                continue
            params: dict[str, object] = {
                "sheet": self.sheet_name(sheet), "created": c.created, "updated": c.updated,
                "unchanged": c.unchanged, "deactivated": c.deactivated, "removed": c.removed}
            if sheet == "people":
                out.append(self.text("roster_cli.people_line",
                                     {**params, "moved": len(report.changes.moved)}))
            else:
                out.append(self.text("roster_cli.sheet_line", params))
        return out + self.lists(report)

    def lists(self, report: ImportReport) -> list[str]:
        ch = report.changes
        out: list[str] = []
        out += self._block("roster_cli.created_people", self._people(ch.created_people),
                           report.people.created)
        out += self._block("roster_cli.updated_people", [self.text("roster_cli.update_line", {
            "number": u.number, "name": u.name, "unit": u.unit,
            "fields": self.fields(u.fields)}) for u in ch.updated_people[:SHOWN]],
            len(ch.updated_people))
        out += self._block("roster_cli.reactivated_people", self._people(ch.reactivated_people),
                           len(ch.reactivated_people))
        out += self._block("roster_cli.moved_people", [self.text("roster_cli.move_line", {
            "number": m.number, "name": m.name, "old": m.old_unit, "new": m.new_unit})
            for m in ch.moved[:SHOWN]], len(ch.moved))
        out += self._block("roster_cli.deactivated_people", self._people(ch.deactivated_people),
                           len(ch.deactivated_people))
        out += self._block("roster_cli.removed_roles", [self.text("roster_cli.role_line", {
            "number": r.number, "name": r.name, "role": self.role(r.role), "unit": r.unit})
            for r in ch.removed_roles[:SHOWN]], len(ch.removed_roles))
        for key, named in (("roster_cli.deactivated_units", ch.deactivated_units),
                           ("roster_cli.deactivated_zones", ch.deactivated_zones),
                           ("roster_cli.cleared_deputies", ch.cleared_deputies)):
            out += self._block(key, [self.text("roster_cli.named_line", {
                "code": n.code, "name": n.name}) for n in named[:SHOWN]], len(named))
        out += self._block("roster_cli.removed_days", [self.text("roster_cli.day_line", {
            "day": d.day, "status": self.status(d.working), "label": d.label}).rstrip()
            for d in ch.removed_days[:SHOWN]], len(ch.removed_days))
        out += self._block("roster_cli.deactivated_schedules", [
            self.text("roster_cli.schedule_line", {
                "code": r.code, "number": r.number, "name": r.name, "place": r.place})
            for r in ch.deactivated_schedules[:SHOWN]], len(ch.deactivated_schedules))
        out += self._block("roster_cli.removed_contacts", [
            self.text("roster_cli.contact_line", {
                "number": p.number, "name": p.name, "unit": p.unit})
            for p in ch.removed_contacts[:SHOWN]], len(ch.removed_contacts))
        out += self._block("roster_cli.removed_dates", [self.text("roster_cli.date_line", {
            "schedule": d.schedule, "day": d.day, "action": self.action(d.action)})
            for d in ch.removed_dates[:SHOWN]], len(ch.removed_dates))
        return out

    def action(self, action: str) -> str:
        """cancel / move / extra in the officer's words."""
        return self.text(ACTION_KEYS[action]) if action in ACTION_KEYS else action

    def role(self, role: str) -> str:
        """A role's code (party_member, leader, ...) as the officer's word for it."""
        return self.text(ROLE_NAMES[role]) if role in ROLE_NAMES else role

    def status(self, working: bool) -> str:
        """A calendar day's status: a working day or not."""
        return self.text("calendar.open" if working else "calendar.closed")

    def fields(self, fields: Sequence[str]) -> str:
        """A person's changed fields in the officer's words, e.g. "电话、宿舍楼"."""
        return self.text("roster_cli.list_separator").join(
            self.text(FIELD_KEYS[f]) if f in FIELD_KEYS else f for f in fields)

    def _block(self, key: str, lines: list[str], total: int) -> list[str]:
        """A list's heading with its count, its first lines and how many more."""
        if not total:
            return []
        return [self.text(key, {"count": total}), *lines, *self._more(total)]

    def _people(self, people: Sequence[PersonRef]) -> list[str]:
        return [self.text("roster_cli.person_line", {
            "number": p.number, "name": p.name, "unit": p.unit}) for p in people[:SHOWN]]

    def _more(self, total: int) -> list[str]:
        if total <= SHOWN:
            return []
        # Seeding (`run --seed-if-empty`) has no --report: only how many more.
        key = "roster_cli.more" if self.reportable else "roster_cli.more_plain"
        return [self.text(key, {"count": total - SHOWN})]

    def shares(self, report: ImportReport, max_share: float) -> str:
        """The kinds over the share, e.g. "人员 32500/32800（99%）、单位 …"."""
        return self.text("roster_cli.list_separator").join(
            self.text("roster_cli.share_item", {
                "kind": self.sheet_name(kind), "n": n, "total": total,
                "percent": f"{n / total:.0%}" if total else "100%"})
            for kind, n, total in report.over_share(max_share))
