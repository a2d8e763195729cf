"""`@websocket_route(path)`: a handler taking a `Channel` becomes a route to list in routes.py.

    @websocket_route("/ws/chat/{room}", permission="chat.join")
    async def chat(channel: Channel) -> None: ...

    routes = [..., chat]

Who is on the socket is found the way a request's user is (core.auth.identity): the session
cookie, or `Authorization: Bearer`. Browsers cannot set headers on a WebSocket, so a `?token=`
query parameter is read as that header when there is none; a URL ends up in access logs, so give a
browser a short-lived access token (core.auth.tokens.issue_access_token) for it, never a personal
one. An invalid token makes the socket anonymous, as it does a request.

`login_required` refuses anonymous handshakes with 401; `permission` also refuses, with 403, a user
without it in the ACL, and a token whose scopes do not name it (as `require_permission` does).
The checks run before `accept`, so a refused client never holds a socket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import HTTPConnection
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from core.acl.grants import check_permission_name, is_active, load_grants
from core.auth.identity import current_user, set_current_user
from core.realtime.channel import Channel, Handler
from core.realtime.hub import hub
from core.realtime.refusal import refuse
from core.realtime.shutdown import close_sockets_before_stop


async def socket_user(websocket: WebSocket) -> Any | None:
    """The socket's user: session, bearer header, or the `token` query parameter standing in for it."""
    token = websocket.query_params.get("token")
    if token and "authorization" not in websocket.headers:
        from core.auth.tokens.bearer import load_bearer_user

        with_header = {**websocket.scope, "headers": [*websocket.scope["headers"],
                                                      (b"authorization", f"Bearer {token}".encode("latin-1"))]}
        user = await load_bearer_user(HTTPConnection(with_header))  # the verdict lands in the shared scope state
        set_current_user(websocket, user)
        return user
    return await current_user(websocket)


async def permitted(websocket: WebSocket, user: Any, permission: str) -> bool:
    if not is_active(user) or not (await load_grants(user, websocket)).allows(permission):
        return False
    from core.auth.tokens.bearer import token_grants

    scoped = token_grants(websocket)
    return scoped is None or scoped.allows(permission)


def websocket_route(
    path: str, *, name: str | None = None, login_required: bool = False, permission: str | None = None,
) -> Callable[[Handler], WebSocketRoute]:
    """Make `handler(channel)` the endpoint of a WebSocket route at `path` (see the module docstring)."""
    if permission is not None:
        check_permission_name(permission)

    def decorate(handler: Handler) -> WebSocketRoute:
        async def endpoint(websocket: WebSocket) -> None:
            from core.settings import settings

            user = await socket_user(websocket)
            scope, receive, send = websocket.scope, websocket.receive, websocket.send
            if user is None and (login_required or permission is not None):
                await refuse(scope, receive, send, 401, "log in first")
                return
            if permission is not None and not await permitted(websocket, user, permission):
                await refuse(scope, receive, send, 403, "you do not have permission to do this")
                return
            await websocket.accept()
            close_sockets_before_stop()
            await Channel(websocket, user, hub=hub, max_message=settings.REALTIME_MAX_MESSAGE).serve(handler)

        return WebSocketRoute(path, endpoint, name=name or handler.__name__)

    return decorate
