"""`@token_required(scopes=[...])`: endpoints for API clients holding a bearer token.

Always JSON, with the challenge RFC 6750 defines in `WWW-Authenticate`: 401 when the request has
no bearer token, or one that is malformed, tampered with, expired or revoked (a session cookie
does not count: the endpoint is for tokens); 403 `insufficient_scope` when the token lacks a
required scope, or its user no longer holds that permission, since a token never does more
than its user may.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar, cast

from starlette.requests import Request
from starlette.responses import JSONResponse

from core.acl.grants import check_permission_name, load_grants
from core.auth.decorators import REQUIREMENT, request_of
from core.auth.identity import current_user
from core.auth.tokens.bearer import bearer_credentials, bearer_verdict, token_grants
from core.auth.tokens.errors import TokenError
from core.http.errors import with_request_id

Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Any]])


def token_required(*, scopes: Iterable[str] = ()) -> Callable[[Endpoint], Endpoint]:
    """Let the endpoint run only for a valid bearer token holding every scope in `scopes`."""
    required = tuple(check_permission_name(scope) for scope in scopes)

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            request = request_of(args, kwargs, "token_required")
            if bearer_credentials(request) is None:
                return challenge(request, 401, "Authentication required: send Authorization: Bearer <token>")
            user = await current_user(request)
            scoped = token_grants(request)
            if user is None or scoped is None:
                verdict = bearer_verdict(request)
                reason = str(verdict) if isinstance(verdict, TokenError) else "the token is not valid"
                return challenge(request, 401, f"Invalid token: {reason}", error="invalid_token", description=reason)
            missing = [scope for scope in required if not scoped.allows(scope)]
            if missing:
                return challenge(request, 403, f"The token lacks the scope {', '.join(missing)}",
                                 error="insufficient_scope", scope=" ".join(required))
            if required:
                user_grants = await load_grants(user, request)
                withdrawn = [scope for scope in required if not user_grants.allows(scope)]
                if withdrawn:
                    return challenge(request, 403, f"The token's user does not hold {', '.join(withdrawn)}",
                                     error="insufficient_scope", scope=" ".join(required))
            return await endpoint(*args, **kwargs)

        # For the OpenAPI description: a bearer token; 403 only where a scope can be missing.
        setattr(guarded, REQUIREMENT, ("bearer", (401, 403) if required else (401,)))
        return cast(Endpoint, guarded)

    return decorate


def challenge(request: Request, status: int, message: str, **params: str) -> JSONResponse:
    """A JSON error with `WWW-Authenticate: Bearer key="value", ...` (RFC 6750 §3)."""
    names = {"error": "error", "description": "error_description", "scope": "scope"}
    header = "Bearer" + ",".join(f' {names[key]}="{value}"' for key, value in params.items())
    headers = with_request_id(request, {"WWW-Authenticate": header})
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
