"""Recording actions; callers commit with the change they record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from crpm_cms.audit.models import AuditEntry
from crpm_cms.extensions import db


def record(actor_id: int | None, action: str, target_type: str, target_id: int,
           **detail: Any) -> AuditEntry:
    """Add an entry to the current transaction (committed together with the change)."""
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type,
                       target_id=target_id, detail=detail)
    db.session.add(entry)
    return entry


def history(target_type: str, target_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == target_type,
                                 AuditEntry.target_id == target_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))
