"""`cache`: get, set, delete, incr, remember and tag invalidation over cashews, in memory or Redis.

cashews does the storing (a size-bounded LRU in the process, or Redis shared by every process),
the tag sets and the cross-process lock; this facade fixes what a site must not have to think
about: every key under CACHE_PREFIX (so `cache:clear` never touches another app's keys in a
shared Redis), values as JSON bytes (never pickle, see codec.py), and an unreachable Redis read
as a miss and logged, so a page that merely benefits from the cache keeps answering.

`remember` computes a missing value once however many callers miss at the same moment: callers
in one process wait on one asyncio lock per key, and processes sharing Redis take a cashews lock,
so a cold key after a deploy is one database query, not one per request.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from cashews import Cache as Cashews
from cashews.exceptions import CacheBackendInteractionError

from core.cache import codec
from core.settings import settings
from core.stores import is_memory, store_url

logger = logging.getLogger("nori.cache")
T = TypeVar("T")
LOCK_SECONDS = 30.0  # a factory that dies holding the lock frees it after this long
LOCK_POLL_SECONDS = 0.02
_MISSING = object()


def backend_errors() -> tuple[type[BaseException], ...]:
    """What an unreachable or failing store raises: cashews' own error, sockets, and redis-py's."""
    errors: list[type[BaseException]] = [CacheBackendInteractionError, OSError, asyncio.TimeoutError]
    try:
        import redis.exceptions
    except ImportError:  # memory only: redis-py is the `redis` extra
        pass
    else:
        errors.append(redis.exceptions.RedisError)
    return tuple(errors)


def cashews_url(url: str, max_entries: int) -> str:
    """cashews' spelling of our store URL: `memory://` is its `mem://` with the size bound."""
    return f"mem://?size={max_entries}" if is_memory(url) else url


