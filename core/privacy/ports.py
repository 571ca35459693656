"""The privacy store port and its shapes (a base of ``core.ports.Store``; this module
imports only the kernel), and the two ports to the upload folder: removing stored files
and writing a person's export."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.types import JSON, JSONObject


@dataclass(frozen=True, order=True)
class StoredFile:
    """A file a row named: ``channel`` "web" with the file's ref in the upload folder, or
    a chat channel with that channel's file id (whose copy in the upload folder, if any,
    goes with it)."""
    channel: str
    ref: str


@dataclass
class Removed:
    """What one anonymisation or erasure touched, by kind (the sweep's and the CLI's counts)."""
    concerns: int = 0
    attachments: int = 0
    relay_messages: int = 0
    events: int = 0
    outbox_rows: int = 0
    inbox_rows: int = 0
    reception_topics: int = 0
    reception_bookings: int = 0
    accounts: int = 0
    survey_answers: int = 0
    #: files no row names any more, to be removed from the upload folder
    files: list[StoredFile] = field(default_factory=list)

    def add(self, other: Removed) -> None:
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.files = sorted(set(self.files) | set(other.files))


#: the counted kinds of ``Removed``, in the order the CLI shows them
COUNTED = ("concerns", "attachments", "relay_messages", "events", "outbox_rows", "inbox_rows",
           "reception_topics", "reception_bookings", "accounts", "survey_answers")


@dataclass(frozen=True)
class Purged:
    """Rows deleted because their own, shorter retention ran out, and the files they
    named (a message's photo: gone from the folder once no row names it)."""
    outbox_rows: int = 0
    inbox_rows: int = 0
    files: tuple[StoredFile, ...] = ()


@dataclass(frozen=True)
class HeldConcern:
    """A concern a person asked, as erasure weighs it."""
    id: int
    number: str
    status: str
    type: str
    crisis: bool


@dataclass(frozen=True)
class ErasureFacts:
    """What is held about a person that erasure must weigh."""
    concerns: tuple[HeldConcern, ...] = ()
    #: bookings of reception sessions that have not started yet
    upcoming_bookings: int = 0
    #: surveys still open that the person has answered (they must not answer twice)
    open_surveys: int = 0
    verified: bool = True


@dataclass(frozen=True)
class ErasureRequest:
    token: str
    person_id: int
    requested_at: datetime
    decided: bool


class PrivacyStore(Protocol):
    """Retention, a person's own data and erasure (storage/privacy/)."""

    # concerns closed before ``closed_before`` and not anonymised yet, oldest first
    async def concerns_to_anonymise(self, closed_before: datetime, limit: int) -> list[int]: ...
    async def anonymise_concerns(self, ids: Sequence[int], why: str,
                                 now: datetime) -> Removed: ...
    # of these files, those that no row names any more
    async def unreferenced_files(self, files: Sequence[StoredFile]) -> list[StoredFile]: ...
    # every file some row names now (the orphan scan keeps these)
    async def named_files(self) -> list[StoredFile]: ...
    # reception topics of sessions ended before ``ended_before`` with no open concern, not
    # anonymised yet (their text, files, or a booked person still there)
    async def topics_to_anonymise(self, ended_before: datetime, limit: int) -> list[int]: ...
    async def anonymise_topics(self, ids: Sequence[int], now: datetime) -> Removed: ...
    # delete the survey drafts of surveys closed, cancelled or past their close, and drafts
    # untouched since ``untouched_before``; how many
    async def purge_survey_drafts(self, untouched_before: datetime, now: datetime) -> int: ...
    # delete sent outbox rows and handled inbox rows older than ``before`` that nothing needs
    async def purge_messages(self, before: datetime, limit: int) -> Purged: ...
    # a roster number's person, active or not (None: unknown)
    async def person_id_by_number(self, number: str) -> int | None: ...
    # everything held about a person, as JSON (None: no such person)
    async def person_data(self, person_id: int) -> dict[str, JSON] | None: ...
    async def erasure_facts(self, person_id: int, now: datetime) -> ErasureFacts: ...
    # the person's rows besides their concerns: accounts (unless kept), messages,
    # named answers, reception topics; ``concern_ids`` anonymised as by retention
    async def erase_person(self, person_id: int, *, concern_ids: Sequence[int],
                           keep_accounts: bool, now: datetime) -> Removed: ...
    async def erasure_requests(self, *, token: str | None = None,
                               person_id: int | None = None) -> list[ErasureRequest]: ...
    # the done outbox and inbox rows that name ``marker`` (an erasure request's buttons)
    # keep nothing of their message; how many
    async def forget_messages_naming(self, marker: str, now: datetime) -> int: ...


class StoredFiles(Protocol):
    """The upload folder (bot/privacy_files.py)."""

    # remove these files (a chat file id: its copy); how many files were there
    async def remove(self, files: Sequence[StoredFile]) -> int: ...
    # remove the /mydata files written before ``before``; how many
    async def purge_exports(self, before: datetime) -> int: ...
    # remove the folder's files (not the /mydata ones) that are not among ``named`` and
    # were last written before ``before`` (one being uploaded is younger); how many
    async def remove_orphans(self, named: Sequence[StoredFile], before: datetime) -> int: ...
    # the same folder for a dry run: nothing is removed, each file counted once
    def rehearsal(self) -> StoredFiles: ...


class DataExports(Protocol):
    """Writes a person's data as files they are sent (bot/privacy_files.py)."""

    # the attachments of the reply: the data as JSON and as a readable summary
    async def export(self, data: JSONObject, locale: str) -> list[JSONObject]: ...
