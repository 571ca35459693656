"""One-time binding codes: issue them for roster people and export them for distribution.

Only the sha256 of a code is stored (core.people.binding.hash_code), so a database dump cannot
be used to bind someone else's account. The plain codes exist once: in the returned list
and in the file the admin hands out, which ``before_commit`` writes inside the transaction:
a file that cannot be written leaves every earlier code as it was.
"""
from __future__ import annotations

import csv
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import cast

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.people.binding import hash_code
from storage.tables import AuditLog, BindingCode, ChannelIdentity, Person
from storage.uow import unit_of_work

# No 0/O, 1/I: codes get read aloud and typed from paper. Upper case only, since
# hash_code upper-cases what people type. Fits Telegram's /start parameter [A-Za-z0-9_-].
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 32**10 ≈ 1.1e15 codes: guessing is hopeless within the attempt limits
# Excel turns a CSV cell such as 23E4567892 or 2345678923 into a number; such codes are redrawn.
_LOOKS_NUMERIC = re.compile(r"^\d+(E\d+)?$")
# China has kept UTC+8 without daylight saving since 1991; a fixed offset needs no tzdata.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
_CHUNK = 500  # bound the IN (...) list: SQLite and asyncpg cap bind parameters


@dataclass(frozen=True)
class IssuedCode:
    person_number: str
    name: str
    code: str
    expires_at: datetime


class UnknownPeople(LookupError):
    """Some requested person numbers are not active roster people."""

    def __init__(self, numbers: Sequence[str]) -> None:
        super().__init__("unknown or inactive person numbers: " + ", ".join(numbers))
        self.numbers = list(numbers)


@dataclass(frozen=True)
class CodeIssue:
    codes: list[IssuedCode]
    #: earlier unused codes of these people, cancelled by this issue
    cancelled: int


async def cancel_unused_codes(session: AsyncSession, person_ids: Sequence[int],
                              now: datetime) -> int:
    """Cancel (revoke) the unused, unrevoked codes of these people; return how many."""
    cancelled = 0
    for start in range(0, len(person_ids), _CHUNK):
        result = await session.execute(
            update(BindingCode)
            .where(BindingCode.person_id.in_(person_ids[start:start + _CHUNK]),
                   BindingCode.used_at.is_(None), BindingCode.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False))
        # an UPDATE's result is a CursorResult (the stubs say Result)
        cancelled += cast("CursorResult[tuple[()]]", result).rowcount or 0
    return cancelled


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not _LOOKS_NUMERIC.match(code):
            return code


async def issue_codes(session_factory: async_sessionmaker[AsyncSession], *, now: datetime,
                      ttl: timedelta, person_numbers: Iterable[str] | None = None,
                      only_unbound: bool = True) -> list[IssuedCode]:
    """``issue_and_write`` without a file: the codes only."""
    return (await issue_and_write(session_factory, now=now, ttl=ttl,
                                  person_numbers=person_numbers,
                                  only_unbound=only_unbound)).codes


async def issue_and_write(session_factory: async_sessionmaker[AsyncSession], *,
                          now: datetime, ttl: timedelta,
                          person_numbers: Iterable[str] | None = None,
                          only_unbound: bool = True,
                          before_commit: Callable[[CodeIssue], None] | None = None
                          ) -> CodeIssue:
    """Issue a fresh code to each active roster person; their older unused codes are revoked.

    With ``person_numbers`` only those people get codes, bound or not (to rebind a lost
    account); an unknown or inactive number raises UnknownPeople and nothing is issued.
    Otherwise everyone gets one, except people already bound when ``only_unbound``.
    ``before_commit`` (writing the codes' file) runs last inside the transaction: if it
    raises, nothing is issued and nothing is cancelled.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    async with unit_of_work(session_factory) as uow:
        session = uow.session
        # Plain rows, not ORM objects: 33,000 people and their codes stay light.
        people = list((await session.execute(
            select(Person.id, Person.number, Person.name)
            .where(Person.number.is_not(None), Person.active.is_(True)))).all())
        if person_numbers is not None:
            wanted = {n.strip() for n in person_numbers}
            people = [p for p in people if p.number in wanted]
            missing = wanted - {p.number for p in people}
            if missing:
                raise UnknownPeople(sorted(missing))
        elif only_unbound:
            bound = set(await session.scalars(
                select(ChannelIdentity.person_id).where(ChannelIdentity.person_id.is_not(None))))
            people = [p for p in people if p.id not in bound]
        people.sort(key=lambda p: p.number or "")

        cancelled = await cancel_unused_codes(session, [p.id for p in people], now)

        expires_at = now + ttl
        issued, hashes = [], set()
        rows: list[dict[str, object]] = []
        for person in people:
            code = new_code()
            # A clash with an older stored hash (odds ~1e-9 for a whole roster) would only
            # fail the unique index and roll this batch back; a clash within it is redrawn.
            while hash_code(code) in hashes:
                code = new_code()
            hashes.add(hash_code(code))
            rows.append({"code_hash": hash_code(code), "person_id": person.id,
                         "expires_at": expires_at, "created_at": now})
            issued.append(IssuedCode(person.number or "", person.name, code, expires_at))
        for start in range(0, len(rows), _CHUNK):
            await session.execute(insert(BindingCode), rows[start:start + _CHUNK])
        del rows
        session.add(AuditLog(kind="binding_codes_issued", created_at=now, detail={
            "count": len(issued), "explicit": person_numbers is not None,
            "only_unbound": only_unbound, "expires_at": expires_at.isoformat(),
            "cancelled": cancelled}))
        result = CodeIssue(issued, cancelled)
        if before_commit is not None:
            await session.flush()  # a clash of hashes fails here, before the file is written
            before_commit(result)
    return result


def deep_link(bot_username: str, code: str) -> str:
    """The Telegram link that opens the bot and sends /start <code>; "" without a bot name."""
    name = bot_username.strip().lstrip("@")
    return f"https://t.me/{name}?start={code}" if name else ""


def write_codes_csv(path: str | Path, codes: Iterable[IssuedCode], bot_username: str, *,
                    tz: tzinfo = SHANGHAI) -> None:
    """Write the codes as an Excel-friendly CSV (UTF-8 with BOM, so Chinese names show)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["number", "name", "code", "expires_at", "link"])
        for c in codes:
            out.writerow([c.person_number, c.name, c.code,
                          c.expires_at.astimezone(tz).isoformat(timespec="seconds"),
                          deep_link(bot_username, c.code)])
