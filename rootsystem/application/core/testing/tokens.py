"""Bearer headers for a site's tests of its token-protected endpoints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def bearer_headers(user: Any, scopes: Iterable[str] = ()) -> dict[str, str]:
    """`Authorization: Bearer <access token>` for `user` with `scopes`, as a logged-in API client sends.

    An access token needs no row, so this costs no query and leaves nothing to clean up.
    """
    from core.auth.tokens import issue_access_token

    return {"Authorization": f"Bearer {issue_access_token(user, scopes)}"}
