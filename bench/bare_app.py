"""Bare Starlette + Tortoise + Jinja2 with no middleware: the stack's limit the Nori site is compared to.

    BENCH_DB_URL=sqlite:///tmp/bench.sqlite3 python3 -m uvicorn bench.bare_app:app --port 8001
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from tortoise import Tortoise

from bench.bare_models import Article
from bench.workload import PAGE_SIZE, TEMPLATES_DIR, page_number

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


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
    ],
    lifespan=lifespan,
)
