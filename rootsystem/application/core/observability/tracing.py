"""OpenTelemetry spans for requests and their queries (TRACING_ENABLED=true).

The framework writes spans with opentelemetry-api only; where they go is the site's OpenTelemetry
set-up (the SDK with an exporter, configured in code or by `opentelemetry-instrument` and the
OTEL_* variables), as for any instrumented library. Without that set-up the API's tracer does
nothing; without TRACING_ENABLED this module is never imported.

Each request is a server span named by its route template (`GET /articles/{id:int}`), with the
method, path, route and status; each query inside it is a client span (`db.query`) with the
statement (no parameters, as everywhere in core/observability), the connection and the
engine, ending when the query did and marked as an error when it failed.
"""

from __future__ import annotations

import time

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.observability.queries import Query, on_query
from core.observability.routes import route_template

tracer = trace.get_tracer("nori")


def query_span(query: Query) -> None:
    """Record a finished query as a child of the current span (the request's, in a request)."""
    ended = time.time_ns()
    span = tracer.start_span("db.query", kind=SpanKind.CLIENT, start_time=ended - int(query.seconds * 1e9),
                             attributes={"db.statement": query.sql, "db.connection": query.connection})
    if query.failed:
        span.set_status(Status(StatusCode.ERROR))
    span.end(end_time=ended)


class TracingMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        on_query(query_span)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with tracer.start_as_current_span(f"{scope['method']} {scope['path']}", kind=SpanKind.SERVER,
                                          attributes={"http.request.method": scope["method"],
                                                      "url.path": scope["path"]}) as span:

            async def send_traced(message: Message) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                    if message["status"] >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            try:
                await self.app(scope, receive, send_traced)
            finally:
                route = route_template(scope)
                if route is not None:
                    span.set_attribute("http.route", route)
                    span.update_name(f"{scope['method']} {route}")
