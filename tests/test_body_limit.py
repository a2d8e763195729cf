"""Which requests the body limit counts: only those whose size the server has not already bounded."""

from __future__ import annotations

from typing import Any

import pytest

from core.http.body_limit import BodyLimit


async def app(scope: Any, receive: Any, send: Any) -> None:  # never called: only the choice is looked at
    raise AssertionError


LIMIT = BodyLimit(app, max_body_size=100, multipart_max_body_size=1000)
MULTIPART = (b"content-type", b"multipart/form-data; boundary=x")


def scope(method: str, *headers: tuple[bytes, bytes]) -> dict[str, Any]:
    return {"type": "http", "method": method, "headers": list(headers)}


@pytest.mark.parametrize("request_scope", [
    scope("GET"),
    scope("POST", (b"content-length", b"100")),
    scope("POST", (b"content-length", b"0")),
    scope("POST", MULTIPART, (b"content-length", b"1000")),
], ids=["bodyless GET", "declared at the limit", "empty", "multipart within its allowance"])
def test_a_body_the_server_frames_within_the_limit_is_not_counted_again(request_scope: dict[str, Any]) -> None:
    assert LIMIT.limiter(request_scope) is None


@pytest.mark.parametrize(("request_scope", "limiter"), [
    (scope("POST"), LIMIT.limited),
    (scope("GET", (b"transfer-encoding", b"chunked")), LIMIT.limited),
    (scope("POST", (b"content-length", b"101")), LIMIT.limited),
    (scope("POST", (b"content-length", b"10"), (b"transfer-encoding", b"chunked")), LIMIT.limited),
    (scope("POST", (b"content-length", b"10"), (b"content-length", b"10")), LIMIT.limited),
    (scope("POST", (b"content-length", b"1e3")), LIMIT.limited),
    (scope("POST", MULTIPART, (b"content-length", b"1001")), LIMIT.multipart),
    (scope("POST", MULTIPART, (b"transfer-encoding", b"chunked")), LIMIT.multipart),
], ids=["no length", "chunked GET", "declared over", "length and chunked", "two lengths", "not a number",
        "multipart over", "multipart chunked"])
def test_a_body_of_unknown_or_excessive_size_goes_through_the_limiter(
    request_scope: dict[str, Any], limiter: Any,
) -> None:
    assert LIMIT.limiter(request_scope) is limiter
