"""RecoveryCode: one unused two-factor recovery code of a user, kept as a SHA-256 of the code."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class RecoveryCode(Model):
    """One unused recovery code of a user, as a SHA-256 digest; using it deletes the row.

    A row per code, not a JSON list on the user: of two requests racing with the same code
    exactly one deletes the row, so a code works once. The codes are random (40 bits each, and
    guesses are throttled), so a plain SHA-256 is enough: a copy of the table cannot be reversed
    into codes. `user_id` is a plain integer, like `remember_tokens`.
    """

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField(db_index=True)
    code_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "two_factor_recovery_codes"
        app = "framework"
