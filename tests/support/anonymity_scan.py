"""The attacker of an anonymous survey (tests/e2e/test_survey_anonymity.py): someone who can
read the whole database (every table and column, SQLite's rowid order where a table has
one), the bot's log records and the web chat's stored events, and tries to tell which
response is whose.

``read_sqlite`` takes the snapshot (the tables from the SQLAlchemy metadata and from
``sqlite_master``); ``scan`` looks for join paths and returns ``Finding``s, each naming the
person and the response it would link when it can. What the attacker works from is only
the snapshot: the respondents are the survey's participation rows, the "markers" of a
response are the answer texts that only that response holds (and its id). The test knows
the truth (who wrote which response) and uses it only to judge the findings (``linked``)
and the order attack.

Categories:

- ``row``: one row (or log record, or web event) holds both a person identifier (a column
  referencing ``people.id`` or ``channel_identities.id``, a person id under a person key in
  JSON, the person's number, name, phone, chat id or external id) and a response's marker
  or id;
- ``key``: a value of a response (other than its survey, day, answers and groups) found
  in any other table: its id anywhere, a referencing column in a column with the same
  referent;
- ``time``: a response or participation column with a time finer than the day (a
  DATETIME/TIME column, a date value with a time, a time of day in a response's values);
- ``order``: an order of the responses (physical or rowid order, or by any one column
  without ties) that pairs them with the respondents in an order of theirs
  (participation's physical or rowid order or any of its columns; each person's first or
  last row of every other table, and of the inbox's redacted and the outbox's sealed rows,
  by rowid or any column: the submit press's inbox row, its replies, ...) better than
  chance, either way round: so many right pairs have a chance under ``ALPHA`` in a random
  pairing. With ten respondents only all ten right counts (2.8e-7 by chance); the random
  response ids are compared with about a dozen person orders, so a false alarm is about
  one run in 300,000;
- ``echo``: a response's marker or id outside the responses and the survey's own
  definition: any other table (inbox payloads, outbox replies, conversations, the audit
  log, drafts, ...), a log record, a web chat event;
- ``group``: a response whose groups (college, branch, kind, grade) match exactly one
  respondent.

Two known residuals are apart, reported and not counted by ``scan``: ``shape_attack`` (the
number and kinds of a person's redacted inbox and sealed outbox rows against what each
response's answers took) and ``page_order_attack`` (the file: the cells' places in a
WITHOUT ROWID page keep the insertion order that the rowid would have). Not read: a
deleted row's bytes in the file (this Debian build of SQLite deletes securely), the WAL
file, and on PostgreSQL the system columns ``ctid`` and ``xmin``.
"""
from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from math import comb, factorial
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
def scan(snap: Snapshot, truth: dict[int, str]) -> list[Finding]:
    """Every join path the attacker finds. ``truth`` (person id -> response id) is used only
    to judge the order attack (which pairs an order makes right)."""
    people = respondents(snap)
    ident = Identifier(people)
    marks = markers(snap)
    found = _rows_and_echoes(snap, ident, marks)
    found += _keys(snap, ident)
    found += _times(snap)
    found += _orders(snap, people, ident, truth)
    found += _groups_attack(snap, people)
    return found


def _places(snap: Snapshot) -> Iterator[tuple[str, Table | None, dict[str, Any] | None, str]]:
    """Everything the attacker reads: (where, its table or None, the row or None, text)."""
    for table in snap.tables.values():
        for i, row in enumerate(table.rows):
            rowid = table.rowids[i] if table.rowids is not None else None
            yield f"{table.name}[{rowid if rowid is not None else i}]", table, row, _text(row)
    for i, text in enumerate(snap.logs):
        yield f"log[{i}]", None, None, text
    for i, text in enumerate(snap.web_events):
        yield f"web_event[{i}]", None, None, text


def _rows_and_echoes(snap: Snapshot, ident: Identifier,
                     marks: dict[str, set[str]]) -> list[Finding]:
    out = []
    for where, table, row, text in _places(snap):
        held = [(rid, m) for rid, ms in marks.items() for m in ms if m in text]
        if not held:
            continue
        who = ident.in_row(table, row) if table is not None else ident.in_text(text)
        for pid in sorted(who):
            out += [Finding("row", where, pid, rid, m) for rid, m in held]
        if table is None or table.name not in ECHO_EXEMPT:
            out += [Finding("echo", where, min(who) if len(who) == 1 else None, rid, m)
                    for rid, m in held]
    return out


