"""Refusing a WebSocket before it is accepted: an HTTP answer where the server can, else close 1008.

Browsers show scripts neither the status nor the body of a refused handshake, but other clients
and logs do, so the refusal says why when the server offers the ASGI denial-response extension
(uvicorn does): 401 nobody logged in, 403 not allowed or a foreign Origin. Without it, closing
before `accept` makes the server answer 403 itself; 1008 is "policy violation".
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

POLICY_VIOLATION = 1008


async def refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    if "websocket.http.response" in scope.get("extensions", {}):
        response = JSONResponse({"error": message, "status": status}, status_code=status)
        await response(scope, receive, send)
        return
    await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": message[:120]})
