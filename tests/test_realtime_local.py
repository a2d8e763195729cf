"""WebSockets inside one process: the in-process backend, the server's pings, the settings' readers,
and the Redis reader getting its subscription back after an outage.

The site is served by uvicorn inside the test's own event loop (lifespan off: no database is
needed by these anonymous routes), with the options `serve` gives it. The outage test runs a
redis-server of its own (core.testing.redis.PrivateRedis), never the shared one.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect

import settings
from core.conf import SettingError
from core.database import DatabaseSettings
from core.kernel import create_app
from core.realtime import Channel, broadcast, websocket_route
from core.realtime.backends import MemoryBackend, PostgresBackend, RedisBackend, configured_backend
from core.realtime.hub import hub
from core.serving import uvicorn_options
from core.testing.redis import PrivateRedis


@websocket_route("/ws/room/{room}")
async def room(channel: Channel) -> None:
    await channel.join(channel.path_params["room"])
    await channel.send({"joined": channel.path_params["room"]})


@pytest.fixture
async def served(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[int]:
    """The port of an app with the `room` route, pinging every second and giving a pong a second."""
    async with serving(monkeypatch, "memory://") as port:
        yield port


@contextlib.asynccontextmanager
async def serving(monkeypatch: pytest.MonkeyPatch, realtime_url: str) -> AsyncIterator[int]:
    monkeypatch.setattr(settings, "REALTIME_URL", realtime_url)
    monkeypatch.setattr(settings, "REALTIME_PING_INTERVAL", 1)
    monkeypatch.setattr(settings, "REALTIME_PING_TIMEOUT", 1)
    await hub.stop()  # a backend another test started is not this test's
    config = uvicorn.Config(create_app(routes=[room]), port=0, lifespan="off", log_level="warning",
                            **uvicorn_options())
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110  (uvicorn has a flag for it, no event)
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await serving
        await hub.stop()


async def test_the_in_process_backend_reaches_every_socket_of_the_room_in_order(served: int) -> None:
    async with connect(f"ws://127.0.0.1:{served}/ws/room/a") as first, \
            connect(f"ws://127.0.0.1:{served}/ws/room/a") as second, \
            connect(f"ws://127.0.0.1:{served}/ws/room/b") as other:
        for socket in (first, second, other):
            await socket.recv()
        for number in range(100):
            await broadcast("a", {"n": number})
        await broadcast("b", "only b")
        for socket in (first, second):
            assert [json.loads(await socket.recv()) for _ in range(100)] == [{"n": n} for n in range(100)]
        assert await other.recv() == "only b"  # room a's broadcasts never reached it


async def test_a_client_that_never_answers_a_ping_is_closed(served: int) -> None:
    """A raw TCP client completes the handshake and then reads without ever sending a pong."""
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET /ws/room/quiet HTTP/1.1\r\nHost: 127.0.0.1:{served}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    await writer.drain()
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    received = b""
    while chunk := await asyncio.wait_for(reader.read(4096), 30):  # ends when the server drops us
        received += chunk
    writer.close()
    assert b"\x89" in received  # a ping frame (FIN + opcode 9) came first, unanswered


def test_pings_follow_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "REALTIME_PING_INTERVAL", 0)
    monkeypatch.setattr(settings, "REALTIME_PING_TIMEOUT", 7)
    options: dict[str, Any] = uvicorn_options()
    assert (options["ws_ping_interval"], options["ws_ping_timeout"]) == (None, 7)  # 0: no pings at all


def test_the_backend_follows_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "REDIS_URL", "")
    monkeypatch.setattr(settings, "REALTIME_URL", "")
    monkeypatch.setattr(settings, "DATABASE", DatabaseSettings(engine="sqlite", name="site.sqlite3"))
    assert isinstance(configured_backend(), MemoryBackend)  # SQLite and no Redis: this process only
    monkeypatch.setattr(settings, "DATABASE", DatabaseSettings(engine="postgres", name="site"))
    assert isinstance(configured_backend(), PostgresBackend)  # no connection is opened until the first use
    monkeypatch.setattr(settings, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert isinstance(configured_backend(), RedisBackend)  # REDIS_URL wins over the database
    monkeypatch.setattr(settings, "REALTIME_URL", "memory://")
    assert isinstance(configured_backend(), MemoryBackend)  # and REALTIME_URL over both
    monkeypatch.setattr(settings, "REALTIME_URL", "amqp://broker")
    with pytest.raises(SettingError, match="REALTIME_URL='amqp://broker' is not a broadcast server"):
        configured_backend()


async def heard_again(socket: Any, room: str, seconds: float = 30) -> int:
    """Broadcast numbered messages until the socket receives one; pub/sub drops what is sent while the
    reader is away, so the first ones may be lost. The number of the first one received."""
    import redis.exceptions

    deadline = time.monotonic() + seconds
    number = 0
    while time.monotonic() < deadline:
        number += 1
        with contextlib.suppress(redis.exceptions.RedisError, OSError):  # the publisher may be reconnecting
            await broadcast(room, {"n": number})
        try:
            while True:  # skip anything older than what was just sent
                heard = json.loads(await asyncio.wait_for(socket.recv(), 0.5))["n"]
                if heard == number:
                    return number
        except TimeoutError:
            continue
    raise AssertionError(f"no broadcast reached the socket within {seconds} s")


async def test_the_redis_reader_subscribes_again_after_an_outage(monkeypatch: pytest.MonkeyPatch) -> None:
    import redis.asyncio

    private = PrivateRedis()
    private.start()
    try:
        async with serving(monkeypatch, private.url) as port, \
                connect(f"ws://127.0.0.1:{port}/ws/room/a") as socket:
            await socket.recv()
            await broadcast("a", {"n": 0})
            assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"n": 0}

            admin = redis.asyncio.Redis.from_url(private.url)
            try:
                assert await admin.client_kill_filter(_type="pubsub") == 1  # the reader's connection
            finally:
                await admin.aclose()
            await heard_again(socket, "a")

            private.stop()  # the server itself goes away and comes back, empty, on the same port
            private.start()
            await heard_again(socket, "a")
            for number in range(100, 120):  # and once back, nothing is lost or reordered
                await broadcast("a", {"n": number})
            assert [json.loads(await asyncio.wait_for(socket.recv(), 10))["n"] for _ in range(20)] == \
                list(range(100, 120))
    finally:
        private.close()
