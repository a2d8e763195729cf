"""Models the admin tests and bench/admin.py serve: a soft-deleting article with a protected field,
a tree of sections it belongs to, comments shown inline under an article, and two models that log
their own changes (`NoriAuditMixin`), one deleted for good and one soft-deleting."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from core.admin import admin_action
from core.audit import NoriAuditMixin
from core.mixins.model import NoriModelMixin
from core.mixins.soft_deletes import NoriSoftDeletes
from core.mixins.tree import NoriTreeMixin


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class AdminSection(NoriModelMixin, NoriTreeMixin):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    parent: fields.ForeignKeyNullableRelation[AdminSection] = fields.ForeignKeyField(
        "testapp.AdminSection", related_name="children_rel", null=True)

    class Meta:
        table = "sections"

    def __str__(self) -> str:
        return self.name


class AdminArticle(NoriModelMixin, NoriSoftDeletes):
    protected_fields = ["secret_note"]

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200, unique=True)
    body = fields.TextField(default="")
    status = fields.CharEnumField(Status, default=Status.DRAFT)
    featured = fields.BooleanField(default=False)
    views = fields.IntField(default=0)
    published_on = fields.DateField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    section: fields.ForeignKeyNullableRelation[AdminSection] = fields.ForeignKeyField(
        "testapp.AdminSection", related_name="articles", null=True)
    secret_note = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "articles"

    class Admin:
        list_display = ["id", "title", "status", "featured", "section_id", "published_on"]
        search_fields = ["title", "body"]
        inlines = ["comments"]
        rules = {"title": "required|string|min:3|max:200"}

        @admin_action("Publish")
        async def publish(request: Any, queryset: Any) -> str:
            count = await queryset.update(status=Status.PUBLISHED)
            return f"{count} published"

    def __str__(self) -> str:
        return self.title


class AdminRemark(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    body = fields.CharField(max_length=200)
    article: fields.ForeignKeyRelation[AdminArticle] = fields.ForeignKeyField(
        "testapp.AdminArticle", related_name="comments")

    class Meta:
        table = "remarks"

    def __str__(self) -> str:
        return self.body


class AdminLedger(NoriAuditMixin, NoriModelMixin, Model):
    protected_fields = ["pin"]

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)
    amount = fields.IntField(default=0)
    pin = fields.CharField(max_length=20, default="")

    class Meta:
        table = "ledgers"

    def __str__(self) -> str:
        return self.title


class AdminMemo(NoriAuditMixin, NoriModelMixin, NoriSoftDeletes):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)

    class Meta:
        table = "memos"

    def __str__(self) -> str:
        return self.title


ADMIN_MODELS: dict[str, type[Model]] = {
    "Article": AdminArticle, "Section": AdminSection, "Remark": AdminRemark,
}
# Registered only by the tests about them, so the pages the docs' screenshots show stay as they are.
AUDITED_ADMIN_MODELS: dict[str, type[Model]] = {"Ledger": AdminLedger, "Memo": AdminMemo}
