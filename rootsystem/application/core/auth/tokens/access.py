"""Short-lived, stateless access tokens: JWTs through pyjwt, the one module that touches it.

Policy: every token carries `sub`, `exp`, `iat`, `aud` and `iss`, and decoding requires and
checks them all; the algorithm is the configured one (JWT_ALGORITHM), never the one a token's
header names (RFC 8725 §2.1), and only HMAC ones are offered, so a key is one setting.

Key rotation: each token names its key in the `kid` header. Tokens are signed with JWT_KEY (named
JWT_KEY_ID) and verified with it or with any key of JWT_PREVIOUS_KEYS. To rotate, move the current
id:key into JWT_PREVIOUS_KEYS and set a new pair; drop the old key once JWT_ACCESS_TTL has passed.
A token naming a key that is in neither is refused, as is one with no `kid`.

Stateless means an access token cannot be revoked: it is kept short (15 minutes by default) and
renewed with a refresh token (core.auth.tokens.refresh), which can be.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jwt

from core.acl.grants import user_id_of
from core.auth.tokens.errors import TokenError
from core.settings import settings

REQUIRED_CLAIMS = ["sub", "exp", "iat", "aud", "iss"]


@dataclass(frozen=True)
class KeyRing:
    """The signing key and every key that still verifies, by id."""

    current_id: str
    keys: dict[str, bytes]
    algorithm: str

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says: whose it is and what it may do."""

    user_id: int
    scopes: frozenset[str]
    expires_at: int


def key_ring() -> KeyRing:
    """The keys as settings say now (read per call, so a test or a reload sees a change at once).

    Their lengths were checked when the settings were read (`Env.signing_key`, `Env.key_ring`).
    """
    keys = {kid: key.encode() for kid, key in settings.JWT_PREVIOUS_KEYS.items()}
    # Derived rather than SECRET_KEY itself, so a JWT never doubles as a session-cookie signature.
    keys[settings.JWT_KEY_ID] = settings.JWT_KEY.encode() or hmac.new(
        str(settings.SECRET_KEY).encode(), b"nori.auth.tokens.access", hashlib.sha256).digest()
    return KeyRing(settings.JWT_KEY_ID, keys, settings.JWT_ALGORITHM)


def issue_access_token(user: Any, scopes: Iterable[str] = (), *, ttl: int | None = None) -> str:
    """A signed token for `user` (a user or its id) carrying `scopes`, valid `ttl` seconds (JWT_ACCESS_TTL)."""
    ring = key_ring()
    issued = int(time.time())
    claims = {
        "sub": str(user_id_of(user)), "iat": issued, "exp": issued + (ttl or settings.JWT_ACCESS_TTL),
        "iss": settings.JWT_ISSUER, "aud": settings.JWT_AUDIENCE, "scope": " ".join(sorted(set(scopes))),
    }
    return jwt.encode(claims, ring.current, algorithm=ring.algorithm, headers={"kid": ring.current_id})


def verify_access_token(token: str) -> AccessClaims:
    """The claims of a valid token, or TokenError saying why it is not one."""
    ring = key_ring()
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = ring.keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise TokenError("the token is signed with an unknown key")
        claims = jwt.decode(token, key, algorithms=[ring.algorithm], audience=settings.JWT_AUDIENCE,
                            issuer=settings.JWT_ISSUER, options={"require": REQUIRED_CLAIMS})
    except jwt.ExpiredSignatureError:
        raise TokenError("the token has expired") from None
    except jwt.InvalidAudienceError:
        raise TokenError("the token is meant for another audience") from None
    except jwt.InvalidIssuerError:
        raise TokenError("the token comes from another issuer") from None
    except jwt.MissingRequiredClaimError as missing:
        raise TokenError(f"the token lacks the {missing.claim} claim") from None
    except jwt.InvalidTokenError:
        raise TokenError("the token is not valid") from None
    subject, scope = claims["sub"], claims.get("scope", "")
    if not isinstance(subject, str) or not subject.isdigit() or not isinstance(scope, str):
        raise TokenError("the token is not valid")
    return AccessClaims(int(subject), frozenset(scope.split()), int(claims["exp"]))
