"""require_permission / require_role: 401 (redirect for pages), 403, JSON or HTML, methods too."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

import settings
from core.acl import assign_role, grant, require_permission, require_role
from core.auth.decorators import unauthenticated
from core.auth.identity import set_user_loader
from core.kernel import create_app
from core.models import Role

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}


@require_permission("articles.edit")
async def edit_article(request: Request) -> PlainTextResponse:
    return PlainTextResponse("edited")


class ArticleController:
    @require_role("editor", "admin")
    async def publish(self, request: Request) -> JSONResponse:
        return JSONResponse({"published": True})

    @require_permission("articles.edit", "articles.publish")
    async def both(self, request: Request) -> PlainTextResponse:
        return PlainTextResponse("both")


@pytest.fixture
async def http(db: str) -> Any:
    from models.user import User

    async def loader(request: Any) -> Any:
        user_id = request.headers.get("x-user")
        return await User.get_or_none(id=int(user_id)) if user_id else None

    controller = ArticleController()
    app = create_app(routes=[
        Route("/articles/edit", edit_article, methods=["GET", "POST"], name="articles.edit"),
        Route("/articles/publish", controller.publish),
        Route("/articles/both", controller.both),
        Route("/api/articles/edit", edit_article),
    ], csrf_exempt=["articles.edit"])  # the POST below tests the ACL redirect, not CSRF
    previous_loader = set_user_loader(loader)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        yield client
    set_user_loader(previous_loader)


async def user_with(factory: Any, role: str, *permissions: str, **fields: Any) -> dict[str, str]:
    user = await factory("User", **fields)
    await Role.get_or_create(name=role)
    if permissions:
        await grant(role, *permissions)
    await assign_role(user, role)
    return {"X-User": str(user.id)}


async def test_anonymous_json_gets_401(http: httpx.AsyncClient) -> None:
    response = await http.get("/articles/edit", headers=JSON)
    assert response.status_code == 401 and response.json()["error"] == "Authentication required"
    api = await http.get("/api/articles/edit")
    assert api.status_code == 401


async def test_anonymous_page_is_sent_to_login_with_next(http: httpx.AsyncClient, monkeypatch: Any) -> None:
    response = await http.get("/articles/edit?draft=1&x=a%20b", headers=HTML)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == settings.LOGIN_URL
    assert parse_qs(location.query) == {"next": ["/articles/edit?draft=1&x=a%20b"]}
    monkeypatch.setattr(settings, "LOGIN_URL", "/auth/login?lang=en")
    again = await http.post("/articles/edit", headers=HTML)
    assert again.status_code == 303 and again.headers["location"] == "/auth/login?lang=en&next=/articles/edit"


def test_next_is_never_protocol_relative() -> None:
    scope = {"type": "http", "path": "//evil.example/x", "query_string": b"", "headers": [], "scheme": "http",
             "server": ("t", 80)}
    location = unauthenticated(Request(scope)).headers["location"]
    assert parse_qs(urlsplit(location).query) == {"next": ["/evil.example/x"]}


async def test_permission_granted_passes(http: httpx.AsyncClient, factory: Any) -> None:
    headers = await user_with(factory, "editor", "articles.edit")
    response = await http.get("/articles/edit", headers=headers)
    assert response.status_code == 200 and response.text == "edited"


async def test_wildcard_grant_passes(http: httpx.AsyncClient, factory: Any) -> None:
    headers = await user_with(factory, "chief", "articles.*")
    assert (await http.get("/articles/edit", headers=headers)).status_code == 200
    assert (await http.get("/articles/both", headers=headers)).status_code == 200


async def test_lacking_permission_is_403_json_or_page(http: httpx.AsyncClient, factory: Any) -> None:
    headers = await user_with(factory, "reader", "articles.view")
    as_json = await http.get("/articles/edit", headers={**headers, **JSON})
    assert as_json.status_code == 403 and as_json.json()["status"] == 403
    page = await http.get("/articles/edit", headers={**headers, **HTML})
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")


async def test_every_listed_permission_is_needed(http: httpx.AsyncClient, factory: Any) -> None:
    headers = await user_with(factory, "editor", "articles.edit")
    assert (await http.get("/articles/both", headers=headers)).status_code == 403


async def test_require_role_on_a_method_accepts_any_listed_role(http: httpx.AsyncClient, factory: Any) -> None:
    admin = await user_with(factory, "admin")
    reader = await user_with(factory, "reader", "articles.view")
    assert (await http.get("/articles/publish", headers=admin)).json() == {"published": True}
    assert (await http.get("/articles/publish", headers={**reader, **JSON})).status_code == 403
    assert (await http.get("/articles/publish", headers=JSON)).status_code == 401


async def test_inactive_user_is_refused(http: httpx.AsyncClient, factory: Any) -> None:
    headers = await user_with(factory, "editor", "articles.edit", status=False)
    assert (await http.get("/articles/edit", headers={**headers, **JSON})).status_code == 403


def test_bad_names_fail_at_decoration() -> None:
    with pytest.raises(ValueError, match="not a permission name"):
        require_permission("articles edit")
    with pytest.raises(TypeError):
        require_role()


async def test_the_guards_refuse_an_endpoint_that_is_not_an_http_one() -> None:
    """Their refusals are HTTP responses (a redirect, a 401 or 403 page) a WebSocket could not send."""
    from starlette.websockets import WebSocket

    from core.auth.decorators import login_required

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        return None

    socket = WebSocket({"type": "websocket", "path": "/ws", "headers": []}, receive, send)

    @login_required
    async def feed(websocket: WebSocket) -> None:
        return None

    with pytest.raises(TypeError, match="login_required: the endpoint was not called with a request"):
        await feed(socket)
    with pytest.raises(TypeError, match="require_permission/require_role: the endpoint was not called"):
        await require_permission("articles.edit")(feed)(socket)
