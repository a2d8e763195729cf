"""`/openapi.json`, `/docs` and `openapi:export`, on the sample API of tests/support/openapi_site.py.

The committed snapshot (tests/snapshots/openapi.json) is what `openapi:export` prints for it:
a change to the generator or to a declaration shows up as a diff to review. Regenerate it with
`cd rootsystem/application && PYTHONPATH=../.. python3 ../../nori.py openapi:export
--app tests.support.openapi_site:app > ../../tests/snapshots/openapi.json`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import settings as site_settings
from core.kernel import create_app
from core.openapi.schemas import validator_schema
from core.openapi.views import site_document
from core.resources import Resource
from core.validation import Validator
from tests.support import openapi_site
from tests.support.api_models import Writer
from tests.support.server import APP_DIR, ROOT

SNAPSHOT = ROOT / "tests" / "snapshots" / "openapi.json"


def export(*args: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("DB_", "OPENAPI_"))}
    environ.update({"PYTHONPATH": str(ROOT), "SECRET_KEY": "s" * 48, "DEBUG": "false"})
    return subprocess.run([sys.executable, str(ROOT / "nori.py"), "openapi:export", *args], cwd=APP_DIR,
                          env=environ, capture_output=True, text=True, timeout=120)


@pytest.fixture
async def api(db: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(routes=openapi_site.routes))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                 headers={"Accept": "application/json"}) as client:
        yield client


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return document["paths"][path][method]


def test_export_prints_the_committed_snapshot() -> None:
    result = export("--app", "tests.support.openapi_site:app")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(SNAPSHOT.read_text()), "regenerate the snapshot (module docstring)"


def test_export_describes_the_served_site_by_default() -> None:
    result = export()
    assert result.returncode == 0, result.stderr
    paths = json.loads(result.stdout)["paths"]
    assert "/register" in paths and "/health" in paths and not any(path.startswith("/api/") for path in paths)


def test_export_of_an_app_that_does_not_exist_is_one_line() -> None:
    result = export("--app", "tests.support.no_such_module:app")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "no_such_module" in result.stderr


async def test_the_served_document_is_the_exported_one(api: httpx.AsyncClient) -> None:
    answer = await api.get("/openapi.json")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert answer.json() == json.loads(SNAPSHOT.read_text())


def test_operations_come_from_routes_rules_injection_resources_and_guards() -> None:
    document = site_document(openapi_site.routes)
    assert document["openapi"] == "3.1.0"
    show = operation(document, "get", "/api/writers/{id}")  # inside a Mount, `{id:int}` written `{id}`
    assert show["parameters"] == [{"name": "id", "in": "path", "required": True,
                                   "schema": {"type": "integer", "minimum": 0}}]
    assert {"400", "404"} <= set(show["responses"])
    store = operation(document, "post", "/api/writers")
    body = store["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["name"] == {"type": "string", "maxLength": 50, "minLength": 1,
                                          "description": "no control characters"}
    assert body["required"] == ["name"] and store["requestBody"]["required"] is True
    assert set(store["responses"]) == {"201", "400", "403", "422"}  # no unique column or foreign key: no 409
    assert store["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"}
    search = operation(document, "get", "/api/writers/search")  # from the @inject signature
    assert [(p["name"], p["in"], p["required"], p["schema"]["type"]) for p in search["parameters"]] == [
        ("name", "query", True, "string"), ("limit", "query", False, "integer")]
    destroy = operation(document, "delete", "/api/writers/{id}")
    assert destroy["security"] == [{"session": []}] and "401" in destroy["responses"]
    assert document["components"]["securitySchemes"]["session"]["name"] == site_settings.SESSION_COOKIE
    listing = operation(document, "get", "/api/articles")["responses"]["200"]["content"]["application/json"]
    assert listing["schema"]["properties"]["data"]["items"] == {"$ref": "#/components/schemas/ArticleResource"}
    article = document["components"]["schemas"]["ArticleResource"]["properties"]
    assert article["headline"] == {"type": "string", "maxLength": 100}  # renamed from `title`
    assert article["writer"] == {"$ref": "#/components/schemas/WriterResource"}
    assert article["popular"] == {"type": "boolean"}  # @computed, typed by its annotation
    assert set(document["components"]["schemas"]["WriterResource"]["properties"]) == {"id", "name"}


def test_internal_routes_are_left_out() -> None:
    paths = site_document(create_app(routes=openapi_site.routes).routes)["paths"]
    assert "/api/writers/count" not in paths  # @internal
    assert "/openapi.json" not in paths and "/docs" not in paths
    assert not any(path.startswith("/static") for path in paths)  # an app mounted whole


def test_rules_become_the_narrowest_schema_json_can_say() -> None:
    schema = validator_schema(Validator({
        "age": "nullable|integer|between:18,130",
        "size": ["required", "in:s,m,l"],
        "code": ["string", "regex:^(AB|CD)[0-9]+$"],
        "email": "required|email|max:255",
        "secret": "required|string|min:8|confirmed",
        "ratio": "numeric|min:0.5",
    }))
    properties = schema["properties"]
    assert properties["age"] == {"type": ["integer", "null"], "minimum": 18, "maximum": 130}
    assert properties["size"] == {"enum": ["s", "m", "l"]}
    assert properties["code"]["pattern"] == "^(AB|CD)[0-9]+$"
    assert properties["email"]["format"] == "email" and properties["email"]["maxLength"] == 255
    assert properties["secret_confirmation"]["minLength"] == 8
    assert properties["ratio"] == {"type": "number", "minimum": 0.5}
    assert schema["required"] == ["size", "email", "secret", "secret_confirmation"]


async def test_the_docs_page_lists_the_operations_without_any_script(api: httpx.AsyncClient) -> None:
    page = await api.get("/docs", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/api/writers/{id}" in page.text and "Add a writer" in page.text and "openapi.json" in page.text
    assert "minLength 1; maxLength 50; no control characters" in page.text  # POST /api/writers' name
    assert "<script" not in page.text and "style=" not in page.text and "<style" not in page.text  # the CSP holds
    assert "script-src" in page.headers["content-security-policy"]


async def test_settings_turn_the_page_and_the_document_off(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def statuses() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=create_app(routes=openapi_site.routes))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return (await client.get("/openapi.json")).status_code, (await client.get("/docs")).status_code

    monkeypatch.setattr(site_settings, "OPENAPI_ENABLED", True)
    monkeypatch.setattr(site_settings, "OPENAPI_DOCS_ENABLED", True)
    assert await statuses() == (200, 200)
    monkeypatch.setattr(site_settings, "OPENAPI_DOCS_ENABLED", False)
    assert await statuses() == (200, 404)
    monkeypatch.setattr(site_settings, "OPENAPI_ENABLED", False)
    monkeypatch.setattr(site_settings, "OPENAPI_DOCS_ENABLED", True)
    assert await statuses() == (404, 404)


# Where each driver refuses an integer for the id column: sqlite3 past 64 bits, asyncpg past the
# column's 32; MariaDB compares any number with the column's values.
COLUMN_LIMITS = {"sqlite": 2**63, "postgres": 2**31, "mysql": None}


@pytest.mark.parametrize("number", [2**40, 2**70])
async def test_a_number_too_large_for_its_column_is_a_400(api: httpx.AsyncClient, db: str, number: int) -> None:
    await Writer.create(name="Ada")
    search = await api.get(f"/api/writers/search?name=A&limit={number}")  # capped by the endpoint
    assert search.status_code == 200, search.text
    answer = await api.get(f"/api/writers/{number}")
    limit = COLUMN_LIMITS[db]
    if limit is None or number < limit:  # a value the driver sends: no such row
        assert answer.status_code == 404, answer.text
    else:
        assert answer.status_code == 400, answer.text
        assert "larger than the database can store" in answer.json()["error"]


def test_a_verified_guard_adds_its_403_and_unnamed_twins_get_distinct_ids() -> None:
    from starlette.responses import Response
    from starlette.routing import Route

    from core.auth.decorators import require_verified

    @require_verified
    async def index(request: Any) -> Response:
        return Response()

    paths = site_document([Route("/a", index), Route("/b", index)])["paths"]
    assert paths["/a"]["get"]["security"] == [{"session": []}]
    assert {"401", "403"} <= set(paths["/a"]["get"]["responses"])
    assert paths["/a"]["get"]["operationId"] != paths["/b"]["get"]["operationId"]


async def test_a_site_route_at_docs_wins_over_the_generated_page(db: str) -> None:
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def handbook(request: Any) -> PlainTextResponse:
        return PlainTextResponse("the site's handbook")

    transport = httpx.ASGITransport(app=create_app(routes=[Route("/docs", handbook)]))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/docs")).text == "the site's handbook"
        assert (await client.get("/openapi.json")).status_code == 200


def test_throttled_routes_document_429_and_503_with_retry_after_and_only_real_conflicts() -> None:
    from starlette.responses import Response
    from starlette.routing import Route

    from core.auth.tokens import token_required
    from core.http.throttle import throttle
    from core.openapi import operation
    from tests.support.api_models import Article

    class ArticleResource(Resource):
        model = Article  # a foreign key to its writer: a write can be refused by the index
        fields = ("id", "title")

    @operation(response=ArticleResource, status=201)
    @throttle("5/minute")
    async def store(request: Any) -> Response:
        return Response()

    @throttle("5/minute", fail_open=True)
    @token_required()
    async def lenient(request: Any) -> Response:
        return Response()

    @token_required(scopes=["articles.edit"])
    async def scoped(request: Any) -> Response:
        return Response()

    paths = site_document([Route("/articles", store, methods=["POST"]), Route("/open/{slug}", lenient),
                           Route("/scoped", scoped)])["paths"]
    responses = paths["/articles"]["post"]["responses"]
    assert set(responses) == {"201", "403", "409", "429", "503"}  # 503: the store down, the limit failing closed
    for status in ("429", "503"):
        assert responses[status]["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 0}
    lenient_get = paths["/open/{slug}"]["get"]
    assert set(lenient_get["responses"]) == {"200", "401", "429"}  # fails open; a text parameter is no record key
    assert lenient_get["security"] == [{"bearer": []}]
    assert set(paths["/scoped"]["get"]["responses"]) == {"200", "401", "403"}  # 403: a scope it lacks


def test_a_status_with_a_body_of_its_own_is_described_with_it() -> None:
    health = site_document(create_app(routes=[]).routes)["paths"]["/health"]["get"]["responses"]
    assert set(health) == {"200", "503"}  # the database not answering
    assert health["503"]["content"] == health["200"]["content"]  # not the error shape
    assert "headers" not in health["503"]


def test_file_fields_are_documented_as_a_multipart_body_of_binary_parts() -> None:
    from starlette.responses import Response
    from starlette.routing import Route

    from core.openapi import operation
    from tests.support.uploads_site import AVATAR_RULES, UPLOAD_ROUTES

    @operation(body=AVATAR_RULES)
    async def ruled(request: Any) -> Response:  # file rules alone, without @uploads
        return Response()

    paths = site_document([*UPLOAD_ROUTES, Route("/ruled", ruled, methods=["POST"])])["paths"]
    binary = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
    avatar = paths["/upload/avatar"]["post"]  # @uploads + @inject(avatar: UploadFile, note: str = "")
    assert list(avatar["requestBody"]["content"]) == ["multipart/form-data"]
    schema = avatar["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["avatar"] == binary and schema["required"] == ["avatar"]
    assert schema["properties"]["note"]["type"] == "string"
    assert {"400", "413", "422"} <= set(avatar["responses"])  # 413: a file over the route's limits
    optional = paths["/upload/optional"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert optional["properties"]["photo"] == binary | {"type": ["string", "null"]}
    assert "413" in paths["/upload/documents"]["post"]["responses"]
    ruled_body = paths["/ruled"]["post"]["requestBody"]
    assert list(ruled_body["content"]) == ["multipart/form-data"] and ruled_body["required"]
    field = ruled_body["content"]["multipart/form-data"]["schema"]["properties"]["avatar"]
    assert field == binary | {"description": "an image (PNG, JPEG, GIF or WebP); at most 50 KB; of type png, jpg"}
    assert "413" not in paths["/ruled"]["post"]["responses"]  # only @uploads sets the file limits
