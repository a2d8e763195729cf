"""Login throttling: failed attempts per account identifier and per client IP.

An attempt is counted *before* the password is checked, in one atomic step that also decides
whether the attempt may go ahead, so a burst of parallel requests cannot all pass the check
before any of them is counted. A successful login clears the account's counter (not the IP's:
one good password does not license an IP that has been guessing at other accounts), and takes
back the IP's count for that one attempt, so many people logging in behind one NAT address
are not locked out by their own successes.

Two stores keep the counters:
- in this process (`LoginThrottle`, a dict behind a lock): exact for one worker; with several
  workers each keeps its own counts, so the effective limit multiplies by the worker count;
- in Redis (`RedisLoginThrottle`, set `LOGIN_THROTTLE_REDIS_URL`, or leave it empty to follow
  `THROTTLE_URL`/`REDIS_URL`): shared by every worker and host, counted atomically by a Lua script.

A Redis that stops answering must not turn every login into a 500: `LOGIN_THROTTLE_FALLBACK`
chooses between counting in this process meanwhile (`memory`, logged once) and refusing logins
with `LoginThrottleUnavailable` (`closed`), which the login route answers as 503.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.settings import settings
from core.stores import is_memory, store_url
from core.validation.emails import normalise_email

PRUNE_ABOVE = 10_000

log = logging.getLogger("nori.auth.throttle")


class LoginThrottleUnavailable(Exception):
    """The shared counters did not answer and `LOGIN_THROTTLE_FALLBACK=closed` refuses to guess."""


def normalise_identifier(value: str) -> str:
    """`' Ada@Example.COM '`, `'ada@example.com'` and its lookalikes count as the same account."""
    return "".join(normalise_email(value).split())


def counter_keys(identifier: str, ip: str | None, max_attempts: int, max_ip_attempts: int) -> list[tuple[str, int]]:
    keys = [(f"id:{normalise_identifier(identifier)}", max_attempts)]
    if ip:
        keys.append((f"ip:{ip}", max_ip_attempts))
    return keys


@dataclass
class _Window:
    count: int
    started: float


@dataclass
class LoginThrottle:
    """`await attempt(identifier, ip)` gives None to go ahead, or the seconds to wait (Retry-After)."""

    max_attempts: int = 5
    max_ip_attempts: int = 50
    window_seconds: int = 300
    clock: Callable[[], float] = time.monotonic
    _windows: dict[str, _Window] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def attempt(self, identifier: str, ip: str | None) -> int | None:
        keys = counter_keys(identifier, ip, self.max_attempts, self.max_ip_attempts)
        now = self.clock()
        with self._lock:
            if len(self._windows) > PRUNE_ABOVE:
                self._prune(now)
            wait = 0.0
            for key, limit in keys:
                window = self._current(key, now)
                if window is not None and window.count >= limit:
                    wait = max(wait, window.started + self.window_seconds - now)
            if wait > 0:
                return max(1, math.ceil(wait))
            for key, _ in keys:
                window = self._current(key, now)
                if window is None:
                    self._windows[key] = _Window(1, now)
                else:
                    window.count += 1
            return None

    async def succeeded(self, identifier: str, ip: str | None = None) -> None:
        """Forget the account's failures, and uncount this attempt for the IP, after a correct password."""
        with self._lock:
            self._windows.pop(f"id:{normalise_identifier(identifier)}", None)
            window = self._windows.get(f"ip:{ip}") if ip else None
            if window is not None and window.count > 0:
                window.count -= 1

    async def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def _prune(self, now: float) -> None:
        """Drop finished windows so a flood of made-up identifiers cannot grow memory forever."""
        for key in [k for k, w in self._windows.items() if now - w.started >= self.window_seconds]:
            del self._windows[key]

    def _current(self, key: str, now: float) -> _Window | None:
        window = self._windows.get(key)
        if window is not None and now - window.started >= self.window_seconds:
            del self._windows[key]
            return None
        return window


