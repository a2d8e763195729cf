"""Bare Starlette + Tortoise + Jinja2 with no middleware: the stack's limit the Nori site is compared to.

    BENCH_DB_URL=sqlite:///tmp/bench.sqlite3 python3 -m uvicorn bench.bare_app:app --port 8001
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from typing import Any

import itsdangerous
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from tortoise import Tortoise

from bench.bare_models import Article
from bench.workload import PAGE_SIZE, TEMPLATES_DIR, page_number

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
# The session: one signed cookie holding the CSRF token, as a hand-written site would keep it.
sessions = itsdangerous.URLSafeTimedSerializer(os.environ.get("BENCH_SECRET_KEY", "bench-secret"), salt="bench.session")
SESSION_COOKIE = "session"
SESSION_MAX_AGE = 14 * 24 * 3600
SLUG = re.compile(r"^[a-z0-9-]+$")


async def rows(page: int) -> list[Article]:
    return await Article.all().order_by("id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)


def as_dict(article: Article) -> dict[str, Any]:
    """Hand-written, the fastest a serialiser can be."""
    return {
        "id": article.id,
        "title": article.title,
        "slug": article.slug,
        "body": article.body,
        "views": article.views,
        "created_at": article.created_at.isoformat(),
    }


async def ping(request: Request) -> Response:
    return JSONResponse({"ok": True})


async def articles(request: Request) -> Response:
    page = page_number(request.query_params.get("page"))
    return JSONResponse({"page": page, "items": [as_dict(article) for article in await rows(page)]})


async def page_html(request: Request) -> Response:
    page = page_number(request.query_params.get("page"))
    return templates.TemplateResponse(request, "articles.html", {"page": page, "articles": await rows(page)})


async def write_form(request: Request) -> Response:
    token = secrets.token_urlsafe(32)
    response = JSONResponse({"csrf_token": token})
    cookie: SimpleCookie = SimpleCookie()
    cookie[SESSION_COOKIE] = sessions.dumps({"_csrf": token})
    cookie[SESSION_COOKIE].update({"path": "/", "httponly": True, "samesite": "Lax", "max-age": SESSION_MAX_AGE})
    response.headers.append("set-cookie", cookie[SESSION_COOKIE].OutputString())
    return response


def text_field(form: Any, name: str, longest: int) -> str | None:
    value = form.get(name)
    if not isinstance(value, str) or not value or len(value) > longest or "\x00" in value:
        return None
    return value


async def write(request: Request) -> Response:
    """The checks the Nori side gets from its middleware and validate(), written out by hand."""
    try:
        session = sessions.loads(request.cookies.get(SESSION_COOKIE, ""), max_age=SESSION_MAX_AGE)
    except itsdangerous.BadData:
        session = {}
    async with request.form() as form:
        sent = form.get("csrf_token")
        expected = session.get("_csrf") if isinstance(session, dict) else None
        if not isinstance(sent, str) or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
            return JSONResponse({"error": "CSRF check failed"}, status_code=403)
        title, slug = text_field(form, "title", 200), text_field(form, "slug", 200)
        body = text_field(form, "body", 5000)
        views = form.get("views")
        if (title is None or slug is None or body is None or not SLUG.search(slug) or not isinstance(views, str)
                or not views.isdigit()):
            return JSONResponse({"error": "invalid form"}, status_code=422)
    article = await Article.create(title=title, slug=slug, body=body, views=int(views))
    return JSONResponse({"id": article.id})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    # Requests run in other tasks than the lifespan: the global fallback makes the ORM visible to them.
    await Tortoise.init(db_url=os.environ["BENCH_DB_URL"], modules={"models": ["bench.bare_models"]},
                        _enable_global_fallback=True)
    yield
    await Tortoise.close_connections()


app = Starlette(
    routes=[
        Route("/bench/ping", ping),
        Route("/bench/articles", articles),
        Route("/bench/page", page_html),
        Route("/bench/write", write_form, methods=["GET"]),
        Route("/bench/write", write, methods=["POST"]),
    ],
    lifespan=lifespan,
)
