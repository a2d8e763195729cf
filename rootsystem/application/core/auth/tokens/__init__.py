"""API tokens: personal access tokens, JWT access tokens and rotating refresh tokens. See docs/api-tokens.md.

    from core.auth.tokens import create_personal_token, issue_token_pair, refresh_token_pair, token_required
"""

from core.auth.tokens.access import issue_access_token, verify_access_token
from core.auth.tokens.bearer import BearerToken, bearer_verdict
from core.auth.tokens.decorators import token_required
from core.auth.tokens.errors import TokenError
from core.auth.tokens.personal import CreatedToken, create_personal_token, revoke_personal_token, verify_personal_token
from core.auth.tokens.refresh import TokenPair, issue_token_pair, refresh_token_pair, revoke_refresh_token

__all__ = [
    "BearerToken",
    "CreatedToken",
    "TokenError",
    "TokenPair",
    "bearer_verdict",
    "create_personal_token",
    "issue_access_token",
    "issue_token_pair",
    "refresh_token_pair",
    "revoke_personal_token",
    "revoke_refresh_token",
    "token_required",
    "verify_access_token",
    "verify_personal_token",
]
