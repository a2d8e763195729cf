"""Multipart uploads: per-route size and count limits (413), type by content, generated names,
image dimensions, the file rules of `validate()` (422), and the CSRF field read from the head."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Message

from core.http.uploads import uploads
from core.kernel import create_app
from core.settings import settings
from tests.support.files import HTML, PDF, png, png_header
from tests.support.uploads_site import UPLOAD_ROUTES
from tests.support.web import csrf_token

JSON = {"Accept": "application/json"}


@pytest.fixture
async def web(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    from routes import routes

    monkeypatch.setattr(settings, "STORAGE_URL", (tmp_path / "files").as_uri())
    app = create_app(routes=[*UPLOAD_ROUTES, *routes])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        client.headers.update(JSON)
        yield client


async def post(client: httpx.AsyncClient, path: str, files: list[tuple[str, tuple[str, bytes, str]]],
               **fields: str) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(path, data={"csrf_token": token, **fields}, files=files)


async def test_type_and_name_come_from_the_content_not_the_client(web: httpx.AsyncClient) -> None:
    answer = await post(web, "/upload/avatar", [("avatar", ("report.pdf", png(40, 30), "application/pdf"))],
                        note="hi")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["type"] == "image/png" and body["dimensions"] == [40, 30] and body["note"] == "hi"
    assert body["name"].endswith(".png") and "report" not in body["name"] and len(body["name"]) > 20
    again = await post(web, "/upload/avatar", [("avatar", ("report.pdf", png(40, 30), "application/pdf"))])
    assert again.json()["name"] != body["name"]


async def test_html_named_png_fails_the_type_and_image_rules(web: httpx.AsyncClient) -> None:
    answer = await post(web, "/upload/avatar", [("avatar", ("cat.png", HTML, "image/png"))])
    assert answer.status_code == 422
    assert answer.json()["errors"]["avatar"] == ["The avatar must be an image (PNG, JPEG, GIF or WebP)."]
    pdf = await post(web, "/upload/documents", [("document", ("doc.pdf", HTML, "application/pdf"))])
    assert pdf.status_code == 422
    assert pdf.json()["errors"] == {"document": ["The document must be a file of type: pdf."]}
    good = await post(web, "/upload/documents", [("document", ("scan.bin", PDF, "application/octet-stream"))])
    assert good.status_code == 200 and good.json()["files"][0]["name"].endswith(".pdf")


async def test_a_file_over_the_route_limit_is_413_with_a_message(web: httpx.AsyncClient) -> None:
    big = png(40, 30) + b"\x00" * (101 * 1024)
    answer = await post(web, "/upload/avatar", [("avatar", ("a.png", big, "image/png"))])
    assert answer.status_code == 413
    assert answer.json()["error"] == "The file avatar is larger than the limit of 100 KB."


async def test_file_max_rule_is_422_under_the_route_limit(web: httpx.AsyncClient) -> None:
    answer = await post(web, "/upload/avatar", [("avatar", ("a.png", png(40, 30) + b"\x00" * 60 * 1024, "image/png"))])
    assert answer.status_code == 422
    assert answer.json()["errors"]["avatar"] == ["The avatar must not be larger than 50 kilobytes."]


async def test_too_many_files_is_413(web: httpx.AsyncClient) -> None:
    files = [("document", (f"{n}.pdf", PDF, "application/pdf")) for n in range(4)]
    answer = await post(web, "/upload/documents", files)
    assert answer.status_code == 413
    assert answer.json()["error"] == "Too many files: at most 3 may be sent at once."
    three = await post(web, "/upload/documents", files[:3])
    assert three.status_code == 200 and len(three.json()["files"]) == 3


async def test_image_dimensions_are_read_from_headers_and_limited(web: httpx.AsyncClient) -> None:
    wide = await post(web, "/upload/avatar", [("avatar", ("w.png", png(1200, 10), "image/png"))])
    assert wide.status_code == 422
    assert wide.json()["errors"] == {"avatar": ["The avatar image is 1200x10 pixels; at most 1000x800 is allowed."]}
    bomb = await post(web, "/upload/avatar", [("avatar", ("b.png", png_header(50000, 50000), "image/png"))])
    assert bomb.status_code == 422 and "50000x50000" in bomb.json()["errors"]["avatar"][0]


async def test_required_file_left_blank_and_text_in_place_of_a_file(web: httpx.AsyncClient) -> None:
    token = await csrf_token(web)
    boundary = "nori-boundary"
    as_browsers_send_it = (  # a file input left empty: a part with an empty file name and no bytes
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n\r\n--{boundary}--\r\n").encode()
    blank = await web.post("/upload/avatar", content=as_browsers_send_it,
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert blank.status_code == 422 and blank.json()["errors"]["avatar"] == ["The avatar field is required."]
    optional = await web.post("/upload/optional", content=as_browsers_send_it.replace(b'"avatar"', b'"photo"'),
                              headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert optional.status_code == 200 and optional.json() == {"photo": None}  # `UploadFile | None`: not sent
    text = await web.post("/upload/avatar", data={"csrf_token": token, "avatar": "not a file"},
                          files=[("other", ("x.pdf", PDF, "application/pdf"))])
    assert text.status_code == 422 and text.json()["errors"] == {"avatar": ["must be a file"]}


async def test_the_csrf_field_must_come_before_the_files(web: httpx.AsyncClient) -> None:
    token = await csrf_token(web)
    boundary = "nori-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + png(4, 4) + (
            f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}"
            f"\r\n--{boundary}--\r\n").encode()
    answer = await web.post("/upload/avatar", content=body,
                            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status_code == 403 and "no CSRF token" in answer.json()["error"]
    header = await web.post("/upload/avatar", content=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRF-Token": token})
    assert header.status_code == 200 and header.json()["dimensions"] == [4, 4]


async def test_the_body_stops_being_read_at_the_limit() -> None:
    """413 once the file passes the limit: the rest of a 4 MB body is never received."""

    @uploads(max_size=64 * 1024)
    async def endpoint(request: Request) -> JSONResponse:
        return JSONResponse({})

    app = Starlette(routes=[Route("/up", endpoint, methods=["POST"])])
    boundary = b"b0undary"
    head = b"--" + boundary + b'\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n'
    chunks = [head] + [b"\x00" * 16384] * 256 + [b"\r\n--" + boundary + b"--\r\n"]
    received = 0

    async def receive() -> Message:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": chunks[received - 1], "more_body": received < len(chunks)}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/up", "headers": [
        (b"content-type", b"multipart/form-data; boundary=" + boundary)], "query_string": b"", "app": app}
    await app(scope, receive, send)
    assert sent[0]["status"] == 413
    assert received <= 6  # the head and the chunks up to 64 KB, not the 257 others


async def test_multipart_bodies_get_the_upload_allowance_over_max_body_size(
        web: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """MAX_BODY_SIZE (10 MB) still bounds JSON; a multipart body may add the upload limits to it."""
    token = await csrf_token(web)
    json = await web.post("/upload/store", content=b'{"a": "' + b"x" * (11 * 1024 * 1024) + b'"}',
                          headers={"Content-Type": "application/json", "X-CSRF-Token": token})
    assert json.status_code == 413
    big = png(10, 10) + b"\x00" * (9 * 1024 * 1024)
    files = [("file", (f"{n}.png", big, "image/png")) for n in range(2)]
    answer = await web.post("/upload/store", data={"csrf_token": token}, files=files)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["stored"]) == 2 and all(name.endswith(".png") for name in answer.json()["stored"])
