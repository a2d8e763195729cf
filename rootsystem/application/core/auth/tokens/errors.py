"""The one error a token check raises."""

from __future__ import annotations


class TokenError(Exception):
    """Why a token was refused. The text reaches the client (the 401 body and its
    `WWW-Authenticate` error_description), so it says what is wrong and never echoes the token."""
