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

Two known residuals are apart, in ``anonymity_residue``, not counted by ``scan``: ``shape_attack`` (the
number and kinds of a person's redacted inbox and sealed outbox rows against what each
response's answers took) and ``page_order_attack`` (the file: the cells' places in a
WITHOUT ROWID page keep the insertion order that the rowid would have). Not read: a
deleted row's bytes in the file (the bot's connections set ``secure_delete``), the WAL
file, and on PostgreSQL the system columns ``ctid`` and ``xmin``.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from math import comb, factorial
from typing import Any

from tests.support.anonymity_snapshot import (
    ALPHA,
    ECHO_EXEMPT,
    Finding,
    Identifier,
    LogRecords,
    NOT_KEYS,
    Person,
    Snapshot,
    TIME_OF_DAY,
    Table,
    _strings,
    _text,
    markers,
    read_sqlite,
    respondents,
    responses,
)

#: the attacker's API: ``scan`` and its helpers here, what it reads from the snapshot module
__all__ = ["Finding", "Identifier", "LogRecords", "Snapshot", "Table", "chance", "linked",
           "markers", "order_count", "person_orders", "read_sqlite", "respondents",
           "responses", "scan", "with_row"]



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