def _keys(snap: Snapshot, ident: Identifier) -> list[Finding]:
    rs = responses(snap)
    resp = snap.tables["survey_responses"]
    out = []
    for col in resp.types:
        if col in NOT_KEYS:
            continue
        values = [r[col] for r in rs]
        for r in rs:
            v = r[col]
            if v is None or values.count(v) > 1:
                continue  # not a key: shared by several responses
            ref = resp.refs.get(col)
            if ref == f"survey_responses.{col}":
                ref = None  # its own id: looked for anywhere, as text
            for table in snap.tables.values():
                if table is resp:
                    continue
                for i, row in enumerate(table.rows):
                    if ref is None and not (isinstance(v, str) and len(v) >= 8
                                            and v in _text(row)):
                        continue
                    hit = [c for c, x in row.items()
                           if (ref is not None and table.refs.get(c) == ref and x == v)
                           or (ref is None and v in _text(x))]
                    if hit:
                        who = ident.in_row(table, row) or {None}
                        out += [Finding("key", f"{table.name}[{i}].{hit[0]}", pid, r["id"],
                                        f"survey_responses.{col}") for pid in who]
    return out


def _times(snap: Snapshot) -> list[Finding]:
    out = []
    for name in ("survey_responses", "survey_participation"):
        table = snap.tables[name]
        for col, kind in table.types.items():
            if any(k in kind for k in ("DATETIME", "TIMESTAMP", "TIME")):
                out.append(Finding("time", f"{name}.{col}", None, None, kind))
        for row in table.rows:
            for col, value in row.items():
                if table.types[col] == "DATE" and value is not None and len(str(value)) > 10:
                    out.append(Finding("time", f"{name}.{col}", None, row.get("id"), str(value)))
                elif name == "survey_responses" and col != "id" and \
                        TIME_OF_DAY.search(" ".join(_strings(value))):
                    out.append(Finding("time", f"{name}.{col}", None, row["id"], str(value)))
    return out


# ---------------------------------------------------------------------------- orders
Order = tuple[Any, ...]  # items (response ids or person ids) in order; a strict order only


def _strict(items: list[tuple[Any, Any]]) -> Order | None:
    """The items sorted by their keys; None when two keys tie or a key is missing."""
    keys = [k for k, _ in items]
    if any(k is None for k in keys) or len(set(map(_text, keys))) < len(keys):
        return None
    return tuple(x for _, x in sorted(items, key=lambda kx: _sortable(kx[0])))


def _sortable(key: Any) -> tuple[int, Any]:
    return (0, key) if isinstance(key, int | float) else (1, _text(key))


def _table_orders(table: Table, rows: list[tuple[int, dict[str, Any]]],
                  item: str) -> dict[str, Order]:
    """Orders of ``rows`` (index, row) by physical position, rowid and each column, as the
    rows' ``item`` column."""
    out: dict[str, Order] = {f"{table.name} physical": tuple(r[item] for _, r in rows)}
    if table.rowids is not None:
        o = _strict([(table.rowids[i], r[item]) for i, r in rows])
        if o:
            out[f"{table.name} rowid"] = o
    for col in table.types:
        o = _strict([(r[col], r[item]) for _, r in rows])
        if o:
            out[f"{table.name} by {col}"] = o
    return out


def person_orders(snap: Snapshot, people: dict[int, Person],
                  ident: Identifier) -> dict[str, Order]:
    """Orders of the respondents: participation's rows, and each person's first or last
    row of every other table (of the inbox's redacted and the outbox's sealed rows too)
    by rowid and by each column."""
    part = snap.tables["survey_participation"]
    mine = [(i, r) for i, r in enumerate(part.rows) if r["survey_id"] == snap.survey_id]
    out = _table_orders(part, mine, "person_id")
    subsets = {"inbox": "redacted", "outbox": "sealed"}
    for table in snap.tables.values():
        if table.name == "survey_responses":
            continue
        whose = [ident.in_row(table, row) for row in table.rows]
        for subset in ("", subsets[table.name]) if table.name in subsets else ("",):
            per: dict[int, list[int]] = {p: [] for p in people}
            for i, row in enumerate(table.rows):
                if len(whose[i]) == 1 and (not subset or f'"{subset}": true' in _text(row)):
                    per[next(iter(whose[i]))].append(i)
            cols = ["rowid", *table.types] if table.rowids is not None else list(table.types)
            for col in cols:
                for pick, fn in (("first", min), ("last", max)):
                    keys = []
                    for pid, rows in per.items():
                        vals = [v for v in (_cell(table, i, col) for i in rows) if v is not None]
                        keys.append((fn(vals, key=_sortable) if vals else None, pid))
                    o = _strict(keys)
                    if o:
                        name = f"{pick} {subset}{' ' if subset else ''}{table.name}"
                        out[f"{name} row by {col}"] = o
    return out


