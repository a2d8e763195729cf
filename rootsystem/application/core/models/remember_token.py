"""RememberToken: one "remember me" login, kept as a selector and a hash of its validator."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class RememberToken(Model):
    """The cookie holds `selector.validator`; the table holds the selector and a SHA-256 of the validator.

    The selector finds the row without comparing secrets in SQL; the validator is checked in
    constant time, so a copy of the table logs nobody in. `user_id` is a plain integer (no
    foreign key), like `sessions`, so revoking a user's tokens is one indexed delete whatever
    the site's user model is.
    """

    id = fields.IntField(primary_key=True)
    selector = fields.CharField(max_length=32, unique=True)
    validator_hash = fields.CharField(max_length=64)
    user_id = fields.IntField(db_index=True)
    expires_at = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "remember_tokens"
        app = "framework"
