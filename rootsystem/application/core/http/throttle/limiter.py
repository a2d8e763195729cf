"""The rate-limit engine: `limits`' moving window, in this process or in Redis (THROTTLE_URL).

`limits` does the counting (a moving window: "60/minute" never lets 120 through across a minute
boundary, as a fixed window would) and its Redis storage counts atomically in Lua, so every app
process sharing the Redis shares the limit. This module only chooses the store from settings and
turns an answer into what HTTP needs: allowed or not, the limit, what is left, and when it resets.

When the store is unreachable the decision is the site's: fail open (let the request through and
log it, the default, since refusing every visitor is worse than an unthrottled minute) or closed
(THROTTLE_FAIL_OPEN=false: answer 503 until the store is back). redis-py reconnects by itself, so
recovery needs no restart.

limits itself loads at the first count, not with the routes: a rate is checked against its
grammar where it is declared (core.compat.limits), so listing the routes never imports it.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.compat.limits import parses_as_rate
from core.stores import is_memory, store_url

if TYPE_CHECKING:
    from limits import RateLimitItem
    from limits.aio.storage import Storage
    from limits.aio.strategies import MovingWindowRateLimiter

logger = logging.getLogger("nori.throttle")
PREFIX = "nori:throttle"
MAX_CONNECTIONS = 20
# A server that is down refuses at once; this bounds one that hangs, long enough that a busy
# event loop (a burst of requests) is not taken for an outage.
SOCKET_TIMEOUT = 5


class ThrottleError(ValueError):
    """A rate that `limits` cannot read, such as `60 per fortnight`; raised when the route is declared."""


class ThrottleUnavailable(Exception):
    """The store did not answer and the limit fails closed."""


def check_rate(rate: str) -> str:
    """`rate`, if limits can read it; checked without loading limits, so a route declares it cheaply."""
    if not parses_as_rate(rate):
        raise ThrottleError(f"{rate!r} is not a rate: use a count per unit, such as '60/minute' or "
                            "'1000 per hour'")
    return rate


def parse_rate(rate: str) -> RateLimitItem:
    from limits import parse

    return parse(check_rate(rate))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the window frees a slot (Retry-After when refused)

    def headers(self) -> dict[str, str]:
        """`RateLimit-*` as the IETF draft spells them, and `Retry-After` on a refusal."""
        headers = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                   "RateLimit-Reset": str(self.reset_seconds)}
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_seconds)
        return headers


def open_storage(url: str, prefix: str = PREFIX) -> Storage:
    """`limits`' store for `url`: this process's memory, or Redis through redis-py.

    redis-py rather than limits' default coredis: one Redis client library for the whole
    framework. A blocking pool of MAX_CONNECTIONS: a burst (a thousand parallel logins) waits
    for a connection instead of failing with "Too many connections" and being taken for an outage.
    """
    from limits.aio.storage import MemoryStorage, RedisStorage

    if is_memory(url):
        return MemoryStorage(wrap_exceptions=True)
    import redis.asyncio

    pool = redis.asyncio.BlockingConnectionPool.from_url(url, max_connections=MAX_CONNECTIONS, timeout=10,
                                                         socket_connect_timeout=SOCKET_TIMEOUT,
                                                         socket_timeout=SOCKET_TIMEOUT)
    # limits passes connection_pool on to redis-py; its annotation only lists scalar options.
    return RedisStorage(f"async+{url}", wrap_exceptions=True, implementation="redispy", key_prefix=prefix,
                        connection_pool=pool)  # type: ignore[arg-type]


class RateLimiter:
    """Counts hits per (rate, key); built from THROTTLE_URL on first use unless given a URL."""

    def __init__(self, url: str | None = None, *, prefix: str = PREFIX) -> None:
        self._url = url
        self.prefix = prefix
        self._storage: Storage | None = None
        self._strategy: MovingWindowRateLimiter | None = None

    @property
    def url(self) -> str:
        return self._url or store_url("THROTTLE_URL")

    def _limiter(self) -> MovingWindowRateLimiter:
        if self._strategy is None:
            from limits.aio.strategies import MovingWindowRateLimiter

            self._storage = open_storage(self.url, self.prefix)
            self._strategy = MovingWindowRateLimiter(self._storage)
        return self._strategy

    async def hit(self, rate: RateLimitItem, *key: str, fail_open: bool = True) -> Decision:
        """Count one request against `rate` for `key`; on an unreachable store, allow or raise ThrottleUnavailable."""
        from limits.errors import StorageError

        limiter = self._limiter()
        try:
            allowed = await limiter.hit(rate, *key)
            stats = await limiter.get_window_stats(rate, *key)
        except (StorageError, OSError) as error:
            cause = error.__cause__ or error
            logger.warning("rate-limit store %s unreachable (%s: %s): %s", self.url.split("@")[-1],
                           type(cause).__name__, cause, "request allowed" if fail_open else "request refused")
            if fail_open:
                return Decision(True, rate.amount, rate.amount, rate.get_expiry())
            raise ThrottleUnavailable("the rate-limit store is unreachable") from error
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        return Decision(allowed, rate.amount, max(0, stats.remaining), reset)

    async def clear(self, rate: RateLimitItem, *key: str) -> None:
        await self._limiter().clear(rate, *key)

    async def reset(self) -> None:
        """Forget every count (tests; after changing the limits)."""
        if self._storage is not None:
            await self._storage.reset()

    async def reconfigure(self, url: str | None = None, *, prefix: str = PREFIX) -> None:
        """Point at another store (tests); opened on next use."""
        self._url, self.prefix = url, prefix
        self._storage = self._strategy = None


limiter = RateLimiter()
"""The site's rate limiter, shared by `@throttle` and ThrottleMiddleware."""
