"""Role: a named group of permissions, linked through `role_permission`."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class Role(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    permissions: fields.ManyToManyRelation = fields.ManyToManyField(
        "framework.Permission", related_name="roles", through="role_permission"
    )

    class Meta:
        table = "roles"
        app = "framework"

    def __str__(self) -> str:
        return self.name
