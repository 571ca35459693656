"""Attacks beyond the table scan of ``anonymity_scan`` (docs/decisions/0020, 0023): the
shape of a person's traffic (how many presses and typed answers, counted from their inbox
and outbox rows), the steps their conversation's version counted, and the insertion
order SQLite's pages keep in the database file. Each was a residual link once; the
anonymous run must now find nothing, and each is shown to work where the link exists
(the named control, or the file copied before the mix)."""
from __future__ import annotations

import sqlite3
from typing import Any


from tests.support.anonymity_scan import chance
from tests.support.anonymity_snapshot import ALPHA, Finding, Identifier, Snapshot, \
    respondents, responses


def shape_attack(snap: Snapshot, truth: dict[int, str]) -> list[Finding]:
    """The traffic's shape: where a redacted inbox row still named its chat and kind, or
    a sealed outbox row stayed after it was sent (with its chat, kind and ``edit_of``),
    each person's number of presses and of typed answers could be counted, and each
    response's answers say how many of each it took (a choice is a press, a multiple
    choice its picks and "next", a skipped optional question "next", a text one message;
    plus open and submit). A response whose shape no other response has is linked.
    ``truth`` is not used: the shape is matched blindly."""
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


# ------------------------------------------------------------ the conversation's version
def version_attack(snap: Snapshot) -> dict[str, tuple[int, dict[int, set[str]]]]:
    """A conversation's version goes up by one at every step of a flow, so after a survey
    it is where it started plus the steps the answers took (``_answer_shape``): people of
    one channel start alike. Per channel the attacker tries every offset that puts some
    person's version minus it on some response's step count, keeps the offset that
    lines up the most people, and gives each lined-up person the responses with that many
    steps (their candidates; one candidate is a link). Returns, per channel, how many of
    its respondents have a conversation and the candidates at the best offset. Blind: the
    truth is not used. Where versions count steps, everyone lines up; where each starts
    afresh at random, hardly anyone."""
    people = respondents(snap)
    ident = Identifier(people)
    (survey,) = [r for r in snap.tables["surveys"].rows if r["id"] == snap.survey_id]
    steps: dict[int, set[str]] = {}
    for r in responses(snap):
        steps.setdefault(sum(_answer_shape(survey["definition"], r["answers"])), set()).add(
            r["id"])
    convs = snap.tables["conversations"]
    by_channel: dict[str, dict[int, int]] = {}
    for row in convs.rows:
        who = ident.in_row(convs, row)
        if len(who) == 1:
            by_channel.setdefault(row["channel"], {})[next(iter(who))] = int(row["version"])
    out: dict[str, tuple[int, dict[int, set[str]]]] = {}
    for channel, versions in sorted(by_channel.items()):
        best: dict[int, set[str]] = {}
        for offset in sorted({v - n for v in versions.values() for n in steps}):
            lined = {pid: steps[v - offset] for pid, v in versions.items()
                     if v - offset in steps}
            best = max(best, lined, key=len)
        out[channel] = (len(versions), best)
    return out


# ---------------------------------------------------------------------------- the file
def page_order_attack(path: str, snap: Snapshot, truth: dict[int, str]) -> list[Finding]:
    """The database file itself. A WITHOUT ROWID table's leaf page (and an index's) lists
    its cells in key order, but SQLite writes each new cell below the earlier ones in the
    page's content area, so the cells' offsets keep the order they were inserted in (until
    the page is rebuilt: a split, a defragmentation, VACUUM). Read from the file, the
    responses (their table or any of its indexes) and the participation rows come out in
    insertion order and pair up. Only b-trees that fit their root page are read (a small
    survey's)."""
    if any(r["survey_id"] != snap.survey_id for name in ("survey_responses",
                                                          "survey_participation")
           for r in snap.tables[name].rows):
        return []
    found = _physical_orders(path, snap, "survey_participation", "person_id")
    if not found:
        return []
    (persons,) = found
    out: list[Finding] = []
    for where, responses_ in _physical_orders(path, snap, "survey_responses", "id",
                                              indexes=True, named=True):
        right = [pid for pid, rid in zip(persons, responses_, strict=True)
                 if truth.get(pid) == rid]
        if right and chance(len(persons), len(right)) < ALPHA:
            out += [Finding("page", f"{path} cell offsets of {where}", pid, truth[pid],
                            f"{len(right)}/{len(persons)} right") for pid in right]
    return out


def _physical_orders(path: str, snap: Snapshot, table: str, item: str, *,
                     indexes: bool = False, named: bool = False) -> list[Any]:
    """``table``'s rows (their ``item``) in the order their cells were written, read from
    the table's b-tree and, with ``indexes``, from each of its indexes' (each keyed like
    the table, by the rows' key columns in key order)."""
    rows = snap.tables[table].rows
    key = sorted(rows, key=lambda r: r[item])  # a WITHOUT ROWID b-tree's key order
    names = [table] + (_index_names(path, table) if indexes else [])
    out: list[Any] = []
    for name in names:
        offsets = _leaf_cell_offsets(path, name)
        if offsets is None or len(offsets) != len(rows):
            continue
        # cells in key order; highest offset = written first
        order = [r[item] for _, r in sorted(zip(offsets, key, strict=True),
                                            key=lambda o_r: -o_r[0])]
        out.append((name, order) if named else order)
    return out


def _index_names(path: str, table: str) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))]
    finally:
        conn.close()


def _leaf_cell_offsets(path: str, name: str) -> list[int] | None:
    """The cell offsets of b-tree ``name``'s root page in key order, if it is a leaf."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                               (name,)).fetchone()
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
