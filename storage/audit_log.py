"""Reading the audit log back: what was recorded before (writing is ``SqlStore.audit``)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.tables import AuditLog
from storage.uow import UnitOfWork


async def audit_details(uow: UnitOfWork, kind: str) -> list[dict[str, Any]]:
    """The detail of every audit row of this kind, read in this unit of work."""
    return [d for (d,) in await uow.session.execute(
        select(AuditLog.detail).where(AuditLog.kind == kind))]
