"""Audit logging: `audit()` for explicit entries, `NoriAuditMixin` for automatic ones.

    from core.audit import audit
    audit(request, "publish", model_name="Article", record_id=article.id)

See docs/audit.md.
"""

from core.audit.record import audit, flush
from core.audit.tracking import REDACTED, NoriAuditMixin
from core.http.client import client_ip

__all__ = ["REDACTED", "NoriAuditMixin", "audit", "client_ip", "flush"]
