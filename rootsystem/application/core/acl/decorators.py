"""`require_permission` / `require_role` for controllers (functions or methods taking a request).

Nobody logged in: 401, which for a browser is a redirect to settings.LOGIN_URL with `?next=`
pointing back here. Logged in without the grant: 403. A request authenticated by an API token
(core.auth.tokens) also needs the permission among the token's scopes for `require_permission`;
`require_role` looks at the user's roles alone, since scopes name permissions, not roles. Both
answer JSON or a page, by what the request accepts (core.http.negotiation).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from starlette.requests import Request

from core.acl.grants import Grants, check_permission_name, check_role_name, is_active, load_grants
from core.auth.decorators import request_of, unauthenticated
from core.auth.identity import current_user
from core.http.errors import error_response

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


def _guard(check: Callable[[Grants], bool], denied: str, *, token_scoped: bool = False) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            request = request_of(args, kwargs, "require_permission/require_role")
            user = await current_user(request)
            if user is None:
                return unauthenticated(request)
            if not is_active(user) or not check(await load_grants(user, request)):
                return error_response(request, 403, denied)
            if token_scoped and not _token_allows(request, check):
                return error_response(request, 403, "The token's scopes do not allow this")
            return await handler(*args, **kwargs)

        return cast(Handler, guarded)

    return decorate


def _token_allows(request: Request, check: Callable[[Grants], bool]) -> bool:
    """A request authenticated by an API token may use only the permissions its scopes name."""
    if "authorization" not in request.headers:
        return True
    from core.auth.tokens.bearer import token_grants

    scoped = token_grants(request)
    return scoped is None or check(scoped)


def require_permission(*permissions: str) -> Callable[[Handler], Handler]:
    """Let the request through only if the user holds every listed permission."""
    if not permissions:
        raise TypeError("require_permission needs at least one permission name")
    for name in permissions:
        check_permission_name(name)
    return _guard(lambda grants: all(grants.allows(name) for name in permissions),
                  "You do not have permission to do this", token_scoped=True)


def require_role(*roles: str) -> Callable[[Handler], Handler]:
    """Let the request through if the user holds any of the listed roles."""
    if not roles:
        raise TypeError("require_role needs at least one role name")
    for name in roles:
        check_role_name(name)
    return _guard(lambda grants: not grants.roles.isdisjoint(roles), "Your role does not allow this")

