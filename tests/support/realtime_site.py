"""The site plus WebSocket routes and a few helpers, served by tests/test_realtime.py and bench/realtime.py.

Serve it with `uvicorn tests.support.realtime_site:app` from `rootsystem/application` with the
project root on PYTHONPATH. The helpers make a user (with `chat.join` or without), hand out an
access token or a session for them, and broadcast from a controller or from a job.
"""

from __future__ import annotations

import itertools
import os

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.acl import assign_role, grant
from core.auth.sessions import login
from core.auth.tokens import issue_access_token
from core.jobs import job
from core.kernel import create_app
from core.models import Role
from core.realtime import Channel, broadcast, websocket_route
from core.registry import get_model
from routes import routes

_numbers = itertools.count(1)


@websocket_route("/ws/chat/{room}", permission="chat.join")
async def chat(channel: Channel) -> None:
    """Join the room, say so, then broadcast every message the client sends to the room."""
    room = channel.path_params["room"]
    await channel.join(room)
    await channel.send({"joined": room, "user": channel.user.email})
    async for message in channel:
        await broadcast(room, {"from": channel.user.email, "text": message})


@websocket_route("/ws/feed/{room}")
async def feed(channel: Channel) -> None:
    """Anyone may listen: join, say so, and receive the room's broadcasts until leaving."""
    await channel.join(channel.path_params["room"])
    await channel.send({"joined": channel.path_params["room"], "user": getattr(channel.user, "email", None)})


@websocket_route("/ws/me", login_required=True)
async def me(channel: Channel) -> None:
    await channel.send({"user": channel.user.email})


async def make_user(request: Request) -> JSONResponse:
    """A new user; `?chat=1` gives them the `chat.join` permission. Answers an access token for them."""
    number = f"{os.getpid()}-{next(_numbers)}"
    user = await get_model("User").create(slug=f"rt-{number}", name="Socket", email=f"rt-{number}@example.com",
                                          password_hash="x")
    if request.query_params.get("chat"):
        await Role.get_or_create(name="chatter")
        await grant("chatter", "chat.join")
        await assign_role(user, "chatter")
    scopes = request.query_params.getlist("scope")
    return JSONResponse({"id": user.id, "email": user.email, "token": issue_access_token(user, scopes or ["*"])})


async def log_in(request: Request) -> JSONResponse:
    """Log the user in on this client's session (the answer sets the session cookie)."""
    user = await get_model("User").get(pk=int(request.path_params["user_id"]))
    await login(request, user)
    return JSONResponse({"logged_in": user.email})


async def broadcast_from_controller(request: Request) -> JSONResponse:
    """Broadcast each of the body's `messages` to the room, in order."""
    messages = (await request.json())["messages"]
    for message in messages:
        await broadcast(request.path_params["room"], message)
    return JSONResponse({"sent": len(messages)})


@job()
async def announce(room: str, count: int) -> None:
    for number in range(count):
        await broadcast(room, {"job": number})


async def broadcast_from_job(request: Request) -> JSONResponse:
    count = int(request.query_params.get("n", "1"))
    await announce.dispatch(room=request.path_params["room"], count=count)
    return JSONResponse({"queued": count}, status_code=202)


app = create_app(routes=[
    chat, feed, me,
    Route("/_rt/users", make_user, methods=["POST"], name="rt.users"),
    Route("/_rt/login/{user_id:int}", log_in, methods=["POST"], name="rt.login"),
    Route("/_rt/broadcast/{room}", broadcast_from_controller, methods=["POST"], name="rt.broadcast"),
    Route("/_rt/job/{room}", broadcast_from_job, methods=["POST"], name="rt.job"),
    *routes,
], csrf_exempt=["rt.users", "rt.login", "rt.broadcast", "rt.job"])
