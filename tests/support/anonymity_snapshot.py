"""What the anonymity attacker reads (``anonymity_scan``): every table of the database in
physical order with its rowids, the log records and web events, the respondents and how
each is identified, the responses and their answer markers."""
from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.tables import Base

#: an order attack counts when its right pairs are this unlikely in a random pairing
ALPHA = 1e-6
#: response columns that are not keys: shared by design or the answers themselves
NOT_KEYS = {"survey_id", "day", "answers", "college", "branch", "person_kind", "grade"}
#: JSON keys under which an integer names a person (or, ``identity_id``, an identity)
PERSON_KEYS = {"person", "person_id", "actor", "actor_id", "requester", "requester_id",
               "member", "member_id", "by"}
IDENTITY_KEYS = {"identity", "identity_id"}
#: where a response's answer texts legitimately are: the responses, the survey's options
ECHO_EXEMPT = {"survey_responses", "surveys"}
TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}|T\d{2}")


@dataclass
class Table:
    name: str
    types: dict[str, str]               # column -> declared SQLite type
    rows: list[dict[str, Any]]          # in physical order (SELECT without ORDER BY)
    rowids: list[int] | None            # each row's rowid; None: a WITHOUT ROWID table
    refs: dict[str, str] = field(default_factory=dict)  # column -> "table.column" it references


@dataclass
class Person:
    id: int
    tokens: set[str]                    # number, name, phone
    chats: set[str]                     # chat ids and external ids of their identities
    identities: set[int]
    groups: tuple[Any, ...]             # (college, branch, kind, grade) as a response keeps them


@dataclass
class Snapshot:
    survey_id: int
    tables: dict[str, Table]
    logs: list[str] = field(default_factory=list)
    web_events: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    category: str
    where: str
    person: int | None
    response: str | None
    detail: str = ""


# ---------------------------------------------------------------------------- snapshot
def read_sqlite(path: str, survey_id: int, *, logs: Sequence[str] = (),
                web_events: Sequence[str] = ()) -> Snapshot:
    """Every table of the file: those of the metadata and any other ``sqlite_master`` has,
    each in its physical order (rowid order, or a WITHOUT ROWID table's key order)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        master = dict(conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        names = [t.name for t in Base.metadata.sorted_tables]
        names += sorted(n for n in master if n not in names)
        tables = {}
        for name in names:
            sql = master.get(name)
            assert sql is not None, f"table {name} of the metadata is not in the database"
            with_rowid = "WITHOUT ROWID" not in sql.upper()
            info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            types = {r[1]: (r[2] or "").upper() for r in info}
            cols = ", ".join(f'"{c}"' for c in types)
            query = f'SELECT {"rowid, " if with_rowid else ""}{cols} FROM "{name}"' + \
                (" ORDER BY rowid" if with_rowid else "")
            raw = conn.execute(query).fetchall()
            rowids = [r[0] for r in raw] if with_rowid else None
            rows = [dict(zip(types, r[1:] if with_rowid else r, strict=True)) for r in raw]
            tables[name] = Table(name, types, [_decoded(t, types) for t in rows], rowids,
                                 _refs(name))
    finally:
        conn.close()
    return Snapshot(survey_id, tables, list(logs), list(web_events))


def _refs(name: str) -> dict[str, str]:
    table = Base.metadata.tables.get(name)
    if table is None:
        return {}
    out = {c.name: fk.target_fullname for c in table.columns for fk in c.foreign_keys}
    if "id" in table.columns:
        out.setdefault("id", f"{name}.id")  # a table's own id is its referent
    return out


def _decoded(row: dict[str, Any], types: dict[str, str]) -> dict[str, Any]:
    """JSON columns as Python values (the attacker reads them as JSON)."""
    out = dict(row)
    for col, kind in types.items():
        if kind == "JSON" and isinstance(out[col], str):
            try:
                out[col] = json.loads(out[col])
            except ValueError:
                pass
    return out


class LogRecords(logging.Handler):
    """Every log record while attached, as the text a log file would hold."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))


# ---------------------------------------------------------------------------- the people
def respondents(snap: Snapshot) -> dict[int, Person]:
    """The people the participation table says answered the survey."""
    t = snap.tables
    ids = [r["person_id"] for r in t["survey_participation"].rows
           if r["survey_id"] == snap.survey_id]
    units = {u["id"]: u for u in t["org_units"].rows}
    out = {}
    for p in t["people"].rows:
        if p["id"] not in ids:
            continue
        idents = [i for i in t["channel_identities"].rows if i["person_id"] == p["id"]]
        out[p["id"]] = Person(
            p["id"], {str(v) for v in (p["number"], p["name"], p["phone"]) if v},
            {str(v) for i in idents for v in (i["chat_id"], i["external_id"]) if v},
            {i["id"] for i in idents}, _groups(p, units))
    return out


def _groups(person: dict[str, Any], units: dict[int, dict[str, Any]]) -> tuple[Any, ...]:
    unit = units.get(person["unit_id"])
    parent = units.get(unit["parent_id"]) if unit else None
    if unit and unit["kind"] == "branch":
        return (parent["code"] if parent else None, unit["code"], person["kind"], person["grade"])
    college = unit["code"] if unit and unit["kind"] == "college" else None
    return (college, None, person["kind"], person["grade"])


def _chat_re(chat: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9A-Za-z_]){re.escape(chat)}(?![0-9A-Za-z_])")


class Identifier:
    """Which respondents a row, a log record or an event names."""

    def __init__(self, people: dict[int, Person]) -> None:
        self.people = people
        self.chat_res = {pid: [_chat_re(c) for c in p.chats] for pid, p in people.items()}

    def in_text(self, text: str) -> set[int]:
        return {pid for pid, p in self.people.items()
                if any(tok in text for tok in p.tokens)
                or any(r.search(text) for r in self.chat_res[pid])}

    def in_json(self, value: Any, key: str = "") -> set[int]:
        found: set[int] = set()
        if isinstance(value, dict):
            for k, v in value.items():
                found |= self.in_json(v, str(k))
        elif isinstance(value, list):
            for v in value:
                found |= self.in_json(v, key)
        elif isinstance(value, int) and not isinstance(value, bool):
            if key in PERSON_KEYS:
                found |= {pid for pid in self.people if pid == value}
            if key in IDENTITY_KEYS:
                found |= {pid for pid, p in self.people.items() if value in p.identities}
        return found

    def in_row(self, table: Table, row: dict[str, Any]) -> set[int]:
        found = self.in_text(_text(row))
        for col, value in row.items():
            ref = table.refs.get(col)
            if ref == "people.id" and value in self.people:
                found.add(value)
            elif ref == "channel_identities.id":
                found |= {pid for pid, p in self.people.items() if value in p.identities}
            found |= self.in_json(value, col)
        return found


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


# ---------------------------------------------------------------------------- responses
def responses(snap: Snapshot) -> list[dict[str, Any]]:
    return [r for r in snap.tables["survey_responses"].rows if r["survey_id"] == snap.survey_id]


def markers(snap: Snapshot) -> dict[str, set[str]]:
    """Each response's markers: its id and the answer texts (2+ characters) no other
    response of the survey holds."""
    texts: dict[str, set[str]] = {}
    for r in responses(snap):
        texts[r["id"]] = {s for s in _strings(r["answers"]) if len(s) >= 2}
    out = {}
    for rid, own in texts.items():
        others = set().union(*(t for k, t in texts.items() if k != rid))
        out[rid] = {rid} | (own - others)
    return out


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# ---------------------------------------------------------------------------- the scan
