"""Password reset: the link's token, finding its user, and setting the new password.

The token is bound to the current password hash (core/auth/signed_links.py), so it is single-use
with nothing stored: the new password's hash no longer matches it. Setting the new password
ends every other login of the user: a thief who knew the old password, or held a session or a
remember-me cookie, is out.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import HTTPConnection

from core.auth.passwords import hash_password
from core.auth.signed_links import RESET_PASSWORD, make_token, user_for_link
from core.settings import settings

logger = logging.getLogger("nori.auth.password_reset")


def reset_token(user: Any) -> str:
    """The token of a reset link for `user`, valid PASSWORD_RESET_TTL seconds or until the password changes."""
    return make_token(RESET_PASSWORD, user.pk, user.password_hash)


async def user_for_reset(token: str) -> Any | None:
    """The active user a reset token was made for, while their password is the one it was bound to."""
    return await user_for_link(RESET_PASSWORD, token, settings.PASSWORD_RESET_TTL, lambda user: user.password_hash)


async def reset_password(connection: HTTPConnection, user: Any, password: str) -> int:
    """Store `password` for `user` and end every other login of theirs (sessions and remember-me
    tokens); the session of `connection` stays, under a new id. Gives how many sessions ended.

    Both the reset link and the account's password change end here. With signed-cookie sessions
    there is no server-side session to end: the remember-me tokens are revoked and a warning says
    why the rest cannot be (see `logout_everywhere`).
    """
    from core.auth.remember import forget_user
    from core.auth.sessions import logout_everywhere
    from core.http.session_store import session_store
    from core.http.sessions import renew_session_id

    user.password_hash = await hash_password(password)
    await user.save(update_fields=["password_hash"])
    if "session" in connection.scope:
        renew_session_id(connection)
    if session_store() is None:
        await forget_user(user.pk)
        logger.warning("password changed for user %s: signed-cookie sessions cannot be ended server-side; "
                       "set SESSION_BACKEND=redis or database", user.pk)
        return 0
    return await logout_everywhere(user, keep=connection)
