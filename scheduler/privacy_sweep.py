"""The privacy sweep (every ``[privacy] sweep_hours`` and once at start; docs/decisions/
0027): /mydata files past ``export_hours`` removed; sent messages and handled inbox rows
past ``message_days`` deleted, and survey drafts of surveys that are over or untouched
that long; concerns closed more than ``retention_days`` ago anonymised, then reception
topics and bookings that long after their session, a batch per transaction; files no row
names any more removed along the way, and at the end every file of the upload folder no
row names (older than ``orphan_hours``: a handled inbox row purged by the hourly sweep, a
cancelled draft's photo); one audit row with the counts. Messages go before concerns, so
a concern's photo leaves the folder with the last row that names it.

Safe twice and in two processes at once: a concern once anonymised is no longer due (its
requester is an anonymous one), a purged row is gone, and two sweeps making the same
anonymous requester make it once. ``dry_run`` runs the same passes in one transaction
that is rolled back, against a rehearsal of the folder that removes nothing: its counts
are what a sweep would touch now.
"""
from __future__ import annotations

import logging

from core.clock import Clock
from core.privacy.policy import PrivacyRules
from core.privacy.ports import StoredFiles
from core.privacy.retention import (RetentionReport, anonymise_due, anonymise_topics_due,
                                    purge_drafts, purge_messages, record_sweep,
                                    remove_orphans)
from storage.uow import Sessions, read_only, unit_of_work

log = logging.getLogger(__name__)

#: outbox rows and inbox rows deleted per transaction
PURGE_BATCH = 5000
#: a dry run looks at everything that is due at once
EVERYTHING = 10**9


async def privacy_sweep(sf: Sessions, clock: Clock, *, rules: PrivacyRules,
                        files: StoredFiles, dry_run: bool = False) -> RetentionReport:
    """Run (or, ``dry_run``, count) everything retention makes due now."""
    now = clock.now()
    report = RetentionReport()
    if dry_run:
        files = files.rehearsal()
        report.exports = await files.purge_exports(rules.export_cutoff(now))
        # read_only never commits: the passes' writes are rolled back when it closes
        async with read_only(sf) as uow:
            purged, gone = await purge_messages(uow.store, files, rules, now=now,
                                                limit=EVERYTHING)
            report.drafts = await purge_drafts(uow.store, rules, now=now)
            removed, more = await anonymise_due(uow.store, files, rules, now=now,
                                                limit=EVERYTHING)
            topics, most = await anonymise_topics_due(uow.store, files, rules, now=now,
                                                      limit=EVERYTHING)
            orphans = await remove_orphans(uow.store, files, rules, now=now)
        report.add_purged(purged)
        report.removed.add(removed)
        report.removed.add(topics)
        report.files = gone + more + most + orphans
        return report
    report.exports = await files.purge_exports(rules.export_cutoff(now))
    while True:
        async with unit_of_work(sf) as uow:
            purged, gone = await purge_messages(uow.store, files, rules, now=now,
                                                limit=PURGE_BATCH)
        report.add_purged(purged)
        report.files += gone
        if max(purged.outbox_rows, purged.inbox_rows) < PURGE_BATCH:
            break
    async with unit_of_work(sf) as uow:
        report.drafts = await purge_drafts(uow.store, rules, now=now)
    while True:
        async with unit_of_work(sf) as uow:
            removed, gone = await anonymise_due(uow.store, files, rules, now=now)
        report.removed.add(removed)
        report.files += gone
        if removed.concerns < rules.batch:
            break
    while True:
        async with unit_of_work(sf) as uow:
            removed, gone = await anonymise_topics_due(uow.store, files, rules, now=now)
        report.removed.add(removed)
        report.files += gone
        if removed.reception_topics < rules.batch:
            break
    async with read_only(sf) as uow:  # reads only: what every row names now
        report.files += await remove_orphans(uow.store, files, rules, now=now)
    async with unit_of_work(sf) as uow:
        await record_sweep(uow.store, report, now=now)
    touched = {k: v for k, v in report.counts().items() if v}
    if touched:
        log.info("privacy sweep: %s", ", ".join(f"{k} {v}" for k, v in touched.items()))
    return report
