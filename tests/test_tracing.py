"""TRACING_ENABLED: each request is an OpenTelemetry server span and each of its queries a child span."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from core.kernel import create_app
from tests.support.models import Owner

EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    if not isinstance(trace.get_tracer_provider(), TracerProvider):  # the SDK, as a site sets it up, once
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
        trace.set_tracer_provider(provider)
    monkeypatch.setattr(settings, "TRACING_ENABLED", True)
    EXPORTER.clear()
    yield EXPORTER
    EXPORTER.clear()


async def owner(request: Request) -> JSONResponse:
    found = await Owner.filter(id=request.path_params["id"]).first()
    return JSONResponse({"found": found is not None})


async def test_a_request_and_its_queries_become_spans(db: str, spans: InMemorySpanExporter) -> None:
    app = create_app(routes=[Route("/owners/{id:int}", owner)], debug=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        assert (await client.get("/owners/3")).status_code == 200
    finished = spans.get_finished_spans()
    [request] = [span for span in finished if span.kind == SpanKind.SERVER]
    assert request.name == "GET /owners/{id:int}"
    assert request.attributes["http.route"] == "/owners/{id:int}" and request.attributes["url.path"] == "/owners/3"
    assert request.attributes["http.response.status_code"] == 200
    queries = [span for span in finished if span.name == "db.query"]
    assert len(queries) == 1 and "test_owners" in queries[0].attributes["db.statement"]
    assert queries[0].parent is not None and queries[0].parent.span_id == request.context.span_id
    assert request.start_time <= queries[0].start_time <= queries[0].end_time <= request.end_time
    assert queries[0].status.status_code != StatusCode.ERROR


async def test_without_the_setting_there_are_no_spans(db: str, spans: InMemorySpanExporter,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "TRACING_ENABLED", False)
    app = create_app(routes=[Route("/owners/{id:int}", owner)], debug=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await client.get("/owners/3")
    assert not [span for span in spans.get_finished_spans() if span.kind == SpanKind.SERVER]
