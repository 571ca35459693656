"""Retention (docs/decisions/0027): concerns closed more than ``retention_days`` ago are
anonymised, and so are reception topics and bookings that long after their session (one
that became a concern still open waits for it); sent messages, handled inbox rows and
abandoned survey drafts go after ``message_days`` (a draft of a survey that is over at
once); /mydata files after ``export_hours``; files no row names after ``orphan_hours``.
Each pass is one transaction of the caller's (``scheduler/privacy_sweep.py``); a dry run
is the same pass rolled back, so it counts exactly what the sweep would touch.

Files leave the upload folder inside the pass, before its commit, and only when no row
names them any more: a pass that fails after that leaves rows naming a missing file
(shown as unavailable), which the next pass anonymises anyway; a file still named
elsewhere (a photo sent twice is stored once) stays."""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.ports import MessageStore
from core.privacy.policy import PrivacyRules, Why
from core.privacy.ports import COUNTED, PrivacyStore, Purged, Removed, StoredFile, StoredFiles


class RetentionStore(PrivacyStore, MessageStore, Protocol):
    """What the retention passes need."""


@dataclass
class RetentionReport:
    """What a sweep touched (or, dry, would touch), by kind."""
    removed: Removed = field(default_factory=Removed)
    purged: Purged = field(default_factory=Purged)
    #: files removed from the upload folder (a dry run: that would be)
    files: int = 0
    exports: int = 0
    drafts: int = 0

    def counts(self) -> dict[str, int]:
        """Every kind with its count, in the order the CLI shows them."""
        out = {name: getattr(self.removed, name) for name in COUNTED}
        out.update(files=self.files, sent_messages=self.purged.outbox_rows,
                   handled_inbox=self.purged.inbox_rows, survey_drafts=self.drafts,
                   exports=self.exports)
        return out

    def add_purged(self, purged: Purged) -> None:
        self.purged = Purged(self.purged.outbox_rows + purged.outbox_rows,
                             self.purged.inbox_rows + purged.inbox_rows)


async def anonymise_due(store: PrivacyStore, files: StoredFiles, rules: PrivacyRules, *,
                        now: datetime, limit: int | None = None) -> tuple[Removed, int]:
    """Anonymise up to ``limit`` (default ``rules.batch``) concerns closed before the
    cut-off; return what was touched and how many files left the folder."""
    ids = await store.concerns_to_anonymise(rules.concern_cutoff(now), limit or rules.batch)
    if not ids:
        return Removed(), 0
    removed = await store.anonymise_concerns(ids, Why.RETENTION.value, now)
    return removed, await remove_files(store, files, removed.files)


async def anonymise_topics_due(store: PrivacyStore, files: StoredFiles, rules: PrivacyRules,
                               *, now: datetime, limit: int | None = None
                               ) -> tuple[Removed, int]:
    """Anonymise up to ``limit`` reception topics (and their bookings) whose session ended
    before the cut-off and which have no open concern; what was touched, files gone."""
    ids = await store.topics_to_anonymise(rules.concern_cutoff(now), limit or rules.batch)
    if not ids:
        return Removed(), 0
    removed = await store.anonymise_topics(ids, now)
    return removed, await remove_files(store, files, removed.files)


async def purge_drafts(store: PrivacyStore, rules: PrivacyRules, *, now: datetime) -> int:
    """Delete survey drafts nobody can submit any more (the survey is over) or has
    touched for ``message_days`` (an abandoned anonymous draft still names its person)."""
    return await store.purge_survey_drafts(rules.message_cutoff(now), now)


async def remove_orphans(store: PrivacyStore, files: StoredFiles, rules: PrivacyRules, *,
                         now: datetime) -> int:
    """Remove the upload folder's files that no row names any more (a handled inbox row
    purged, a cancelled draft's photo), once older than ``orphan_hours``."""
    return await files.remove_orphans(await store.named_files(), rules.orphan_cutoff(now))


async def remove_files(store: PrivacyStore, files: StoredFiles,
                       named: Sequence[StoredFile]) -> int:
    """Remove from the upload folder the files among ``named`` that no row names now."""
    gone = await store.unreferenced_files(named)
    return await files.remove(gone) if gone else 0


async def purge_messages(store: PrivacyStore, files: StoredFiles, rules: PrivacyRules, *,
                         now: datetime, limit: int) -> tuple[Purged, int]:
    """Delete up to ``limit`` sent outbox rows and handled inbox rows past their
    retention; return them and how many files they left unnamed (removed)."""
    purged = await store.purge_messages(rules.message_cutoff(now), limit)
    return purged, await remove_files(store, files, purged.files)


async def record_sweep(store: MessageStore, report: RetentionReport, *, now: datetime) -> None:
    """One audit row per sweep that touched anything: what, by kind (old rows are never
    edited; each anonymised concern also has its own ``anonymised`` event)."""
    counts = {k: v for k, v in report.counts().items() if v}
    if counts:
        await store.audit("privacy_retention", None, dict(counts), now)
