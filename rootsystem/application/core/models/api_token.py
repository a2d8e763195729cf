"""ApiToken: one personal access token, of which only a hash is kept."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class ApiToken(Model):
    """Found by `selector` (the public half of the token), checked against `secret_hash`.

    A copy of the table lets nobody in: the secret itself is never stored. `user_id` is a plain
    integer (no foreign key) so the table works whatever the site's user model is; `scopes` are
    the ACL's permission names the token may use.
    """

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField(db_index=True)
    name = fields.CharField(max_length=100)
    selector = fields.CharField(max_length=16, unique=True)
    secret_hash = fields.CharField(max_length=64)
    scopes: fields.JSONField[Any] = fields.JSONField(default=list)
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "api_tokens"
        app = "framework"

    def __str__(self) -> str:
        return self.name