def _cell(table: Table, i: int, col: str) -> Any:
    if col == "rowid":
        assert table.rowids is not None
        return table.rowids[i]
    return table.rows[i][col]


def chance(n: int, right: int) -> float:
    """P(a random pairing of n with n gets at least ``right`` pairs right)."""
    def exactly(k: int) -> int:  # permutations of n with exactly k fixed points
        m = n - k
        derange = sum((-1) ** j * factorial(m) // factorial(j) for j in range(m + 1))
        return comb(n, k) * derange
    return sum(exactly(k) for k in range(right, n + 1)) / factorial(n)


def _orders(snap: Snapshot, people: dict[int, Person], ident: Identifier,
            truth: dict[int, str]) -> list[Finding]:
    resp = snap.tables["survey_responses"]
    mine = [(i, r) for i, r in enumerate(resp.rows) if r["survey_id"] == snap.survey_id]
    r_orders = _table_orders(resp, mine, "id")
    p_orders = person_orders(snap, people, ident)
    n = len(mine)
    out = []
    for rname, ro in _distinct(r_orders).items():
        for pname, po in _distinct(p_orders).items():
            if len(ro) != n or len(po) != n or n < 3:
                continue
            for way, pairs in (("", zip(po, ro, strict=True)),
                               (" reversed", zip(po, reversed(ro), strict=True))):
                right = [pid for pid, rid in pairs if truth.get(pid) == rid]
                if right and chance(n, len(right)) < ALPHA:
                    out += [Finding("order", f"{rname} ~ {pname}{way}", pid, truth[pid],
                                    f"{len(right)}/{n} right") for pid in right]
    return out


def _distinct(orders: dict[str, Order]) -> dict[str, Order]:
    """One name per distinct order (the names of the same order joined)."""
    by: dict[Order, list[str]] = {}
    for name, o in orders.items():
        by.setdefault(o, []).append(name)
    return {" = ".join(names): o for o, names in by.items()}


def order_count(snap: Snapshot, people: dict[int, Person]) -> tuple[int, int]:
    """How many distinct response orders and person orders the attack compares."""
    rs = snap.tables["survey_responses"]
    mine = [(i, r) for i, r in enumerate(rs.rows) if r["survey_id"] == snap.survey_id]
    return (len(_distinct(_table_orders(rs, mine, "id"))),
            len(_distinct(person_orders(snap, people, Identifier(people)))))


def _groups_attack(snap: Snapshot, people: dict[int, Person]) -> list[Finding]:
    out = []
    for r in responses(snap):
        g = (r["college"], r["branch"], r["person_kind"], r["grade"])
        fits = [pid for pid, p in people.items() if p.groups == g]
        if len(fits) == 1:
            out.append(Finding("group", "survey_responses groups", fits[0], r["id"], str(g)))
    return out


# ---------------------------------------------------------------------------- the shape
def shape_attack(snap: Snapshot, truth: dict[int, str]) -> list[Finding]:
    """KNOWN RESIDUAL, not part of ``scan``: the traffic's shape. A redacted inbox row
    keeps its kind, a sealed outbox row its kind and ``edit_of``; so each person's number
    of presses and of typed answers can be counted (the inbox for as long as it keeps
    handled rows, the outbox for as long as it keeps sealed ones), and each response's
    answers say how many of each it took (a choice is a press, a multiple choice its
    picks and "next", a skipped optional question "next", a text one message; plus open
    and submit). A response whose shape no other response has is linked. ``truth`` is
    not used: the shape is matched blindly."""
    del truth
    people = respondents(snap)
    ident = Identifier(people)
    (survey,) = [r for r in snap.tables["surveys"].rows if r["id"] == snap.survey_id]
    want: dict[tuple[int, int], list[str]] = {}
    for r in responses(snap):
        want.setdefault(_answer_shape(survey["definition"], r["answers"]), []).append(r["id"])
    out = []
    for source in ("inbox", "outbox"):
        table = snap.tables[source]
        counts = {pid: [0, 0] for pid in people}
        for row in table.rows:
            who = ident.in_row(table, row)
            if len(who) != 1:
                continue
            c = counts[next(iter(who))]
            if source == "inbox" and row["payload"].get("redacted"):
                c[0 if row["payload"].get("kind") == "callback" else 1] += 1
            elif source == "outbox" and row["reply"].get("sealed"):
                if row["reply"].get("kind") == "callback_answer":
                    c[0] += 1
                elif row["reply"].get("edit_of") is None:
                    c[1] += 1  # a new message: the first question, or the step after a text
        for pid, (presses, messages) in counts.items():
            shape = (presses, messages - 1) if source == "outbox" else (presses, messages)
            fits = want.get(shape, [])
            if len(fits) == 1:
                out.append(Finding("shape", source, pid, fits[0], str(shape)))
    return out


def _answer_shape(definition: Any, answers: dict[str, Any]) -> tuple[int, int]:
    """(presses, typed messages) that answering so takes, straight through."""
    from core.surveys.data import survey_of
    from core.surveys.model import QuestionKind, visible

    presses, typed = 2, 0  # open and submit
    for q in visible(survey_of(definition), answers):
        a = answers.get(q.id)
        if q.kind is QuestionKind.TEXT and a:
            typed += 1
        elif q.kind is QuestionKind.MULTIPLE and a:
            presses += len(a) + 1
        else:
            presses += 1  # a choice, a rating, or "next" past a skipped question
    return presses, typed


# ---------------------------------------------------------------------------- the file
def page_order_attack(path: str, snap: Snapshot, truth: dict[int, str]) -> list[Finding]:
    """KNOWN RESIDUAL, not part of ``scan``: the database file itself. A WITHOUT ROWID
    table's leaf page lists its cells in key order, but SQLite writes each new cell below
    the earlier ones in the page's content area, so the cells' offsets keep the order they
    were inserted in (until the page is rebuilt: a split, a defragmentation, VACUUM). Read
    from the file, responses and participation rows come out in insertion order and pair
    up. Only a table that fits its root page is read (a small survey's)."""
    orders = []
    for name, item in (("survey_responses", "id"), ("survey_participation", "person_id")):
        rows = snap.tables[name].rows
        if any(r["survey_id"] != snap.survey_id for r in rows):
            return []
        offsets = _leaf_cell_offsets(path, name)
        if offsets is None or len(offsets) != len(rows):
            return []
        # cells in key order = the rows' physical order; highest offset = written first
        orders.append([r[item] for _, r in sorted(zip(offsets, rows, strict=True),
                                                  key=lambda o_r: -o_r[0])])
    responses_, persons = orders
    right = [pid for pid, rid in zip(persons, responses_, strict=True) if truth.get(pid) == rid]
    if not right or chance(len(persons), len(right)) >= ALPHA:
        return []
    return [Finding("page", f"{path} cell offsets", pid, truth[pid],
                    f"{len(right)}/{len(persons)} right") for pid in right]


def _leaf_cell_offsets(path: str, table: str) -> list[int] | None:
    """The cell offsets of ``table``'s root page in key order, if that page is a leaf."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                               (table,)).fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    with open(path, "rb") as f:
        f.seek((root - 1) * size)
        page = f.read(size)
    if page[0] not in (0x0A, 0x0D):  # a leaf index (WITHOUT ROWID) or table b-tree page
        return None
    cells = int.from_bytes(page[3:5], "big")
    return [int.from_bytes(page[8 + 2 * i:10 + 2 * i], "big") for i in range(cells)]


# ---------------------------------------------------------------------------- judging
def linked(findings: list[Finding], truth: dict[int, str], category: str | None = None
           ) -> set[int]:
    """The people a finding (of ``category``, or any) pairs with their own response."""
    return {f.person for f in findings if f.person is not None
            and (category is None or f.category == category)
            and truth.get(f.person) == f.response}


def with_row(snap: Snapshot, table: str, index: int, **values: Any) -> Snapshot:
    """A copy of the snapshot with one row changed (to plant a leak)."""
    tables = dict(snap.tables)
    t = tables[table]
    rows = list(t.rows)
    rows[index] = {**rows[index], **values}
    tables[table] = replace(t, rows=rows)
    return replace(snap, tables=tables)
