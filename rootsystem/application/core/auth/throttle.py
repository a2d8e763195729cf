"""Login throttling: failed attempts per account identifier and per client IP.

An attempt is counted *before* the password is checked, in one locked step that also decides
whether the attempt may go ahead, so a burst of parallel requests cannot all pass the check
before any of them is counted. A successful login clears the account's counter (not the IP's:
one good password does not license an IP that has been guessing at other accounts).

The counters live in this process (a dict behind a lock). That is exact for one worker; with
several workers each keeps its own counts, so the effective limit is multiplied by the number of
workers. Run one worker per host, or put a shared store behind the same interface.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

PRUNE_ABOVE = 10_000


def normalise_identifier(value: str) -> str:
    """`' Ada@Example.COM '` and `'ada@example.com'` are the same account."""
    return "".join(value.split()).casefold()


@dataclass
class _Window:
    count: int
    started: float


@dataclass
class LoginThrottle:
    """`attempt(identifier, ip)` returns None to go ahead, or the seconds to wait (for Retry-After)."""

    max_attempts: int = 5
    max_ip_attempts: int = 50
    window_seconds: int = 300
    clock: Callable[[], float] = time.monotonic
    _windows: dict[str, _Window] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def attempt(self, identifier: str, ip: str | None) -> int | None:
        keys = [(f"id:{normalise_identifier(identifier)}", self.max_attempts)]
        if ip:
            keys.append((f"ip:{ip}", self.max_ip_attempts))
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

    def succeeded(self, identifier: str) -> None:
        """Forget the account's failures after a correct password."""
        with self._lock:
            self._windows.pop(f"id:{normalise_identifier(identifier)}", None)

    def reset(self) -> None:
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


_throttle: LoginThrottle | None = None


def login_throttle() -> LoginThrottle:
    """The process-wide throttle, sized from settings on first use."""
    global _throttle
    if _throttle is None:
        import settings

        _throttle = LoginThrottle(
            max_attempts=settings.LOGIN_MAX_ATTEMPTS,
            max_ip_attempts=settings.LOGIN_IP_MAX_ATTEMPTS,
            window_seconds=settings.LOGIN_LOCKOUT_SECONDS,
        )
    return _throttle
