"""Server-side session data in Redis: the cookie carries only a random id.

A signed cookie cannot be taken back: a copy stolen before logout works until it expires. With
SESSION_BACKEND=redis the data lives in Redis under a SHA-256 of the id (so a copy of the store
opens no session), with SESSION_MAX_AGE as its TTL (renewed on each save), so logout deletes it
and the copy is worth nothing. Each logged-in session is also listed in a per-user hash, with
the device it was last used from, which is how `logout_everywhere` finds them all and how the
account page lists them. Values are JSON, never pickle.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

from core.stores import store_url

PREFIX = "nori:session:"


class SessionStoreUnavailable(Exception):
    """Redis did not answer; the middleware turns it into a 503 for the request."""


@dataclass(frozen=True)
class Device:
    """Where a session is used from, as the request that saved it showed."""

    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class ActiveSession:
    """One live session of a user, as the account page lists it.

    `handle` is the stored key (a SHA-256 of the id): it names the session in a "log out" form
    without putting a usable id into the page.
    """

    handle: str
    ip: str | None
    user_agent: str | None
    last_seen: datetime


class SessionStore(Protocol):
    """What the session middleware needs from a server-side backend (Redis or the database)."""

    async def load(self, session_id: str) -> dict[str, Any] | None: ...
    async def save(self, session_id: str, data: dict[str, Any], ttl: int, user_id: Any | None,
                   device: Device | None = None) -> None: ...
    async def delete(self, session_id: str, user_id: Any | None = None) -> None: ...
    async def delete_user(self, user_id: Any, *, keep: str | None = None) -> int: ...
    async def sessions_of(self, user_id: Any) -> list[ActiveSession]: ...
    async def end(self, user_id: Any, handle: str) -> bool: ...
    async def close(self) -> None: ...


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def session_handle(session_id: str) -> str:
    """The key a session is stored under: its id's SHA-256, so a copy of the store opens no session."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class RedisSessionStore:
    """load/save/delete by session id, and every session of one user."""

    def __init__(self, url: str | None = None, *, prefix: str = PREFIX) -> None:
        import redis.asyncio

        self.url = url or store_url("SESSION_URL")
        self.prefix = prefix
        self.client: Any = redis.asyncio.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        self._errors = (redis.exceptions.RedisError, OSError)

    def _key(self, handle: str) -> str:
        return self.prefix + handle

    def _user_key(self, user_id: Any) -> str:
        return f"{self.prefix}user:{user_id}"

    async def load(self, session_id: str) -> dict[str, Any] | None:
        try:
            raw = await self.client.get(self._key(session_handle(session_id)))
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error
        data = orjson.loads(raw) if raw else None
        return data if isinstance(data, dict) else None

    async def save(self, session_id: str, data: dict[str, Any], ttl: int, user_id: Any | None,
                   device: Device | None = None) -> None:
        handle = session_handle(session_id)
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.set(self._key(handle), orjson.dumps(data), ex=ttl)
                if user_id is not None:
                    device = device or Device()
                    seen = {"ip": device.ip, "user_agent": device.user_agent, "last_seen": time.time()}
                    pipe.hset(self._user_key(user_id), handle, orjson.dumps(seen))
                    pipe.expire(self._user_key(user_id), ttl)
                await pipe.execute()
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def delete(self, session_id: str, user_id: Any | None = None) -> None:
        await self._end(session_handle(session_id), user_id)

    async def delete_user(self, user_id: Any, *, keep: str | None = None) -> int:
        """End every session of `user_id` but `keep`; gives how many ended."""
        kept = session_handle(keep) if keep is not None else None
        try:
            ended = [h.decode() for h in await self.client.hkeys(self._user_key(user_id)) if h.decode() != kept]
            if ended:
                await self.client.delete(*(self._key(h) for h in ended))
                await self.client.hdel(self._user_key(user_id), *ended)
            return len(ended)
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def sessions_of(self, user_id: Any) -> list[ActiveSession]:
        """The user's live sessions, most recently used first; expired ones are dropped from the list."""
        try:
            listed = {handle.decode(): orjson.loads(seen)
                      for handle, seen in (await self.client.hgetall(self._user_key(user_id))).items()}
            async with self.client.pipeline(transaction=False) as pipe:
                for handle in listed:
                    pipe.exists(self._key(handle))
                alive = await pipe.execute()
            gone = [handle for handle, exists in zip(listed, alive, strict=True) if not exists]
            if gone:
                await self.client.hdel(self._user_key(user_id), *gone)
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error
        sessions = [ActiveSession(h, v.get("ip"), v.get("user_agent"), datetime.fromtimestamp(v["last_seen"], UTC))
                    for h, v in listed.items() if h not in gone]
        return sorted(sessions, key=lambda s: s.last_seen, reverse=True)

    async def end(self, user_id: Any, handle: str) -> bool:
        """End the session `handle` if it is one of `user_id`'s; False when it is not (or is gone)."""
        try:
            if not await self.client.hexists(self._user_key(user_id), handle):
                return False
        except self._errors as error:
            raise SessionStoreUnavailable(str(error)) from error
        await self._end(handle, user_id)
        return True

    async def _end(self, handle: str, user_id: Any | None) -> None:
        try:
            await self.client.delete(self._key(handle))
            if user_id is not None:
                await self.client.hdel(self._user_key(user_id), handle)
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
