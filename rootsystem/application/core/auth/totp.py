"""Time-based one-time passwords (RFC 6238) and their enrolment QR code: the one place pyotp and segno are used.

Codes are the authenticator apps' default: six digits, SHA-1, a new code every 30 seconds. A
code is accepted for its own step and the one either side (`DRIFT_STEPS`), so a phone whose
clock is a little off, or a user who types the code as it changes, still gets in. `matching_step`
says *which* step matched, which is what lets the caller refuse the same code twice (replay).

The QR code is an inline `<svg>` drawn on the server: no image service, no script, and nothing
the Content-Security-Policy has to allow (its colours are SVG attributes, not a `style`).

pyotp loads at the first code made or checked, not with the routes that might ask for one.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyotp

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1


def authenticator(secret: str) -> pyotp.TOTP:
    """pyotp's generator for `secret`, with the authenticator apps' settings."""
    import pyotp

    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def new_secret() -> str:
    """A fresh base32 seed (160 bits, as RFC 4226 recommends), to be shown once and stored sealed."""
    import pyotp

    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The `otpauth://totp/...` URI an authenticator app reads from the QR code."""
    return authenticator(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(text: str) -> str:
    """`text` as a QR code in an inline `<svg>` element, ready to be put into a page as it is."""
    import segno  # imported when a user enrols, not with the routes that might show one

    return str(segno.make(text, error="m").svg_inline(scale=4, title="Two-factor setup code"))


def current_code(secret: str, at: datetime | None = None) -> str:
    """The code an authenticator app shows now (or at `at`): for tests and the docs' examples."""
    return authenticator(secret).at(at or datetime.now(UTC))


def matching_step(secret: str, code: str, at: datetime | None = None) -> int | None:
    """The time step whose code `code` is, within DRIFT_STEPS of now; None for any other input.

    Each candidate is compared in constant time; a code of the wrong shape is refused before any.
    """
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = authenticator(secret)
    now = totp.timecode(at or datetime.now(UTC))
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
