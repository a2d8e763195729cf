"""AuditLog: who did what to which record, and when."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class AuditLog(NoriModelMixin, Model):
    """One audited action; `user_id` is a plain integer so the log outlives deleted users."""

    id = fields.BigIntField(primary_key=True)
    user_id = fields.IntField(null=True, db_index=True)
    action = fields.CharField(max_length=50)
    model_name = fields.CharField(max_length=100, null=True)
    record_id = fields.CharField(max_length=64, null=True)
    changes: fields.JSONField[Any] = fields.JSONField(null=True)
    ip_address = fields.CharField(max_length=45, null=True)
    request_id = fields.CharField(max_length=128, null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_logs"
        app = "framework"
        indexes = (("model_name", "record_id"),)
