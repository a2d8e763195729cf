"""Session: one server-side session when SESSION_BACKEND=database."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Session(Model):
    """Keyed on a SHA-256 of the cookie's id, so a copy of the table opens no session.

    `user_id` is a plain integer (no foreign key) so ending a user's sessions is one indexed
    delete and the table works whatever the site's user model is.
    """

    id = fields.CharField(primary_key=True, max_length=64)
    user_id = fields.IntField(null=True, db_index=True)
    data: fields.JSONField[Any] = fields.JSONField(default=dict)
    expires_at = fields.DatetimeField(db_index=True)
    last_seen = fields.DatetimeField(auto_now_add=True)
    ip = fields.CharField(max_length=45, null=True)
    user_agent = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "sessions"
        app = "framework"
