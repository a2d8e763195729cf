"""Audit logging: `audit()` for explicit entries, `NoriAuditMixin` for automatic ones;
`await audit_now(...)` for an explicit entry that must be written before going on.

    from core.audit import audit
    audit(request, "publish", model_name="Article", record_id=article.id)

See docs/audit.md.
"""

from core.audit.durable import AuditWriteError
from core.audit.record import audit, audit_now, flush
from core.audit.tracking import REDACTED, NoriAuditMixin, recorded_as
from core.http.client import client_ip

__all__ = ["REDACTED", "AuditWriteError", "NoriAuditMixin", "audit", "audit_now", "client_ip", "flush", "recorded_as"]
