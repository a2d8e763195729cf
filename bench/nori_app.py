"""The Nori side: the shipped site exactly as `asgi.py` builds it, plus the bench routes and model.

    python3 -m uvicorn bench.nori_app:app --app-dir rootsystem/application --port 8002

Importing the site's own `asgi` module keeps every default middleware, handler and framework
route in the measurement; the `articles` model and template join through a Tortoise app and a
template loader of their own, so nothing bench-only ships with the site. The bench routes go
after the framework's routes and before the site's own: Starlette tries routes in order, so
placing them after the site's pages would add the length of the site's route table (which the
bare app does not have) to the comparison.
"""

from __future__ import annotations

from dataclasses import replace

import jinja2
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import settings
from bench.nori_models import Article
from bench.workload import PAGE_SIZE, TEMPLATES_DIR, WRITE_RULES, page_number
from core.database import tortoise_config
from core.http.csrf import csrf_token
from core.validation import Validator
from core.views import render, templates

settings.TORTOISE_ORM = tortoise_config(replace(settings.DATABASE, extra_apps={"bench": ("bench.nori_models",)}))

from asgi import app  # noqa: E402  (reads the TORTOISE_ORM set above)
from routes import routes as site_routes  # noqa: E402

write_rules = Validator(WRITE_RULES)
environment = templates().env
environment.loader = jinja2.ChoiceLoader([environment.loader, jinja2.FileSystemLoader(str(TEMPLATES_DIR))])


async def rows(page: int) -> list[Article]:
    return await Article.all().order_by("id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)


async def ping(request: Request) -> Response:
    return JSONResponse({"ok": True})


async def articles(request: Request) -> Response:
    page = page_number(request.query_params.get("page"))
    return JSONResponse({"page": page, "items": [article.to_dict() for article in await rows(page)]})


async def page_html(request: Request) -> Response:
    page = page_number(request.query_params.get("page"))
    return render(request, "articles.html", {"page": page, "articles": await rows(page)})


async def write_form(request: Request) -> Response:
    """What a form page hands its visitor: a CSRF token, kept in the session cookie this sets."""
    return JSONResponse({"csrf_token": csrf_token(request)})


async def write(request: Request) -> Response:
    """A form post as a site writes one: CSRF checked by the middleware, validated, one INSERT."""
    async with request.form() as form:
        clean = await write_rules.validate(form)
    article = await Article.create(**clean)
    return JSONResponse({"id": article.id})


first_site_route = app.router.routes.index(site_routes[0])
app.router.routes[first_site_route:first_site_route] = [
    Route("/bench/ping", ping, name="bench_ping"),
    Route("/bench/articles", articles, name="bench_articles"),
    Route("/bench/page", page_html, name="bench_page"),
    Route("/bench/write", write_form, methods=["GET"], name="bench_write_form"),
    Route("/bench/write", write, methods=["POST"], name="bench_write"),
]
