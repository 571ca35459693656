"""The privacy scan (tests/e2e/test_privacy_scan.py): someone who reads every row of every
table (JSON columns decoded), every log record the process emitted and every file of the
upload folder (names and bytes), looking for one person's identifying values and for any
row that points at the person (a column referencing ``people.id``, or a person key in a
JSON detail). ``allowed`` says which rows may still name them (what is kept on purpose:
the roster row, say), ``held`` which columns of a row may (a conversation's chat id, not
its data); everything else it finds is a ``Hit``."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

from storage.db import make_engine

#: JSON keys whose integer value names a person
PERSON_KEYS = {"person", "person_id", "actor", "actor_id", "requester", "requester_id",
               "member_id", "by", "code_person_id"}

Row = dict[str, Any]
Allowed = Callable[[str, Row], bool]
Held = Callable[[str, Row], Iterable[str]]


@dataclass(frozen=True)
class Hit:
    where: str
    what: str


@dataclass
class Snapshot:
    tables: dict[str, list[Row]]
    refs: dict[str, dict[str, str]]   # table -> column -> "table.column" it references
    logs: list[str]
    files: dict[str, bytes]           # path relative to the upload folder -> bytes


async def snapshot(db_url: str, logs: Iterable[str], upload_dir: Path) -> Snapshot:
    """Every table the database has (reflected, so none is missed), every row."""
    engine = make_engine(db_url)
    try:
        meta = MetaData()
        async with engine.connect() as conn:
            await conn.run_sync(meta.reflect)
            tables = {}
            for table in meta.sorted_tables:
                rows = (await conn.execute(select(table))).mappings().all()
                # in a stable order: PostgreSQL's heap order may change with an update
                tables[table.name] = sorted((_decoded(dict(r)) for r in rows), key=_text)
        refs = {t.name: {c.name: fk.target_fullname for c in t.columns for fk in c.foreign_keys}
                for t in meta.sorted_tables}
    finally:
        await engine.dispose()
    files = {str(p.relative_to(upload_dir)): p.read_bytes()
             for p in sorted(upload_dir.rglob("*")) if p.is_file()} if upload_dir.is_dir() else {}
    return Snapshot(tables, refs, list(logs), files)


def _decoded(row: Row) -> Row:
    for k, v in row.items():
        if isinstance(v, str) and v[:1] in "{[":
            try:
                row[k] = json.loads(v)
            except ValueError:
                pass
    return row


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _patterns(values: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """A value found as a whole word (a number inside a longer one is not it)."""
    return {label: re.compile(rf"(?<![0-9A-Za-z_]){re.escape(v)}(?![0-9A-Za-z_])")
            for label, v in values.items()}


def _points_at(value: Any, person_id: int, key: str = "") -> bool:
    if isinstance(value, dict):
        return any(_points_at(v, person_id, str(k)) for k, v in value.items())
    if isinstance(value, list):
        return any(_points_at(v, person_id, key) for v in value)
    return key in PERSON_KEYS and value == person_id and not isinstance(value, bool)


def scan(snap: Snapshot, values: dict[str, str], person_id: int, *,
         allowed: Allowed = lambda table, row: False,
         held: Held = lambda table, row: (),
         contents: dict[str, bytes] | None = None) -> list[Hit]:
    """Where the person is still found: ``values`` (label -> text) in rows, logs, file
    names and file bytes (UTF-8), ``contents`` (label -> bytes) in files, and rows that
    point at ``person_id``; a row's ``held`` columns are not looked at."""
    found: list[Hit] = []
    patterns = _patterns(values)
    for name, rows in snap.tables.items():
        refs = snap.refs.get(name, {})
        for i, row in enumerate(rows):
            if allowed(name, row):
                continue
            where = f"{name}[{row.get('id', i)}]"
            skipped = set(held(name, row))
            row = {k: v for k, v in row.items() if k not in skipped}
            text = _text(row)
            found += [Hit(where, label) for label, p in patterns.items() if p.search(text)]
            for col, value in row.items():
                if (refs.get(col) == "people.id" and value == person_id) or \
                        _points_at(value, person_id, col if refs.get(col) is None else ""):
                    found.append(Hit(f"{where}.{col}", "person id"))
    for i, record in enumerate(snap.logs):
        found += [Hit(f"log[{i}]", label) for label, p in patterns.items() if p.search(record)]
    for path, data in snap.files.items():
        found += [Hit(f"file {path}", label) for label, v in values.items()
                  if v in path or v.encode() in data]
        found += [Hit(f"file {path}", label) for label, c in (contents or {}).items()
                  if c in data]
    return found


def labels(hits: Iterable[Hit]) -> set[str]:
    return {h.what for h in hits}
