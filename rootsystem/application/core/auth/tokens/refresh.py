"""Refresh tokens: they renew access tokens, rotate on every use and give away a stolen copy.

A login starts a family (`issue_token_pair`). Each refresh marks the presented token used and
returns a new access token and a new refresh token of the same family. A refresh token that comes
back after it was used means two parties hold it, and the server cannot tell which is the owner,
so the whole family is revoked: the thief's next refresh fails, and so does the owner's, who logs
in again (OAuth 2.0 Security BCP, refresh token rotation). Marking a token used is a conditional
UPDATE, so two simultaneous refreshes with the same token cannot both succeed: the loser is
treated as a reuse.

Rows keep the selector and a hash, never the token (core.auth.tokens.opaque).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.timezone import now

from core.acl.grants import is_active, user_id_of
from core.auth.tokens.access import issue_access_token
from core.auth.tokens.errors import TokenError
from core.auth.tokens.opaque import mint, stored_row
from core.auth.tokens.personal import check_scopes
from core.models import RefreshToken
from core.registry import get_model
from core.settings import settings

PREFIX = "nori_rt_"

log = logging.getLogger("nori.auth.tokens")


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives

    def as_json(self) -> dict[str, Any]:
        """The OAuth 2.0 token response body (RFC 6749 §5.1)."""
        return {"access_token": self.access_token, "token_type": "Bearer", "expires_in": self.expires_in,
                "refresh_token": self.refresh_token}


async def issue_token_pair(user: Any, scopes: Iterable[str] = ()) -> TokenPair:
    """An access token and the first refresh token of a new family, for a user who just proved who they are."""
    return await _pair(user_id_of(user), check_scopes(scopes), secrets.token_hex(16))


async def refresh_token_pair(token: str) -> TokenPair:
    """A new pair for a live refresh token, which is used up; TokenError otherwise (see the module docstring)."""
    row = await _find(token)
    if row.revoked_at is not None:
        raise TokenError("the refresh token was revoked")
    if row.expires_at <= now():
        raise TokenError("the refresh token has expired")
    if row.used_at is not None or not await _claim(row):
        revoked = await revoke_family(row.family)
        log.warning("refresh token %s of user %s was used twice: revoked its family (%d tokens)",
                    row.id, row.user_id, revoked)
        raise TokenError("the refresh token was already used; its whole family is now revoked")
    user = await get_model("User").filter(pk=row.user_id).first()
    if user is None or not is_active(user):
        raise TokenError("the refresh token's user no longer exists or is disabled")
    return await _pair(row.user_id, list(row.scopes), row.family)


async def revoke_refresh_token(token: str) -> int:
    """Log out a client: revoke the family of `token` (gives how many tokens that revoked)."""
    return await revoke_family((await _find(token)).family)


async def revoke_family(family: str) -> int:
    return await RefreshToken.filter(family=family, revoked_at__isnull=True).update(revoked_at=now())


async def _find(token: str) -> RefreshToken:
    row: RefreshToken = await stored_row(RefreshToken, token, PREFIX, "refresh token")
    return row


async def _claim(row: RefreshToken) -> bool:
    """Mark the token used, if nobody else did first."""
    return bool(await RefreshToken.filter(id=row.id, used_at__isnull=True).update(used_at=now()))


async def _pair(user_id: int, scopes: list[str], family: str) -> TokenPair:
    minted = mint(PREFIX)
    await RefreshToken.create(
        user_id=user_id, family=family, selector=minted.selector, secret_hash=minted.secret_hash, scopes=scopes,
        expires_at=now() + timedelta(seconds=settings.JWT_REFRESH_TTL),
    )
    return TokenPair(issue_access_token(user_id, scopes), minted.plain, settings.JWT_ACCESS_TTL)
