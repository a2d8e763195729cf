"""Two-factor authentication: a user's TOTP seed, their recovery codes, and the login step between.

Enrolment is two steps, as in Laravel Fortify: `begin_setup` stores a new seed (sealed under
SECRET_KEY by core/encryption.py, so a database copy holds no usable seed) and the user scans it;
only `confirm` with a current code turns two-factor on, so nobody is locked out by a seed their
phone never saw. Confirming gives ten recovery codes, shown once and stored as SHA-256 digests
(core/models/recovery_code.py); each opens one login when the phone is lost.

A code works once: the last accepted time step is stored on the user and moved forward by a
compare-and-set, so the same code (or an older one) sent again, even by two requests racing, is
refused. A recovery code is deleted as it is used, which is just as atomic.

The login step: after a correct password, `start_challenge` keeps a pending marker in the session
(the user id, the moment it lapses, "remember me" and `next`); the user is not logged in until
`verify_second_factor` accepts a code. The marker lives CHALLENGE_SECONDS, so a password typed on a
shared computer and abandoned at the code prompt is worth nothing a few minutes later.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import HTTPConnection
from tortoise.expressions import Q

from core.auth import totp
from core.encryption import open_sealed, seal
from core.settings import settings

SEAL_PURPOSE = "nori.two-factor-secret"
RECOVERY_CODE_COUNT = 10
CHALLENGE_SECONDS = 300
PENDING_KEY = "_two_factor_pending"


def is_enabled(user: Any) -> bool:
    return getattr(user, "two_factor_confirmed_at", None) is not None


def secret_of(user: Any) -> str | None:
    """The user's seed in clear; None when there is none, or it was sealed under another SECRET_KEY."""
    sealed = getattr(user, "two_factor_secret", None)
    return open_sealed(SEAL_PURPOSE, sealed) if sealed else None


@dataclass(frozen=True)
class Enrolment:
    """What the setup page shows: the seed as text (to type in), its URI and the QR code of it."""

    secret: str
    uri: str
    qr_svg: str


def enrolment(user: Any) -> Enrolment | None:
    """The seed being set up for `user`, while it is not confirmed yet."""
    secret = secret_of(user)
    return None if secret is None or is_enabled(user) else _enrolment_of(user, secret)


def _enrolment_of(user: Any, secret: str) -> Enrolment:
    uri = totp.provisioning_uri(secret, user.email, settings.TWO_FACTOR_ISSUER)
    return Enrolment(secret, uri, totp.qr_svg(uri))


async def begin_setup(user: Any) -> Enrolment:
    """Store a new, unconfirmed seed for `user` (replacing one never confirmed) and give it to show."""
    if is_enabled(user):
        raise ValueError("two-factor is already on: turn it off before setting up a new device")
    secret = totp.new_secret()
    user.two_factor_secret = seal(SEAL_PURPOSE, secret)
    user.two_factor_last_step = None
    await user.save(update_fields=["two_factor_secret", "two_factor_last_step"])
    return _enrolment_of(user, secret)


async def accept_code(user: Any, code: str) -> bool:
    """True when `code` is the user's current code and no code of this step or a later one was accepted before."""
    from core.registry import get_model

    secret = secret_of(user)
    step = totp.matching_step(secret, code) if secret else None
    if step is None:
        return False
    unused = Q(two_factor_last_step__isnull=True) | Q(two_factor_last_step__lt=step)
    moved = await get_model("User").filter(Q(pk=user.pk) & unused).update(two_factor_last_step=step)
    if moved:
        user.two_factor_last_step = step
    return bool(moved)


async def confirm(user: Any, code: str) -> list[str] | None:
    """Turn two-factor on when `code` matches the seed being set up; gives the new recovery codes, else None."""
    if is_enabled(user) or not await accept_code(user, code):
        return None
    user.two_factor_confirmed_at = datetime.now(UTC)
    await user.save(update_fields=["two_factor_confirmed_at"])
    return await new_recovery_codes(user)


async def disable(user: Any) -> None:
    """Turn two-factor off: the seed, the replay marker and every recovery code go."""
    from core.models.recovery_code import RecoveryCode

    user.two_factor_secret = user.two_factor_confirmed_at = user.two_factor_last_step = None
    await user.save(update_fields=["two_factor_secret", "two_factor_confirmed_at", "two_factor_last_step"])
    await RecoveryCode.filter(user_id=user.pk).delete()


def _recovery_digest(code: str) -> str:
    """Codes are compared without case, spaces or dashes: `ABCDE-FGHIJ` is `abcdefghij`."""
    return hashlib.sha256("".join(code.lower().replace("-", "").split()).encode()).hexdigest()


async def new_recovery_codes(user: Any) -> list[str]:
    """Replace `user`'s recovery codes with RECOVERY_CODE_COUNT new ones, given in clear this once."""
    from core.models.recovery_code import RecoveryCode

    codes = [f"{part[:5]}-{part[5:]}" for part in (secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT))]
    await RecoveryCode.filter(user_id=user.pk).delete()
    await RecoveryCode.bulk_create([RecoveryCode(user_id=user.pk, code_hash=_recovery_digest(code)) for code in codes])
    return codes


async def use_recovery_code(user: Any, code: str) -> bool:
    """True once per recovery code of `user`: the code is deleted as it is accepted."""
    from core.models.recovery_code import RecoveryCode

    if not code.strip() or len(code) > 64:
        return False
    return bool(await RecoveryCode.filter(user_id=user.pk, code_hash=_recovery_digest(code)).delete())


async def recovery_codes_left(user: Any) -> int:
    from core.models.recovery_code import RecoveryCode

    return await RecoveryCode.filter(user_id=user.pk).count()


@dataclass(frozen=True)
class Challenge:
    """A password was right and a code is awaited: whose, and how the login then goes on."""

    user_id: Any
    remember: bool
    next: str


def start_challenge(connection: HTTPConnection, user: Any, *, remember: bool, next: str) -> None:
    """Keep the pending marker in the session; nobody is logged in yet."""
    connection.session[PENDING_KEY] = {"u": user.pk, "until": time.time() + CHALLENGE_SECONDS,
                                       "remember": remember, "next": next}


def pending_challenge(connection: HTTPConnection) -> Challenge | None:
    """The session's unexpired marker; an expired or malformed one is removed."""
    if "session" not in connection.scope:
        return None
    marker = connection.session.get(PENDING_KEY)
    if isinstance(marker, dict) and isinstance(marker.get("until"), int | float) and marker["until"] > time.time():
        return Challenge(marker.get("u"), bool(marker.get("remember")), str(marker.get("next") or ""))
    connection.session.pop(PENDING_KEY, None)
    return None


async def challenged_user(connection: HTTPConnection) -> Any | None:
    """The active user with two-factor on whom the session's marker names; None ends the challenge."""
    from core.registry import get_model

    challenge = pending_challenge(connection)
    user = await get_model("User").filter(pk=challenge.user_id).first() if challenge else None
    if user is None or not getattr(user, "status", True) or not is_enabled(user):
        clear_challenge(connection)
        return None
    return user


def clear_challenge(connection: HTTPConnection) -> None:
    """Drop the marker (the challenge ended, or named nobody); logging in empties the session anyway."""
    if "session" in connection.scope:
        connection.session.pop(PENDING_KEY, None)


async def verify_second_factor(user: Any, code: str) -> str | None:
    """Which kind of code opened the login, "totp" or "recovery_code"; None when `code` is neither."""
    if await accept_code(user, code):
        return "totp"
    if await use_recovery_code(user, code):
        return "recovery_code"
    return None
