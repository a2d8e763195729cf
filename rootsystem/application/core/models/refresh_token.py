"""RefreshToken: one link of a refresh token family, of which only a hash is kept."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class RefreshToken(Model):
    """Each refresh gives a new token in the same `family` and marks this one `used_at`.

    A token presented again after it was used means someone kept a copy: the whole family is
    revoked (`revoked_at`), which logs out both the thief and the owner. Found by `selector`,
    checked against `secret_hash`; the secret itself is never stored.
    """

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField(db_index=True)
    family = fields.CharField(max_length=32, db_index=True)
    selector = fields.CharField(max_length=16, unique=True)
    secret_hash = fields.CharField(max_length=64)
    scopes: fields.JSONField[Any] = fields.JSONField(default=list)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_tokens"
        app = "framework"
