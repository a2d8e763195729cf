"""The admin's routes, mounted at ADMIN_PREFIX under the name `admin` (`url_for('admin:list', model=...)`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from core.settings import settings

Endpoint = Callable[[Request], Awaitable[Response]]
VIEWS = "core.admin.views"


def guarded(view: str) -> Endpoint:
    """The admin view named `view`, with a `Denied` raised by the permission check turned into
    its response (login redirect or 403).

    The views module is imported at the admin's first request, not with the routes: a worker
    that never serves the admin does not keep its code. A mistake in a model's `class Admin`
    still stops the start (the kernel checks them then), and the endpoint keeps the view's name
    for `routes:list`.
    """

    async def run(request: Request) -> Response:
        from core.admin import views

        try:
            response: Response = await getattr(views, view)(request)
        except views.Denied as denied:
            return denied.response
        return response

    run.__module__, run.__name__, run.__qualname__ = VIEWS, view, view
    return run


def admin_routes() -> list[BaseRoute]:
    """Nothing when ADMIN_ENABLED is off, so the pages do not exist at all."""
    if not settings.ADMIN_ENABLED:
        return []
    pages: list[tuple[str, str, str, str]] = [
        ("/", "index", "GET", "index"),
        ("/audit", "audit_log", "GET", "audit"),
        ("/{model}", "list_rows", "GET", "list"),
        ("/{model}/create", "create_form", "GET", "create"),
        ("/{model}/create", "create", "POST", "store"),
        ("/{model}/trash", "trash", "GET", "trash"),
        ("/{model}/action", "run_action", "POST", "action"),
        ("/{model}/lookup", "lookup", "GET", "lookup"),
        ("/{model}/{pk}", "detail", "GET", "detail"),
        ("/{model}/{pk}/edit", "edit_form", "GET", "edit"),
        ("/{model}/{pk}/edit", "update", "POST", "update"),
        ("/{model}/{pk}/delete", "delete_form", "GET", "delete"),
        ("/{model}/{pk}/delete", "delete", "POST", "destroy"),
        ("/{model}/{pk}/restore", "restore", "POST", "restore"),
        ("/{model}/{pk}/force-delete", "force_delete", "POST", "force_delete"),
        ("/{model}/{pk}/move", "move", "POST", "move"),
    ]
    # HTML pages for people, not an API: left out of the OpenAPI description.
    routes = [Route(path, guarded(view), methods=[method], name=name, include_in_schema=False)
              for path, view, method, name in pages]
    return [Mount(settings.ADMIN_PREFIX, routes=routes, name="admin")]
