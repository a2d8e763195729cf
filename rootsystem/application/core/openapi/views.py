"""`GET /openapi.json` and `GET /docs`: the description of the app that serves them.

The document is built from `request.app.routes` at the first request and kept on the app: the
routes do not change while it runs, and building it walks every endpoint's declarations. Both
routes are internal (they do not describe themselves). `/docs` is a page we render from the
document, not a JavaScript viewer: it needs no script at all, so the CSP (`core.http.headers`,
no inline script or style) holds unchanged and nothing is fetched from a CDN. The viewers worth
vendoring do not hold to that CSP: Swagger UI still applies inline styles (swagger-api/swagger-ui
#10655, open) and Redoc injects `<style>` elements through styled-components, so either would
need `style-src 'unsafe-inline'` on the page that shows the API.

The generator (core.openapi.document) loads with the first document, not with these routes,
so `routes:list` never imports it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.openapi.markers import internal
from core.settings import settings

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def site_document(routes: list[BaseRoute]) -> dict[str, Any]:
    """The site's document: its routes with the title, version and cookie name from settings."""
    from core.openapi.document import openapi_document

    return openapi_document(routes, title=settings.OPENAPI_TITLE, version=settings.OPENAPI_VERSION,
                            session_cookie=settings.SESSION_COOKIE)


def cached_document(request: Request) -> dict[str, Any]:
    document = getattr(request.app.state, "openapi_document", None)
    if document is None:
        document = site_document(request.app.routes)
        request.app.state.openapi_document = document
    return document


@internal
async def openapi_json(request: Request) -> Response:
    return JSONResponse(cached_document(request))


@internal
async def openapi_docs(request: Request) -> Response:
    from core.views import render

    document = cached_document(request)
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, item in document["paths"].items()
        for method in METHOD_ORDER if (operation := item.get(method)) is not None
    ]
    return render(request, "openapi/docs.html", {"document": document, "operations": operations})


def openapi_routes() -> list[BaseRoute]:
    """The routes the settings turn on: the JSON with OPENAPI_ENABLED, the page with OPENAPI_DOCS_ENABLED too."""
    if not settings.OPENAPI_ENABLED:
        return []
    routes: list[BaseRoute] = [Route("/openapi.json", openapi_json, methods=["GET"], name="openapi")]
    if settings.OPENAPI_DOCS_ENABLED:
        routes.append(Route("/docs", openapi_docs, methods=["GET"], name="openapi.docs"))
    return routes
