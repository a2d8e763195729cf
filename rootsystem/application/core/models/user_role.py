"""UserRole: which roles a user holds, without the framework importing the site's User.

`user_id` is a plain integer rather than a foreign key so the framework app never depends on
the site app; removing a user's rows is the site's job (or `revoke_role`).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class UserRole(NoriModelMixin, Model):
    id = fields.IntField(primary_key=True)
    user_id = fields.IntField(db_index=True)
    role: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "framework.Role", related_name="user_links", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user_roles"
        app = "framework"
        unique_together = (("user_id", "role"),)
