"""SocialAccount: a provider's account linked to a user, so signing in there signs in here."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SocialAccount(Model):
    """An account at a provider linked to a user, one row per provider and subject.

    `subject` is the provider's own stable id for the account (OpenID Connect `sub`, GitHub's
    numeric id), never the email, which can change hands. `email` is what the provider said when
    the link was made, for the account page. `user_id` is a plain integer, like `remember_tokens`,
    so the table works whatever the site's user model is; a link whose user is gone is removed
    when it is next used for a login.
    """

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField(db_index=True)
    provider = fields.CharField(max_length=50)
    subject = fields.CharField(max_length=255)
    email = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "social_accounts"
        app = "framework"
        unique_together = (("provider", "subject"),)
