"""The site's User model, as shipped; extend it freely (then run `migrate:make`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from core.mixins.model import NoriModelMixin


class User(NoriModelMixin, Model):
    protected_fields = ["password_hash", "remember_token", "two_factor_secret", "two_factor_last_step"]

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=50, unique=True)
    name = fields.CharField(max_length=100)
    # Stored in normal form (`core.validation.emails`), so the index also stops lookalike twins.
    email = fields.CharField(max_length=255, unique=True)
    password_hash = fields.CharField(max_length=255)
    remember_token = fields.CharField(max_length=255, default="")
    level = fields.IntField(default=0)
    status = fields.BooleanField(default=True)
    # Set when the user opened the link mailed to `email` (core/auth/verification.py); None until then.
    email_verified_at = fields.DatetimeField(null=True)
    # Two-factor (core/auth/two_factor.py): the TOTP seed, sealed under SECRET_KEY (core/encryption.py);
    # when the user confirmed it with a code (None: two-factor is off); the last time step accepted,
    # so a code cannot be used twice.
    two_factor_secret = fields.CharField(max_length=255, null=True)
    two_factor_confirmed_at = fields.DatetimeField(null=True)
    two_factor_last_step = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"

    def __str__(self) -> str:
        return self.name
