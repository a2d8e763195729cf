"""X-Request-ID: a safe incoming id is kept, anything else replaced; it reaches headers and logs."""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from core.http.context import MAX_LENGTH, RequestIdLogFilter, current_request_id
from core.http.front import Front
from core.logs import FORMAT

GENERATED = re.compile(r"[0-9a-f]{32}")
logger = logging.getLogger("tests.request_id")


async def echo_app(scope: Any, receive: Any, send: Any) -> None:
    """Answers with the id the request saw, and logs one line."""
    logger.info("handling %s", scope["path"])
    body = f"{scope['state']['request_id']}|{current_request_id()}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


async def call(headers: list[tuple[bytes, bytes]]) -> tuple[list[tuple[bytes, bytes]], str]:
    """Drive the middleware with raw ASGI, so headers httpx would refuse (CR/LF) can be sent."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": headers, "query_string": b""}
    await Front(echo_app)(scope, receive, send)
    return sent[0]["headers"], sent[1]["body"].decode()


def ids_in(headers: list[tuple[bytes, bytes]]) -> list[str]:
    return [value.decode("latin-1") for key, value in headers if key == b"x-request-id"]


@pytest.mark.parametrize("incoming", ["abc", "req-123_4.5:6", "0f" * 16, "A" * MAX_LENGTH])
async def test_safe_incoming_id_is_kept(incoming: str) -> None:
    headers, body = await call([(b"x-request-id", incoming.encode())])
    assert ids_in(headers) == [incoming]
    assert body == f"{incoming}|{incoming}"


@pytest.mark.parametrize(
    "incoming",
    [
        b"abc\r\nSet-Cookie: session=stolen",
        b"abc\nINFO forged log line",
        b"abc def",
        b"<script>alert(1)</script>",
        b"caf\xe9",
        b"A" * (MAX_LENGTH + 1),
        b"",
        b"a;b",
    ],
)
async def test_unsafe_incoming_id_is_replaced(incoming: bytes) -> None:
    headers, body = await call([(b"x-request-id", incoming)])
    [request_id] = ids_in(headers)
    assert GENERATED.fullmatch(request_id)
    assert body == f"{request_id}|{request_id}"
    assert not any(key == b"set-cookie" for key, _ in headers)


async def test_missing_id_is_generated_fresh_each_time() -> None:
    first, _ = await call([])
    second, _ = await call([])
    assert GENERATED.fullmatch(ids_in(first)[0]) and ids_in(first) != ids_in(second)


async def test_every_log_record_of_the_request_carries_the_id() -> None:
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect()
    handler.addFilter(RequestIdLogFilter())
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        await call([(b"x-request-id", b"trace-42")])
        await call([(b"x-request-id", b"evil\nFAKE ERROR")])
        logger.info("outside any request")
    finally:
        logger.removeHandler(handler)
    assert [record.request_id for record in records][:1] == ["trace-42"]
    assert "[trace-42]" in handler.format(records[0])
    forged = handler.format(records[1])
    assert "\n" not in forged and GENERATED.fullmatch(records[1].request_id)
    assert records[2].request_id == "-"


async def test_full_app_sets_header_and_state(db: str) -> None:
    from core.kernel import create_app

    async def view(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.state.request_id)

    app = create_app(routes=[Route("/id", view)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        kept = await http.get("/id", headers={"X-Request-ID": "from-proxy-1"})
        fresh = await http.get("/id")
        missing = await http.get("/nowhere", headers={"X-Request-ID": "404-trace"})
    assert kept.text == kept.headers["x-request-id"] == "from-proxy-1"
    assert GENERATED.fullmatch(fresh.headers["x-request-id"]) and fresh.text == fresh.headers["x-request-id"]
    assert missing.status_code == 404 and missing.headers["x-request-id"] == "404-trace"