class Cache:
    """The site's cache; configured from settings on first use, or from the arguments given."""

    def __init__(self, url: str | None = None, *, prefix: str | None = None, max_entries: int | None = None) -> None:
        self._url = url
        self._prefix = prefix
        self._max_entries = max_entries
        self._backend: Cashews | None = None
        self._opened: Cashews | None = None  # the backend once initialised: the per-call fast path
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop the backend's tasks run on
        self._local_locks: dict[str, asyncio.Lock] = {}
        self._errors = backend_errors()

    @property
    def url(self) -> str:
        return self._url or store_url("CACHE_URL")

    @property
    def prefix(self) -> str:
        return settings.CACHE_PREFIX if self._prefix is None else self._prefix

    async def _store(self) -> Cashews:
        if self._backend is None:
            backend = Cashews()
            options: dict[str, Any] = {"pickle_type": "null"}
            if not is_memory(self.url):
                # Fail fast when Redis is away (a miss beats a page waiting on a dead socket); errors
                # are raised to us, not swallowed by cashews, so they are logged once with the key.
                options.update(suppress=False, socket_connect_timeout=1, socket_timeout=1)
            backend.setup(cashews_url(self.url, self._max_entries or settings.CACHE_MAX_ENTRIES), **options)
            self._backend = backend
        if self._opened is None:
            await self._backend.init()
            self._opened, self._loop = self._backend, asyncio.get_running_loop()
        return self._backend

    def _key(self, key: str) -> str:
        return self.prefix + key

    def _tag(self, tag: str) -> str:
        return self.prefix + "tag:" + tag

    def _outage(self, operation: str, key: str, error: BaseException) -> None:
        logger.warning("cache %s of %r failed, treated as a miss: %s: %s", operation, key, type(error).__name__,
                       error or "store unreachable")

    async def get(self, key: str, default: Any = None) -> Any:
        """The value stored under `key`, or `default` when there is none (or the store is away)."""
        try:
            store = self._opened or await self._store()
            raw = await store.get(self._key(key), default=_MISSING)
        except self._errors as error:
            self._outage("get", key, error)
            return default
        if raw is _MISSING:
            return default
        return codec.decode(raw) if isinstance(raw, bytes) else raw  # counters come back as int

    async def set(self, key: str, value: Any, ttl: float | None = None, *, tags: Iterable[str] = ()) -> bool:
        """Store `value` (JSON data) for `ttl` seconds (None: until evicted); False if the store is away."""
        data = codec.encode(value)
        try:
            store = self._opened or await self._store()
            tag_keys = [self._tag(t) for t in tags] if tags else ()
            return bool(await store.set(self._key(key), data, expire=ttl, tags=tag_keys))
        except self._errors as error:
            self._outage("set", key, error)
            return False

    async def delete(self, key: str) -> bool:
        try:
            return bool(await (await self._store()).delete(self._key(key)))
        except self._errors as error:
            self._outage("delete", key, error)
            return False

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int | None:
        """Add `amount` atomically and give the new count (ttl set when the key is created); None if away."""
        try:
            return int(await (await self._store()).incr(self._key(key), amount, expire=ttl))
        except self._errors as error:
            self._outage("incr", key, error)
            return None

    async def delete_tag(self, *tags: str) -> None:
        """Forget every key stored with any of `tags`."""
        try:
            await (await self._store()).delete_tags(*(self._tag(t) for t in tags))
        except self._errors as error:
            self._outage("delete_tag", ",".join(tags), error)

    async def delete_prefix(self, prefix: str) -> None:
        """Forget every key starting with `prefix` (after CACHE_PREFIX)."""
        try:
            await (await self._store()).delete_match(self._key(prefix) + "*")
        except self._errors as error:
            self._outage("delete_prefix", prefix, error)

    async def ping(self) -> None:
        """Raise the store's error when it is unreachable (`check`, `cache:clear`); the other calls never do."""
        await (await self._store()).ping()

    async def clear(self) -> None:
        """Forget every key of this cache, and only those: other data in the same Redis stays.

        Unlike the per-key calls it raises when the store is away: the caller asked for a clean cache.
        """
        store = await self._store()
        await store.delete_match(self._key("*"))
        await store.delete_match("_tag:" + self._tag("*"))  # the tag sets cashews keeps beside the keys

    async def remember(self, key: str, ttl: float | None, factory: Callable[[], Awaitable[T]], *,
                       tags: Iterable[str] = ()) -> T:
        """The cached value of `key`, else `await factory()` stored for `ttl`; one call under concurrent misses."""
        value = await self.get(key, _MISSING)
        if value is not _MISSING:
            return value
        lock = self._local_locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                value = await self.get(key, _MISSING)
                if value is not _MISSING:
                    return value
                return await self._compute_shared(key, ttl, factory, tags)
        finally:
            if not lock.locked() and self._local_locks.get(key) is lock:
                del self._local_locks[key]

    async def _compute_shared(self, key: str, ttl: float | None, factory: Callable[[], Awaitable[T]],
                              tags: Iterable[str]) -> T:
        """Compute under the store's lock, so other processes wait for this value instead of computing theirs."""
        token = secrets.token_hex(8)
        lock_key = self._key("lock:" + key)
        try:
            store = await self._store()
            while not await store.set_lock(lock_key, token, expire=LOCK_SECONDS):
                await asyncio.sleep(LOCK_POLL_SECONDS)
                value = await self.get(key, _MISSING)
                if value is not _MISSING:
                    return value
        except self._errors as error:  # no store, no lock: compute here, as a cache-less site would
            self._outage("remember", key, error)
            return await factory()
        try:
            value = await factory()
            await self.set(key, value, ttl, tags=tags)
            return value
        finally:
            try:
                await store.unlock(lock_key, token)
            except self._errors as error:
                self._outage("unlock", key, error)

    async def close(self) -> None:
        """Close the store; one opened on another event loop (a command's `asyncio.run` after a
        test's loop) is dropped instead: its tasks can only be awaited on their own loop."""
        if self._backend is not None and self._loop in (None, asyncio.get_running_loop()):
            await self._backend.close()
        self._backend = self._opened = self._loop = None
        self._local_locks.clear()

    async def reconfigure(self, url: str | None = None, *, prefix: str | None = None) -> None:
        """Close the store and point at another (tests; a site that builds its settings late); None: settings."""
        await self.close()
        self._url, self._prefix = url, prefix


cache = Cache()
"""The site's cache: `from core.cache import cache`."""
