"""Writing the audit trail: snapshots of objects and one AuditEntry per change.

Called by services inside their transaction, so web, API and CLI changes are logged alike.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db.models import Model

from bearing.core.models import AuditEntry

__all__ = ["audit_entry", "record_change", "snapshot"]


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: Model, extra: dict[str, Any] | None = None, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Concrete field values (foreign keys as ids) of `obj`, plus `extra` (many-to-many and
    child rows the caller wants recorded)."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude or f.name in ("created_at", "updated_at"):
            continue
        data[f.name] = _plain(getattr(obj, f.attname))
    for key, value in (extra or {}).items():
        data[key] = _plain(value)
    return data


def audit_entry(
    *,
    actor: Any,
    organisation: Any,
    action: str,
    obj: Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
) -> AuditEntry:
    """One audit entry, not yet saved (for `bulk_create` when a service changes many objects)."""
    return AuditEntry(
        organisation_id=getattr(organisation, "pk", organisation),
        actor_id=getattr(actor, "pk", None),
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        reason=reason,
    )


def record_change(**change: Any) -> AuditEntry:
    """Write one audit entry (the keyword arguments of `audit_entry`); call inside the service's
    transaction."""
    entry = audit_entry(**change)
    entry.save()
    return entry
