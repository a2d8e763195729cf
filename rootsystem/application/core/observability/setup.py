"""Which observability layers a site gets, from settings: nothing unless asked."""

from __future__ import annotations

from collections.abc import Callable

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from core.conf import SettingError
from core.observability.queries import log_slow_queries
from core.settings import settings

_slow_queries: tuple[float, Callable[[], None]] | None = None


def observability_middleware(*, debug: bool) -> list[Middleware]:
    """The query-timing layer, when DEBUG, SERVER_TIMING, LOG_FORMAT=json, SLOW_REQUEST_MS or
    METRICS_ENABLED asks for it."""
    global _slow_queries
    threshold = settings.SLOW_QUERY_MS
    if _slow_queries is not None and _slow_queries[0] != threshold:  # one subscriber, however many apps
        _slow_queries[1]()
        _slow_queries = None
    if threshold and _slow_queries is None:
        _slow_queries = (threshold, log_slow_queries(threshold))
    server_timing = debug or settings.SERVER_TIMING
    log_requests = server_timing or settings.LOG_FORMAT == "json"
    if not (log_requests or settings.SLOW_REQUEST_MS or settings.METRICS_ENABLED):
        return []
    from core.observability.requests import QueryTimingMiddleware

    return [Middleware(QueryTimingMiddleware, server_timing=server_timing, log_requests=log_requests,
                       slow_request_ms=settings.SLOW_REQUEST_MS, metrics=settings.METRICS_ENABLED,
                       n_plus_one_threshold=settings.N_PLUS_ONE_THRESHOLD if debug else 0)]


def observability_routes() -> list[BaseRoute]:
    """`/metrics` when METRICS_ENABLED; a missing prometheus-client stops start-up in one line."""
    if not settings.METRICS_ENABLED:
        return []
    try:
        from core.observability.metrics import metrics
    except ModuleNotFoundError as error:
        raise SettingError(f"METRICS_ENABLED=true needs {error.name}: pip install '.[metrics]'") from None
    return [Route("/metrics", metrics, name="metrics")]
