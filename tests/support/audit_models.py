"""Models for the audit tests: audited models (one with a stand-in for the soft-delete mixin) and
sign-up models for the served tests and bench/audit.py, which serve them through `member_config()`."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from tortoise import fields
from tortoise.models import Model

from core.audit import NoriAuditMixin
from core.database import DatabaseSettings, tortoise_config
from core.mixins.model import NoriModelMixin
from core.mixins.soft_deletes import NoriSoftDeletes
from core.signals import restored, soft_deleted


class AuditedNote(NoriAuditMixin, NoriModelMixin, Model):
    """Soft-deletes the way the framework's soft-delete mixin does: save, then send the signal."""

    protected_fields = ["secret"]

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)
    body = fields.TextField(default="")
    secret = fields.CharField(max_length=100, default="")
    deleted_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "test_audited_notes"

    async def soft_delete(self) -> None:
        self.deleted_at = datetime.datetime.now(datetime.UTC)
        await self.save(update_fields=["deleted_at"])
        await soft_deleted.send(type(self), self)

    async def restore(self) -> None:
        self.deleted_at = None
        await self.save(update_fields=["deleted_at"])
        await restored.send(type(self), self)


class AuditedToken(NoriAuditMixin, NoriModelMixin, Model):
    """UUID primary key: record ids are strings in the log."""

    id = fields.UUIDField(primary_key=True)
    label = fields.CharField(max_length=50)

    class Meta:
        table = "test_audited_tokens"


class UnauditedNote(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)

    class Meta:
        table = "test_unaudited_notes"


class AuditedPost(NoriAuditMixin, NoriModelMixin, NoriSoftDeletes):
    """The framework's own soft deletes: `delete()` trashes the row, `restore()` brings it back."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)

    class Meta:
        table = "test_audited_posts"


class AuditedCode(NoriAuditMixin, NoriModelMixin, NoriSoftDeletes):
    """A text key that may be longer than the log's `record_id` column, so its audit row can fail."""

    code = fields.CharField(max_length=100, primary_key=True)
    label = fields.CharField(max_length=50, default="")

    class Meta:
        table = "test_audited_codes"


class MemberFields(Model):
    """A sign-up's row, shaped like the site's User, for the served audit tests and bench/audit.py."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=50, unique=True)
    name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=255)
    password_hash = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True


class PlainMember(NoriModelMixin, MemberFields):
    class Meta:
        table = "test_plain_members"


class AuditedMember(NoriAuditMixin, NoriModelMixin, MemberFields):
    """Follows AUDIT_WRITES (transactional unless set)."""

    class Meta:
        table = "test_audited_members"


class BatchedMember(NoriAuditMixin, NoriModelMixin, MemberFields):
    audit_writes = "batched"

    class Meta:
        table = "test_batched_members"


def member_config(db: DatabaseSettings) -> dict[str, Any]:
    """The site's Tortoise configuration on `db`, plus these models as an app of their own.

    The app has the label tests/conftest.py gives these models: Tortoise binds a model class to
    one label per process and skips it under any other, leaving its table uncreated.
    """
    return tortoise_config(replace(db, extra_apps={"testapp": (__name__,)}))
