"""Server-side session data in Redis: the cookie carries only a random id.

A signed cookie cannot be taken back: a copy stolen before logout works until it expires. With
SESSION_BACKEND=redis the data lives in Redis under the id, with SESSION_MAX_AGE as its TTL
(renewed on each change), so logout deletes it and the copy is worth nothing. Each logged-in
session's id is also kept in a per-user set, which is how `logout_everywhere` finds them all.
Values are JSON, never pickle.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

import orjson

from core.stores import store_url

PREFIX = "nori:session:"


class SessionStoreUnavailable(Exception):
    """Redis did not answer; the middleware turns it into a 503 for the request."""


class SessionStore(Protocol):
    """What the session middleware needs from a server-side backend (Redis or the database)."""

    async def load(self, session_id: str) -> dict[str, Any] | None: ...
    async def save(self, session_id: str, data: dict[str, Any], ttl: int, user_id: Any | None) -> None: ...
    async def delete(self, session_id: str, user_id: Any | None = None) -> None: ...
    async def delete_user(self, user_id: Any, *, keep: str | None = None) -> int: ...
    async def close(self) -> None: ...


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


class RedisSessionStore:
    """load/save/delete by session id, and every session of one user."""

    def __init__(self, url: str | None = None, *, prefix: str = PREFIX) -> None:
        import redis.asyncio

        self.url = url or store_url("SESSION_URL")
        self.prefix = prefix
        self.client: Any = redis.asyncio.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        self._errors = (redis.exceptions.RedisError, OSError)

    def _key(self, session_id: str) -> str:
        return self.prefix + session_id

    def _user_key(self, user_id: Any) -> str:
        return f"{self.prefix}user:{user_id}"

    async def load(self, session_id: str) -> dict[str, Any] | None:
        try:
            raw = await self.client.get(self._key(session_id))
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error
        data = orjson.loads(raw) if raw else None
        return data if isinstance(data, dict) else None

    async def save(self, session_id: str, data: dict[str, Any], ttl: int, user_id: Any | None) -> None:
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.set(self._key(session_id), orjson.dumps(data), ex=ttl)
                if user_id is not None:
                    pipe.sadd(self._user_key(user_id), session_id)
                    pipe.expire(self._user_key(user_id), ttl)
                await pipe.execute()
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def delete(self, session_id: str, user_id: Any | None = None) -> None:
        try:
            await self.client.delete(self._key(session_id))
            if user_id is not None:
                await self.client.srem(self._user_key(user_id), session_id)
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def delete_user(self, user_id: Any, *, keep: str | None = None) -> int:
        """End every session of `user_id` but `keep`; gives how many ended."""
        try:
            ids = [i.decode() for i in await self.client.smembers(self._user_key(user_id))]
            ended = [i for i in ids if i != keep]
            if ended:
                await self.client.delete(*(self._key(i) for i in ended))
                await self.client.srem(self._user_key(user_id), *ended)
            return len(ended)
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def close(self) -> None:
        await self.client.aclose()


_store: SessionStore | None = None


def session_store() -> SessionStore | None:
    """The site's server-side store (SESSION_BACKEND=redis or database), else None (signed cookies)."""
    global _store
    from core.settings import settings

    if settings.SESSION_BACKEND == "cookie":
        return None
    if _store is None and settings.SESSION_BACKEND == "database":
        from core.http.session_db import DatabaseSessionStore

        _store = DatabaseSessionStore()
    if _store is None:
        from core.conf import SettingError
        from core.lifecycle import on_shutdown
        from core.stores import is_memory

        if is_memory(store_url("SESSION_URL")):
            raise SettingError("SESSION_BACKEND=redis needs a Redis: set SESSION_URL or REDIS_URL "
                               "(redis://host:6379/0), or use SESSION_BACKEND=cookie")
        _store = RedisSessionStore()
        on_shutdown(close_session_store)
    return _store


async def close_session_store() -> None:
    global _store
    if _store is not None:
        await _store.close()
    _store = None
