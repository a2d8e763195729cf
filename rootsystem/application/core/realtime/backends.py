"""Where a broadcast travels between processes: Redis pub/sub, PostgreSQL LISTEN/NOTIFY, or nowhere.

Every process publishes every broadcast on one channel (REALTIME_CHANNEL) and hears every other
process's, then hands each to the sockets it holds in that room. One channel rather than one per
room keeps the backends alike and the order simple: a process sees broadcasts in the order the
server relayed them, whatever the room. The cost is that each process also hears rooms it holds no
socket in and drops them; with a few dozen processes that is cheap next to the fan-out itself.

A message on the wire is the room, a newline, then the JSON text sent to the sockets as is, so a
process never decodes and re-encodes what it only passes on.

Chosen by REALTIME_URL: `redis://` / `rediss://` a Redis server, `postgres://` / `postgresql://` a
PostgreSQL server, `memory://` this process only. Empty follows REDIS_URL, then the site's database
when that is PostgreSQL, then memory. The `broadcaster` package offered the same behind one API, but
encode/broadcaster is archived and its fork (broadcaster-ng) has only just made a first release; the
two small classes below use redis-py and asyncpg, which the framework already depends on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

from core.conf import SettingError

logger = logging.getLogger("nori.realtime")

Deliver = Callable[[str], None]

# PostgreSQL refuses a NOTIFY payload of 8000 bytes or more (the default block size); over Redis
# the same limit is kept, so a site behaves the same whichever server carries its broadcasts.
MAX_PAYLOAD = 7999


class MessageTooLarge(ValueError):
    """A broadcast whose encoded message is over what NOTIFY carries; send an id and let clients fetch."""


class Backend(Protocol):
    async def start(self, deliver: Deliver) -> None: ...
    async def publish(self, payload: str) -> None: ...
    async def stop(self) -> None: ...


class MemoryBackend:
    """This process only: a broadcast reaches the sockets this process holds, at once and in order."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def publish(self, payload: str) -> None:
        if self._deliver is not None:
            self._deliver(payload)

    async def stop(self) -> None:
        self._deliver = None


class RedisBackend:
    """Redis pub/sub: one subscribing connection read by one task, publishes on the client's pool.

    Pub/sub keeps nothing: a process that is reconnecting misses what was published meanwhile. The
    reader logs the outage and subscribes again, so sockets keep working once Redis is back.
    """

    def __init__(self, url: str, channel: str) -> None:
        try:
            import redis.asyncio as redis
        except ModuleNotFoundError:
            raise SettingError(f"broadcasting over {url.split(':', 1)[0]}:// needs redis-py: "
                               "pip install '.[redis]'") from None

        self._client = redis.Redis.from_url(url)
        self._channel = channel
        self._reader: asyncio.Task[None] | None = None

    async def start(self, deliver: Deliver) -> None:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self._channel)  # before start() returns: a publish right after is heard
        self._reader = asyncio.create_task(self._read(pubsub, deliver))

    async def _read(self, pubsub: Any, deliver: Deliver) -> None:
        from redis.exceptions import RedisError

        while True:
            try:
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        deliver(message["data"].decode())
                reason: object = "the subscription ended"
            except (RedisError, OSError) as error:
                reason = error
            logger.warning("realtime: lost Redis (%s); subscribing again", reason)
            await asyncio.sleep(1)
            with contextlib.suppress(RedisError, OSError):  # still down: the next listen() says so
                await pubsub.subscribe(self._channel)

    async def publish(self, payload: str) -> None:
        await self._client.publish(self._channel, payload)

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        await self._client.aclose()


class PostgresBackend:
    """LISTEN/NOTIFY on one dedicated asyncpg connection, outside the ORM's pool.

    A pooled connection would be handed to a query while it listens, and a listener on it would
    hear nothing once the pool recycles it; so the backend owns one connection for its life. It
    also publishes on it (`pg_notify` under a lock, since asyncpg runs one query at a time on a
    connection), which keeps a process's broadcasts in the order it sent them. A lost connection
    (a restarted server, a terminated backend) is logged and opened again every second until it
    is back; a broadcast meanwhile raises, and what others sent meanwhile is not heard.
    """

    def __init__(self, connect: Callable[[], Any], channel: str) -> None:
        self._connect = connect
        self._channel = channel
        self._connection: Any = None
        self._deliver: Deliver | None = None
        self._lock = asyncio.Lock()
        self._reconnecting: asyncio.Task[None] | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        await self._open()

    async def _open(self) -> None:
        connection = await self._connect()
        await connection.add_listener(self._channel, self._heard)
        connection.add_termination_listener(self._lost)
        self._connection = connection

    def _heard(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        if self._deliver is not None:
            self._deliver(payload)

    def _lost(self, _connection: Any) -> None:
        if self._deliver is None:  # stopped on purpose
            return
        logger.warning("realtime: lost the PostgreSQL connection; listening again")
        self._reconnecting = asyncio.ensure_future(self._reconnect())

    async def _reconnect(self) -> None:
        while self._deliver is not None:
            await asyncio.sleep(1)
            try:
                await self._open()
                return
            except Exception as error:  # asyncpg's and the socket's errors alike: try again
                logger.warning("realtime: PostgreSQL does not answer yet: %s", error)

    async def publish(self, payload: str) -> None:
        async with self._lock:
            await self._connection.execute("SELECT pg_notify($1, $2)", self._channel, payload)

    async def stop(self) -> None:
        self._deliver = None
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self._connection is not None:
            await self._connection.close()
            self._connection = None


def configured_backend() -> Backend:
    """The backend the settings name (see the module docstring); SettingError for an unknown scheme."""
    from core.settings import settings

    url = settings.REALTIME_URL or settings.REDIS_URL
    channel = settings.REALTIME_CHANNEL
    if not url:
        db = settings.DATABASE
        if db.engine != "postgres":
            return MemoryBackend()
        import asyncpg

        return PostgresBackend(lambda: asyncpg.connect(
            host=db.host, port=db.effective_port, user=db.effective_user, password=db.password or None,
            database=db.name,
        ), channel)
    if url.startswith(("redis://", "rediss://")):
        return RedisBackend(url, channel)
    if url.startswith(("postgres://", "postgresql://")):
        import asyncpg

        return PostgresBackend(lambda: asyncpg.connect(url), channel)
    if url == "memory://":
        return MemoryBackend()
    raise SettingError(f"REALTIME_URL={url!r} is not a broadcast server: use redis://, postgres:// or memory://")
