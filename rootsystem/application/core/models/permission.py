"""Permission: one capability in dot notation, such as `articles.edit`."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class Permission(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    description = fields.CharField(max_length=255, default="")

    class Meta:
        table = "permissions"
        app = "framework"

    def __str__(self) -> str:
        return self.name
