"""Templates and their globals, named routes, static files and the flash that survives a redirect."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

import settings
from core.http.flash import flash
from core.http.static import StaticFiles
from core.kernel import create_app
from core.views import render
from routes import routes as site_routes
from tests.support.web import csrf_token, register


async def flash_then_redirect(request: Request) -> Response:
    flash(request, "Saved <b>safely</b>.", "success")
    return RedirectResponse("/", status_code=303)


def site(debug: bool = True) -> httpx.AsyncClient:
    app = create_app(debug=debug, routes=[*site_routes, Route("/save", flash_then_redirect, methods=["POST"])])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_named_routes_build_urls_in_code(app) -> None:
    assert app.url_path_for("login") == "/login"
    assert app.url_path_for("static", path="css/app.css") == "/static/css/app.css"


async def test_flash_survives_one_redirect_and_is_escaped(db: str) -> None:
    async with site() as client:
        token = await csrf_token(client)
        saved = await client.post("/save", data={"csrf_token": token})
        assert saved.status_code == 303
        landed = await client.get(saved.headers["location"])
        assert "Saved &lt;b&gt;safely&lt;/b&gt;." in landed.text
        assert "Saved" not in (await client.get("/")).text


async def test_layout_shows_the_current_user_and_a_logout_form(client: httpx.AsyncClient) -> None:
    anonymous = await client.get("/")
    assert 'href="/login"' in anonymous.text and "Log out" not in anonymous.text
    await register(client, name="Grace <Hopper>")
    page = await client.get("/")
    assert "Grace &lt;Hopper&gt;" in page.text and "Log out" in page.text
    assert re.search(r'<form class="inline" method="post" action="/logout">\s*<input type="hidden" '
                     r'name="csrf_token" value="[^"]+">', page.text)


async def test_static_urls_carry_a_version_and_production_caches(db: str) -> None:
    async with site() as client:
        page = await client.get("/")
        href = re.search(r'href="(/static/css/app\.css\?v=\d+)"', page.text)
        assert href, "static() should version the stylesheet URL"
        dev = await client.get(href.group(1))
        assert dev.status_code == 200 and dev.headers["cache-control"] == "no-cache"
    production = Mount("/static", app=StaticFiles(directory=settings.STATIC_DIR, debug=False), name="static")
    app = create_app(debug=False, routes=[production])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as client:
        cached = await client.get("/static/css/app.css")
        assert cached.status_code == 200 and cached.headers["cache-control"] == "public, max-age=604800"

async def test_error_pages(db: str) -> None:
    async with site(debug=False) as client:
        missing = await client.get("/nowhere")
        assert missing.status_code == 404 and "<h1>404 Not Found</h1>" in missing.text
        forbidden = await client.post("/save")
        assert forbidden.status_code == 403 and "<h1>403 Forbidden</h1>" in forbidden.text


def test_shipped_templates_satisfy_the_content_security_policy() -> None:
    """No inline scripts, event handlers or style attributes: the CSP would block them.

    Mail templates (`emails/`) may style inline, as mail clients need; they are never served as
    pages, so the CSP never applies to them. Scripts and handlers are refused there too.
    """
    templates = Path(settings.TEMPLATES_DIR)
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text, re.I), template
        assert not re.search(r"\son[a-z]+\s*=", text, re.I), template
        if template.relative_to(templates).parts[0] != "emails":
            assert not re.search(r"\sstyle\s*=|<style", text, re.I), template


async def test_controller_context_wins_over_template_globals(db: str) -> None:
    async def custom(request: Request) -> Response:
        return render(request, "partials/field.html", {"name": "email", "label": "Email",
                                                       "errors": lambda name=None: ["Custom message."]})

    app = create_app(routes=[*site_routes, Route("/custom", custom)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        assert "Custom message." in (await client.get("/custom")).text
