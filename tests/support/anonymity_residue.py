"""The two residual links the anonymity test pins (docs/decisions/0020), apart from the
table attacks of ``anonymity_scan``: the shape of a person's traffic (how many presses and
typed answers) and the insertion order SQLite's pages keep in the database file."""
from __future__ import annotations

import sqlite3
from typing import Any


from tests.support.anonymity_scan import chance
from tests.support.anonymity_snapshot import ALPHA, Finding, Identifier, Snapshot, \
    respondents, responses


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
