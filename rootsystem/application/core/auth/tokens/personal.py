"""Personal access tokens: long-lived, named, scoped, revocable; the plain token is shown once.

A token is `nori_pat_<selector>_<secret>` (core.auth.tokens.opaque): the `api_tokens` row keeps
the selector and a hash of the secret, never the secret. Its scopes are ACL permission names
(`articles.edit`, `articles.*`); a token can never do more than its user may, because
`token_required` checks the user's own grants too.

The last-used time is written at most once a minute per token: the UPDATE only matches a row
last used over a minute ago, so a token hammered by many workers costs one write a minute, not
one per request, and the value is exact to the minute, which is what "last used" is read for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.timezone import now

from core.acl.grants import check_permission_name, user_id_of
from core.auth.tokens.errors import TokenError
from core.auth.tokens.opaque import mint, stored_row
from core.models import ApiToken

PREFIX = "nori_pat_"
LAST_USED_EVERY = timedelta(minutes=1)
NAME_LENGTH = 100


@dataclass(frozen=True)
class CreatedToken:
    """The stored row and the plain token, which exists only here: show it, then let it go."""

    row: ApiToken
    plain: str


def check_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes sorted and deduplicated; a name that is not a permission name raises ValueError."""
    return sorted({check_permission_name(scope) for scope in scopes})


async def create_personal_token(user: Any, name: str, scopes: Iterable[str] = (), *,
                                expires_in: timedelta | None = None) -> CreatedToken:
    """A new token for `user` (a user or its id); `expires_in` None means it lasts until revoked."""
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > NAME_LENGTH:
        raise ValueError(f"a token needs a name of 1 to {NAME_LENGTH} characters, such as 'deploy script'")
    if expires_in is not None and expires_in <= timedelta(0):
        raise ValueError("a token's lifetime must be positive")
    minted = mint(PREFIX)
    row = await ApiToken.create(
        user_id=user_id_of(user), name=name, selector=minted.selector, secret_hash=minted.secret_hash,
        scopes=check_scopes(scopes), expires_at=now() + expires_in if expires_in is not None else None,
    )
    return CreatedToken(row, minted.plain)


def is_personal_token(token: str) -> bool:
    return token.startswith(PREFIX)


async def verify_personal_token(token: str) -> ApiToken:
    """The live row `token` stands for (its last-used time brought up to date), or TokenError."""
    row: ApiToken = await stored_row(ApiToken, token, PREFIX, "token")
    moment = now()
    if row.revoked_at is not None:
        raise TokenError("the token was revoked")
    if row.expires_at is not None and row.expires_at <= moment:
        raise TokenError("the token has expired")
    await mark_used(row, moment)
    return row


async def mark_used(row: ApiToken, moment: datetime) -> None:
    """Record the use unless it was recorded less than a minute ago (see the module docstring)."""
    if row.last_used_at is not None and moment - row.last_used_at < LAST_USED_EVERY:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=moment - LAST_USED_EVERY)
    await ApiToken.filter(stale, id=row.id).update(last_used_at=moment)
    row.last_used_at = moment


async def revoke_personal_token(token_id: int) -> bool:
    """Revoke the token with this id; False when there is no live token with it (none, or revoked already)."""
    return bool(await ApiToken.filter(id=token_id, revoked_at__isnull=True).update(revoked_at=now()))
