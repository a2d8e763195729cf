"""`Authorization: Bearer <token>`: which user a request's token stands for.

Policy: a request that carries a bearer token is authenticated by that token alone. An invalid
token makes the request anonymous; it never falls back to a session cookie sent beside it, since
whoever added the header meant the token. Tokens starting `nori_pat_` are personal access tokens;
anything else is read as a JWT access token (a refresh token authenticates nothing).

The verdict (the token, or why it was refused) is kept on the request, so a request costs one
verification however often it asks, and `token_required` can answer 401 with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection

from core.acl.grants import Grants, is_active
from core.auth.tokens.access import verify_access_token
from core.auth.tokens.errors import TokenError
from core.auth.tokens.personal import is_personal_token, verify_personal_token
from core.registry import get_model

_STATE_KEY = "nori_bearer"


@dataclass(frozen=True)
class BearerToken:
    """A verified token: whose it is, what it may do, and (personal tokens) its `api_tokens` row id."""

    kind: str  # "personal" or "access"
    user_id: int
    scopes: frozenset[str]
    token_id: int | None = None


def bearer_credentials(connection: HTTPConnection) -> str | None:
    """The token of an `Authorization: Bearer` header ("" when the header names none), or None without one."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


async def verify_bearer(token: str) -> BearerToken:
    """What a bearer token stands for, whichever kind it is; TokenError when it stands for nothing."""
    if not token:
        raise TokenError("the Authorization header names no token")
    if is_personal_token(token):
        row = await verify_personal_token(token)
        return BearerToken("personal", row.user_id, frozenset(row.scopes), row.id)
    claims = verify_access_token(token)
    return BearerToken("access", claims.user_id, claims.scopes)


def bearer_verdict(connection: HTTPConnection) -> BearerToken | TokenError | None:
    """What `load_bearer_user` concluded for this request; None before it ran or without a bearer header."""
    verdict: BearerToken | TokenError | None = connection.scope.get("state", {}).get(_STATE_KEY)
    return verdict


def token_grants(connection: HTTPConnection) -> Grants | None:
    """The scopes of the token that authenticated the request, as grants to check against; None
    when no token did (a session user is limited by their roles alone)."""
    verdict = bearer_verdict(connection)
    return Grants(frozenset(), verdict.scopes) if isinstance(verdict, BearerToken) else None


async def load_bearer_user(connection: HTTPConnection) -> Any | None:
    """The active user of the request's bearer token, or None (the reason kept for `bearer_verdict`)."""
    state = connection.scope.setdefault("state", {})
    token = bearer_credentials(connection)
    if token is None:
        return None
    try:
        verified = await verify_bearer(token)
        user = await get_model("User").filter(pk=verified.user_id).first()
        if user is None or not is_active(user):
            raise TokenError("the token's user no longer exists or is disabled")
    except TokenError as refused:
        state[_STATE_KEY] = refused
        return None
    state[_STATE_KEY] = verified
    return user
