"""WebSockets across processes: two served copies of the site, a client on each, broadcasts between them.

Once over Redis pub/sub (REALTIME_URL, SQLite for the site's data) and once over PostgreSQL
LISTEN/NOTIFY (the site's database, no Redis configured at all). The refusals (foreign Origin,
nobody logged in, no permission), the size limit and the 1001 at shutdown are checked on the
first pair of servers.
"""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from core.testing.databases import drop_database, recreate_database
from core.testing.engines import engine_database, engine_plans
from core.testing.redis import require_redis
from tests.support.server import ROOT, database_environment, served_process

N = 200
MAX_MESSAGE = 1024
APP = "tests.support.realtime_site:app"


@dataclass
class Pair:
    backend: str
    first: str  # base URL of one server
    second: str
    tmp_path: Path
    settings: dict[str, str]


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


async def post(url: str, **options: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.post(url, **options)


async def new_user(base: str, *, chat: bool = True, scopes: tuple[str, ...] = ()) -> dict[str, Any]:
    params: list[tuple[str, str]] = [("chat", "1")] if chat else []
    params += [("scope", scope) for scope in scopes]
    answer = await post(base + "/_rt/users", params=params)
    answer.raise_for_status()
    return dict(answer.json())


def bearer(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {user['token']}"}


async def joined(socket: ClientConnection) -> dict[str, Any]:
    """The handler's first message: the join is done, so broadcasts from now on arrive."""
    hello = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert "joined" in hello
    return dict(hello)


async def received(socket: ClientConnection, count: int) -> list[Any]:
    return [json.loads(await asyncio.wait_for(socket.recv(), 10)) for _ in range(count)]


def postgres_database(tmp_path: Path) -> Any:
    plan = next(plan for plan in engine_plans() if plan.engine == "postgres")
    if not plan.reachable:
        if plan.required:
            pytest.fail(plan.skip_reason or "postgres unreachable", pytrace=False)
        pytest.skip(plan.skip_reason or "postgres unreachable")
    db = engine_database("postgres", "_realtime")
    asyncio.run(recreate_database(db))
    return db


@pytest.fixture(scope="module", params=["redis", "postgres"])
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two servers of the site sharing a database and a broadcast backend."""
    tmp_path = tmp_path_factory.mktemp(f"realtime-{request.param}")
    settings = {"DEBUG": "true", "SECRET_KEY": "r" * 48, "PYTHONPATH": str(ROOT),
                "REALTIME_MAX_MESSAGE": str(MAX_MESSAGE), "APP_URL": "http://app.example.test"}
    if request.param == "redis":
        settings.update({"DB_ENGINE": "sqlite", "DB_NAME": str(tmp_path / "site.sqlite3"),
                         "REALTIME_URL": require_redis(), "REALTIME_CHANNEL": f"nori_test_rt_{uuid.uuid4().hex}"})
        db = None
    else:
        db = postgres_database(tmp_path)
        settings.update(database_environment(db))  # no REDIS_URL nor REALTIME_URL: LISTEN/NOTIFY on the database
    settings = {**settings, "REDIS_URL": "", "QUEUE_URL": ""}  # jobs run in the server that dispatches them
    with ExitStack() as servers:
        # one after the other: the first builds the empty database (DEBUG), the second finds it built
        _, first = servers.enter_context(served_process(settings, tmp_path, app=APP))
        _, second = servers.enter_context(served_process(settings, tmp_path, app=APP))
        yield Pair(request.param, first, second, tmp_path, settings)
    if db is not None:
        asyncio.run(drop_database(db))


async def test_messages_sent_on_one_server_reach_the_other_in_order(pair: Pair) -> None:
    room = f"room-{uuid.uuid4().hex[:8]}"
    speaker, listener = await new_user(pair.first), await new_user(pair.second)
    async with connect(ws_url(pair.second, f"/ws/chat/{room}"), additional_headers=bearer(listener)) as there, \
            connect(ws_url(pair.first, f"/ws/chat/{room}"), additional_headers=bearer(speaker)) as here:
        await joined(there)
        assert (await joined(here))["user"] == speaker["email"]
        for number in range(N):
            await here.send(f"message {number}")
        expected = [{"from": speaker["email"], "text": f"message {number}"} for number in range(N)]
        assert await received(there, N) == expected
        assert await received(here, N) == expected  # the sender's own room hears it through the same path


async def test_broadcast_from_a_controller_and_from_a_job_reaches_the_other_server(pair: Pair) -> None:
    room = f"feed-{uuid.uuid4().hex[:8]}"
    async with connect(ws_url(pair.second, f"/ws/feed/{room}")) as listener:
        assert (await joined(listener))["user"] is None  # anonymous listeners are welcome on this route
        answer = await post(f"{pair.first}/_rt/broadcast/{room}", json={"messages": [{"n": n} for n in range(50)]})
        assert answer.status_code == 200
        assert await received(listener, 50) == [{"n": n} for n in range(50)]
        assert (await post(f"{pair.first}/_rt/job/{room}", params={"n": 20})).status_code == 202
        assert await received(listener, 20) == [{"job": n} for n in range(20)]


async def test_a_foreign_origin_is_refused_before_the_socket_opens(pair: Pair) -> None:
    user = await new_user(pair.first)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(pair.first, "/ws/chat/r"), additional_headers=bearer(user),
                           origin="https://evil.example"):  # type: ignore[arg-type]
            pass
    assert refused.value.response.status_code == 403
    for own in (pair.first, "http://app.example.test"):  # the Host it was sent to, and APP_URL
        async with connect(ws_url(pair.first, "/ws/chat/r"), additional_headers=bearer(user),
                           origin=own) as socket:  # type: ignore[arg-type]
            await joined(socket)


async def test_nobody_logged_in_is_refused_where_a_user_is_required(pair: Pair) -> None:
    for path in ("/ws/me", "/ws/chat/r"):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(ws_url(pair.first, path)):
                pass
        assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as bad_token:
        async with connect(ws_url(pair.first, "/ws/me"), additional_headers={"Authorization": "Bearer nonsense"}):
            pass
    assert bad_token.value.response.status_code == 401


async def test_the_session_user_and_a_query_token_are_on_the_socket(pair: Pair) -> None:
    user = await new_user(pair.first)
    async with httpx.AsyncClient(base_url=pair.first) as browser:
        assert (await browser.post(f"/_rt/login/{user['id']}")).status_code == 200
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    async with connect(ws_url(pair.first, "/ws/me"), additional_headers={"Cookie": cookie}) as socket:
        assert json.loads(await socket.recv()) == {"user": user["email"]}
    async with connect(ws_url(pair.first, f"/ws/me?token={user['token']}")) as socket:
        assert json.loads(await socket.recv()) == {"user": user["email"]}


async def test_a_user_without_the_permission_is_refused(pair: Pair) -> None:
    outsider = await new_user(pair.first, chat=False)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(pair.first, "/ws/chat/r"), additional_headers=bearer(outsider)):
            pass
    assert refused.value.response.status_code == 403
    narrow = await new_user(pair.first, scopes=("profile.read",))  # holds chat.join, but the token does not name it
    with pytest.raises(InvalidStatus) as scoped:
        async with connect(ws_url(pair.first, f"/ws/chat/r?token={narrow['token']}")):
            pass
    assert scoped.value.response.status_code == 403


async def test_an_oversized_message_closes_the_socket_with_1009(pair: Pair) -> None:
    user = await new_user(pair.first)
    async with connect(ws_url(pair.first, "/ws/chat/big"), additional_headers=bearer(user)) as socket:
        await joined(socket)
        await socket.send("x" * MAX_MESSAGE)  # at the limit: fine
        assert json.loads(await socket.recv())["text"] == "x" * MAX_MESSAGE
        await socket.send("é" * (MAX_MESSAGE // 2 + 1))  # fewer characters than the limit, more bytes
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(socket.recv(), 10)
        assert socket.close_code == 1009


@pytest.mark.parametrize("pair", ["postgres"], indirect=True)
async def test_a_lost_listening_connection_is_opened_again(pair: Pair) -> None:
    """The servers' LISTEN connections are terminated; broadcasts flow again once they are back."""
    import asyncpg

    room = f"lost-{uuid.uuid4().hex[:8]}"
    async with connect(ws_url(pair.second, f"/ws/feed/{room}")) as listener:
        await joined(listener)
        db = engine_database("postgres", "_realtime")
        admin = await asyncpg.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                      password=db.password or None, database=db.name)
        try:
            ended = await admin.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> "
                "pg_backend_pid() AND (query LIKE 'LISTEN%' OR query LIKE 'SELECT pg_notify%')", db.name)
        finally:
            await admin.close()
        assert ended
        for attempt in range(100):  # lost while the connections are down; one gets through once they are back
            await post(f"{pair.first}/_rt/broadcast/{room}", json={"messages": [{"attempt": attempt}]})
            try:
                await asyncio.wait_for(listener.recv(), 0.5)
                break
            except TimeoutError:
                continue
        else:
            raise AssertionError("no broadcast got through after the connections were terminated")
        await post(f"{pair.first}/_rt/broadcast/{room}", json={"messages": [{"after": n} for n in range(20)]})
        heard = []
        while len(heard) < 20:
            message = json.loads(await asyncio.wait_for(listener.recv(), 10))
            if "after" in message:
                heard.append(message["after"])
        assert heard == list(range(20))


async def test_stopping_the_server_closes_its_sockets_with_1001(pair: Pair) -> None:
    with served_process(pair.settings, pair.tmp_path, app=APP) as (server, base):
        user = await new_user(base)
        async with connect(ws_url(base, "/ws/chat/bye"), additional_headers=bearer(user)) as socket, \
                connect(ws_url(base, "/ws/feed/bye")) as listener:
            await joined(socket)
            await joined(listener)
            server.send_signal(signal.SIGINT)
            for client in (socket, listener):
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(client.recv(), 20)
                assert client.close_code == 1001
        server.wait(20)


