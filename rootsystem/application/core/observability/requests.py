"""Per request: how many queries, how long in the database, and warnings when that looks wrong.

`QueryTimingMiddleware` is only in the stack when something asks for it (DEBUG, SERVER_TIMING,
LOG_FORMAT=json or SLOW_REQUEST_MS): with everything off a request pays nothing, and no query is
observed. When it runs:
- each response gets `Server-Timing: db;dur=<ms>;desc="<n> queries", total;dur=<ms>` (DEBUG or
  SERVER_TIMING=true; browsers' developer tools show it) and one log line per request with the
  same figures (logger `nori.requests`), which LOG_FORMAT=json also asks for: its fields (route
  template, status, duration, queries, db time) are what a structured log is for;
- a request slower than SLOW_REQUEST_MS is logged as a warning;
- with METRICS_ENABLED, the same figures feed `/metrics` (core/observability/metrics.py);
- in DEBUG, the same query shape (its SQL with literals taken out) run N_PLUS_ONE_THRESHOLD times
  or more in one request is logged as a likely N+1, naming the route and the shape: the loop
  that should have been one `prefetch_related`.
The figures count the queries the request's own task (and tasks it starts) ran up to the end of
the response.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.observability.queries import Query, on_query
from core.observability.routes import route_template

logger = logging.getLogger("nori.requests")
LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
SERVER_TIMING = b"server-timing"


def query_shape(sql: str) -> str:
    """The SQL with its literal values replaced by `?`: the same query for another row has the same shape."""
    return LITERALS.sub("?", " ".join(sql.split()))


def endpoint_name(endpoint: object) -> str:
    """`modules.articles.ArticleController.index` for a function, the class for an ASGI app (a Mount)."""
    named = endpoint if hasattr(endpoint, "__qualname__") else type(endpoint)
    return f"{named.__module__}.{named.__qualname__}"


@dataclass
class RequestQueries:
    count: int = 0
    seconds: float = 0.0
    shapes: Counter[str] = field(default_factory=Counter)

    track_shapes: bool = False  # only the N+1 check needs them, and shaping costs a regex per query

    def add(self, query: Query) -> None:
        self.count += 1
        self.seconds += query.seconds
        if self.track_shapes:
            self.shapes[query_shape(query.sql)] += 1

    def server_timing(self, elapsed_ms: float) -> bytes:
        return f'db;dur={self.seconds * 1000:.1f};desc="{self.count} queries", total;dur={elapsed_ms:.1f}'.encode()


_current: ContextVar[RequestQueries | None] = ContextVar("nori_request_queries", default=None)


def request_queries() -> RequestQueries | None:
    """The current request's query figures so far (None outside a request, or with timing off)."""
    return _current.get()


def _count(query: Query) -> None:
    figures = _current.get()
    if figures is not None:
        figures.add(query)


class QueryTimingMiddleware:
    def __init__(self, app: ASGIApp, *, server_timing: bool = True, log_requests: bool = True,
                 slow_request_ms: float = 0, n_plus_one_threshold: int = 0, metrics: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.server_timing = server_timing
        self.log_requests = log_requests
        self.slow_request_ms = slow_request_ms
        self.n_plus_one_threshold = n_plus_one_threshold
        on_query(_count)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        figures = RequestQueries(track_shapes=bool(self.n_plus_one_threshold))
        token = _current.set(figures)
        started = time.perf_counter()
        status = 500

        async def send_timed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if self.server_timing:
                    timing = figures.server_timing((time.perf_counter() - started) * 1000)
                    message["headers"] = [*message.get("headers", ()), (SERVER_TIMING, timing)]
            await send(message)

        try:
            await self.app(scope, receive, send_timed)
        finally:
            _current.reset(token)
            self._report(scope, status, figures, (time.perf_counter() - started) * 1000)

    def _report(self, scope: Scope, status: int, figures: RequestQueries, elapsed_ms: float) -> None:
        where = f"{scope['method']} {scope['path']}"
        route = route_template(scope)
        if self.metrics:
            from core.observability.metrics import record_request

            record_request(scope["method"], route, status, elapsed_ms / 1000, figures.count, figures.seconds)
        slow = bool(self.slow_request_ms) and elapsed_ms >= self.slow_request_ms
        if slow or (self.log_requests and logger.isEnabledFor(logging.INFO)):
            fields = {"method": scope["method"], "path": scope["path"], "route": route, "status": status,
                      "duration_ms": round(elapsed_ms, 1), "queries": figures.count,
                      "db_ms": round(figures.seconds * 1000, 1)}
            if self.log_requests:
                logger.info("%s %d %.1fms, %d queries in %.1fms", where, status, elapsed_ms, figures.count,
                            figures.seconds * 1000, extra=fields)
            if slow:
                logger.warning("slow request %s %d %.1fms (over %sms), %d queries in %.1fms", where, status,
                               elapsed_ms, self.slow_request_ms, figures.count, figures.seconds * 1000, extra=fields)
        if self.n_plus_one_threshold:
            named = f"{where} ({endpoint_name(scope['endpoint'])})" if "endpoint" in scope else where
            for shape, times in figures.shapes.items():
                if times >= self.n_plus_one_threshold:
                    logger.warning("likely N+1 on %s: %d x %s", named, times, shape)
