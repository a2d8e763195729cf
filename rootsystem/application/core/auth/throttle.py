"""Login throttling: failed attempts per account identifier and per client IP.

An attempt is counted *before* the password is checked, by an atomic increment that also
decides whether the attempt may go ahead, so a burst of parallel requests cannot all pass the
check before any of them is counted. A successful login clears the account's counter (not the IP's:
one good password does not license an IP that has been guessing at other accounts), and takes
back the IP's count for that one attempt, so many people logging in behind one NAT address
are not locked out by their own successes.

The counters are `limits`' fixed windows, the same engine and stores as the route throttle
(core/http/throttle): in this process by default (exact for one worker; with several workers each
keeps its own counts, so the effective limit multiplies by the worker count), or in Redis when
`LOGIN_THROTTLE_REDIS_URL` is set, or left empty and `THROTTLE_URL`/`REDIS_URL` is, shared by
every worker and host. A window opens at an account's (or IP's) first attempt and closes
LOGIN_LOCKOUT_SECONDS later, like a lockout. Each counter's increment is atomic (so a thousand
parallel guesses let exactly the limit through); an attempt refused by the IP counter may still
have counted against the account, which only errs on the side of locking.

A Redis that stops answering must not turn every login into a 500: `LOGIN_THROTTLE_FALLBACK`
chooses between counting in this process meanwhile (`memory`, logged once) and refusing logins
with `LoginThrottleUnavailable` (`closed`), which the login route answers as 503.

limits loads when the throttle is first built (the first login), not with the login route.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

from core.http.throttle.limiter import open_storage
from core.settings import settings
from core.stores import store_url
from core.validation.emails import normalise_email

if TYPE_CHECKING:
    from limits import RateLimitItemPerSecond

MEMORY = "memory://"

log = logging.getLogger("nori.auth.throttle")


class LoginThrottleUnavailable(Exception):
    """The shared counters did not answer and `LOGIN_THROTTLE_FALLBACK=closed` refuses to guess."""


def normalise_identifier(value: str) -> str:
    """`' Ada@Example.COM '`, `'ada@example.com'` and its lookalikes count as the same account."""
    return "".join(normalise_email(value).split())


class LoginThrottle:
    """`await attempt(identifier, ip)` gives None to go ahead, or the seconds to wait (Retry-After)."""

    def __init__(self, url: str = MEMORY, *, max_attempts: int = 5, max_ip_attempts: int = 50,
                 window_seconds: int = 300, prefix: str = "nori:login", fallback: str = "memory") -> None:
        from limits.aio.strategies import FixedWindowRateLimiter

        self.url = url
        self.max_attempts = max_attempts
        self.max_ip_attempts = max_ip_attempts
        self.window_seconds = window_seconds
        self.prefix = prefix
        self.fallback = fallback
        self._storage = open_storage(url, prefix)
        self._limiter = FixedWindowRateLimiter(self._storage)
        self._memory: LoginThrottle | None = None

    def _counters(self, identifier: str, ip: str | None) -> list[tuple[RateLimitItemPerSecond, str, str]]:
        from limits import RateLimitItemPerSecond

        counters = [(RateLimitItemPerSecond(self.max_attempts, self.window_seconds), "id",
                     normalise_identifier(identifier))]
        if ip:
            counters.append((RateLimitItemPerSecond(self.max_ip_attempts, self.window_seconds), "ip", ip))
        return counters

    async def attempt(self, identifier: str, ip: str | None) -> int | None:
        from limits.errors import StorageError

        counters = self._counters(identifier, ip)
        try:
            for item, *key in counters:  # a full counter refuses the attempt before anything is counted
                if not await self._limiter.test(item, *key):
                    return await self._wait(item, *key)
            for item, *key in counters:  # atomic increments: a parallel attempt that took the last slot wins
                if not await self._limiter.hit(item, *key):
                    return await self._wait(item, *key)
        except StorageError as error:
            return await self._degraded(error).attempt(identifier, ip)
        return None

    async def succeeded(self, identifier: str, ip: str | None = None) -> None:
        """Forget the account's failures, and uncount this attempt for the IP, after a correct password."""
        from limits.errors import StorageError

        account, *ip_counter = self._counters(identifier, ip)
        try:
            await self._limiter.clear(account[0], *account[1:])
            for item, *key in ip_counter:
                if await self._storage.get(item.key_for(*key)) > 0:
                    await self._storage.incr(item.key_for(*key), item.get_expiry(), amount=-1)
        except StorageError as error:
            await self._degraded(error).succeeded(identifier, ip)

    async def _wait(self, item: RateLimitItemPerSecond, *key: str) -> int:
        stats = await self._limiter.get_window_stats(item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def _degraded(self, error: Exception) -> LoginThrottle:
        """What counts while Redis is away: counters in this process, or a refusal when told to fail closed."""
        if self.fallback == "closed":
            raise LoginThrottleUnavailable("Logins are paused: the attempt counter store is not answering.") from error
        if self._memory is None:
            log.warning("login throttle: %s is not answering (%s); counting attempts in this process",
                        self.url.split("@")[-1], error.__cause__ or error)
            self._memory = LoginThrottle(max_attempts=self.max_attempts, max_ip_attempts=self.max_ip_attempts,
                                         window_seconds=self.window_seconds)
        return self._memory

    async def reset(self) -> None:
        """Forget every count of this throttle (tests; after changing the limits)."""
        await self._storage.reset()


_throttle: LoginThrottle | None = None


def login_throttle() -> LoginThrottle:
    """The site's throttle, built from settings on first use."""
    global _throttle
    if _throttle is None:
        _throttle = LoginThrottle(
            settings.LOGIN_THROTTLE_REDIS_URL or store_url("THROTTLE_URL"), fallback=settings.LOGIN_THROTTLE_FALLBACK,
            max_attempts=settings.LOGIN_MAX_ATTEMPTS, max_ip_attempts=settings.LOGIN_IP_MAX_ATTEMPTS,
            window_seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return _throttle


def set_login_throttle(throttle: LoginThrottle | None) -> None:
    """Replace the site's throttle (tests; a custom store); None rebuilds it from settings."""
    global _throttle
    _throttle = throttle
