"""Remember me: a long-lived login token that rotates on every use and can be revoked.

Not a longer session cookie: the session stays as short as `SESSION_MAX_AGE` says, and the
`nori_remember` cookie only opens a new one when a visitor comes back without a session. The
cookie is `selector.validator` (both random); the `remember_tokens` table keeps the selector and
a SHA-256 of the validator, so a copy of the table logs nobody in, and deleting rows (logout,
`forget_user`, a password reset) revokes them at once.

Each use rotates the validator, so a cookie works once. When a cookie with a known selector but
an outdated validator comes back, two browsers hold the same token: the owner's and a thief's,
and which one is which cannot be told. Every remember token and every server-side session of that
user then ends (theft detection, after Barry Jaspan's "improved persistent login cookie"), and the
owner logs in again with the password. The known cost: two requests that leave the browser at the
same moment with the same cookie, before the first answer arrives, look like that too. Only a
request with no logged-in session reads the cookie, and the first answer logs the browser in, so
that is the first page of a visit racing its own parallel requests; static files never read it.

A token lives `REMEMBER_ME_TTL` seconds from the login that asked for it: rotation changes the
validator, not the expiry, so a stolen cookie cannot be kept alive forever.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import Scope

from core.auth.sessions import USER_KEY, login
from core.http.headers import RawHeaders, ResponseHook
from core.http.sessions import cookie_value
from core.settings import settings

COOKIE = "nori_remember"
logger = logging.getLogger("nori.auth.remember")


def _digest(validator: str) -> str:
    return hashlib.sha256(validator.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _split(value: str) -> tuple[str, str] | None:
    selector, dot, validator = value.partition(".")
    if not dot or not selector or not validator or len(selector) > 32 or len(validator) > 128:
        return None
    return selector, validator


async def remember(user: Any) -> str:
    """Store a new token for `user` and give the cookie value that redeems it.

    Expired rows are purged here (one indexed delete), so tokens never redeemed do not pile up.
    """
    from core.models.remember_token import RememberToken

    await RememberToken.filter(expires_at__lte=_now()).delete()
    selector, validator = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
    await RememberToken.create(selector=selector, validator_hash=_digest(validator), user_id=user.pk,
                               expires_at=_now() + timedelta(seconds=settings.REMEMBER_ME_TTL))
    return f"{selector}.{validator}"


async def forget(value: str | None) -> None:
    """Revoke the token a cookie holds (logout); an unknown or malformed value is nothing to do."""
    from core.models.remember_token import RememberToken

    parts = _split(value or "")
    if parts is not None:
        await RememberToken.filter(selector=parts[0]).delete()


async def forget_user(user_id: Any) -> int:
    """Revoke every remember token of `user_id`; gives how many there were."""
    from core.models.remember_token import RememberToken

    return int(await RememberToken.filter(user_id=user_id).delete())


@dataclass(frozen=True)
class Redemption:
    """What a remember cookie was worth: a user and the rotated cookie, or nothing.

    `reused_by` is the user id when the cookie was an already-rotated token (see the module
    docstring): every login of that user has been ended.
    """

    user: Any | None = None
    cookie: str | None = None
    reused_by: Any | None = None


async def redeem(value: str) -> Redemption:
    """Check a remember cookie; a good one is rotated and gives its user."""
    from core.models.remember_token import RememberToken
    from core.registry import get_model

    parts = _split(value)
    if parts is None:
        return Redemption()
    selector, validator = parts
    row = await RememberToken.filter(selector=selector).first()
    if row is None:
        return Redemption()
    if row.expires_at <= _now():
        await row.delete()
        return Redemption()
    if not hmac.compare_digest(row.validator_hash, _digest(validator)):
        return await _reused(row.user_id)
    user = await get_model("User").filter(pk=row.user_id).first()
    if user is None or not getattr(user, "status", True):
        await row.delete()
        return Redemption()
    fresh = secrets.token_urlsafe(32)
    # Compare-and-set: of two requests rotating the same token, one wins and the other is a reuse.
    rotated = await RememberToken.filter(id=row.id, validator_hash=row.validator_hash).update(
        validator_hash=_digest(fresh))
    if not rotated:
        return await _reused(row.user_id)
    return Redemption(user=user, cookie=f"{selector}.{fresh}")


async def _reused(user_id: Any) -> Redemption:
    """An outdated validator came back: end every remember token and server-side session of the user."""
    from core.http.session_store import session_store

    revoked = await forget_user(user_id)
    store = session_store()
    ended = await store.delete_user(user_id) if store is not None else 0
    logger.warning("remember-me token reused for user %s: %d token(s) and %d session(s) ended",
                   user_id, revoked, ended)
    return Redemption(reused_by=user_id)


def remember_cookie(value: str | None, *, secure: bool) -> str:
    """The Set-Cookie value that stores `value`, or that deletes the cookie when it is None."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[COOKIE] = value or ""
    morsel = cookie[COOKIE]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    morsel["max-age"] = settings.REMEMBER_ME_TTL if value else 0
    if secure:
        morsel["secure"] = True
    return morsel.OutputString()


class RememberMe:
    """Logs in a visitor who has no logged-in session but a valid remember cookie, and rotates it.

    Run by the front layer (core/http/front.py) after the session and CSRF checks (the CSRF check
    has used the visitor's session before the login empties it) and before authentication, which
    then loads the user as for any login. A cookie that redeems nothing is deleted, so it is not
    checked again.
    """

    def __init__(self, *, secure: bool, skip_prefixes: tuple[str, ...] = ("/static/",)) -> None:
        self.secure = secure
        self.skip_prefixes = skip_prefixes

    async def open(self, scope: Scope, on_start: list[ResponseHook]) -> None:
        """For an HTTP request: redeem its remember cookie, if it needs one, and set the rotated cookie."""
        session = scope.get("session")
        value = cookie_value(scope, COOKIE)
        if (value is None or session is None or session.get(USER_KEY) is not None
                or scope["path"].startswith(self.skip_prefixes)):
            return
        redemption = await redeem(value)
        connection = HTTPConnection(scope)
        if redemption.user is not None:
            await login(connection, redemption.user)
        elif redemption.reused_by is not None:
            from core.audit import audit

            audit(connection, "remember.reused", model_name="User", record_id=redemption.reused_by,
                  user_id=redemption.reused_by)
        header = (b"set-cookie", remember_cookie(redemption.cookie, secure=self.secure).encode("latin-1"))

        async def set_cookie(headers: RawHeaders) -> None:
            headers.append(header)

        on_start.append(set_cookie)