# KEYS: the counters; ARGV[1]: window in ms; ARGV[2..]: each counter's limit.
# Returns 0 to go ahead (every counter incremented) or the ms to wait (nothing incremented).
ATTEMPT_SCRIPT = """
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[1]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
"""

UNCOUNT_SCRIPT = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""


class RedisLoginThrottle:
    """The same limits, counted in Redis so every worker and host shares them."""

    def __init__(self, url: str, *, max_attempts: int = 5, max_ip_attempts: int = 50, window_seconds: int = 300,
                 prefix: str = "nori:login:", max_connections: int = 20, fallback: str = "memory") -> None:
        import redis.asyncio

        self.max_attempts = max_attempts
        self.max_ip_attempts = max_ip_attempts
        self.window_seconds = window_seconds
        self.prefix = prefix
        # A blocking pool: a burst of logins waits for a connection instead of failing.
        pool = redis.asyncio.BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=10)
        self.client: Any = redis.asyncio.Redis(connection_pool=pool)
        self._script = self.client.register_script(ATTEMPT_SCRIPT)
        self._uncount = self.client.register_script(UNCOUNT_SCRIPT)
        self.fallback = fallback
        self._outages: tuple[type[Exception], ...] = (redis.exceptions.RedisError, OSError)
        self._memory = LoginThrottle(max_attempts, max_ip_attempts, window_seconds)
        self._warned = False

    async def attempt(self, identifier: str, ip: str | None) -> int | None:
        keys = counter_keys(identifier, ip, self.max_attempts, self.max_ip_attempts)
        try:
            wait_ms = await self._script(keys=[self.prefix + key for key, _ in keys],
                                         args=[self.window_seconds * 1000, *(lim for _, lim in keys)])
        except self._outages as exc:
            return await self._degraded(exc).attempt(identifier, ip)
        return max(1, math.ceil(int(wait_ms) / 1000)) if int(wait_ms) > 0 else None

    async def succeeded(self, identifier: str, ip: str | None = None) -> None:
        try:
            await self.client.delete(f"{self.prefix}id:{normalise_identifier(identifier)}")
            if ip:
                await self._uncount(keys=[f"{self.prefix}ip:{ip}"])
        except self._outages as exc:
            await self._degraded(exc).succeeded(identifier, ip)

    def _degraded(self, exc: Exception) -> LoginThrottle:
        """What counts while Redis is away: the in-process counters, or a refusal when told to fail closed."""
        if self.fallback == "closed":
            raise LoginThrottleUnavailable("Logins are paused: the attempt counter store is not answering.") from exc
        if not self._warned:
            self._warned = True
            log.warning("login throttle: Redis is not answering (%s); counting attempts in this process", exc)
        return self._memory

    async def reset(self) -> None:
        """Delete this throttle's counters (only keys under its prefix)."""
        async for key in self.client.scan_iter(match=self.prefix + "*"):
            await self.client.delete(key)

    async def close(self) -> None:
        await self.client.aclose()


_throttle: LoginThrottle | RedisLoginThrottle | None = None


def login_throttle() -> LoginThrottle | RedisLoginThrottle:
    """The site's throttle, built from settings on first use."""
    global _throttle
    if _throttle is None:
        limits = {"max_attempts": settings.LOGIN_MAX_ATTEMPTS, "max_ip_attempts": settings.LOGIN_IP_MAX_ATTEMPTS,
                  "window_seconds": settings.LOGIN_LOCKOUT_SECONDS}
        url = settings.LOGIN_THROTTLE_REDIS_URL or store_url("THROTTLE_URL")
        if not is_memory(url):
            from core.lifecycle import on_shutdown

            redis_throttle = RedisLoginThrottle(url, fallback=settings.LOGIN_THROTTLE_FALLBACK, **limits)
            on_shutdown(redis_throttle.close)
            _throttle = redis_throttle
        else:
            _throttle = LoginThrottle(**limits)
    return _throttle


def set_login_throttle(throttle: LoginThrottle | RedisLoginThrottle | None) -> None:
    """Replace the site's throttle (tests; a custom store); None rebuilds it from settings."""
    global _throttle
    _throttle = throttle
