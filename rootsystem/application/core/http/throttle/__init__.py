"""Rate limits: `from core.http.throttle import throttle, ThrottleMiddleware`; see docs/rate-limiting.md."""

from __future__ import annotations

from core.http.throttle.limiter import Decision, RateLimiter, ThrottleError, ThrottleUnavailable, limiter
from core.http.throttle.route import Limit, ThrottleMiddleware, throttle

__all__ = ["Decision", "Limit", "RateLimiter", "ThrottleError", "ThrottleMiddleware", "ThrottleUnavailable",
           "limiter", "throttle"]
