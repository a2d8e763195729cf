"""The admin's routes, mounted at ADMIN_PREFIX under the name `admin` (`url_for('admin:list', model=...)`)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from core.admin import views
from core.settings import settings

Endpoint = Callable[[Request], Awaitable[Response]]


def guarded(endpoint: Endpoint) -> Endpoint:
    """Turn a `Denied` raised by the permission check into its response (login redirect or 403)."""

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except views.Denied as denied:
            return denied.response

    return run


def admin_routes() -> list[BaseRoute]:
    """Nothing when ADMIN_ENABLED is off, so the pages do not exist at all."""
    if not settings.ADMIN_ENABLED:
        return []
    pages: list[tuple[str, Endpoint, str, str]] = [
        ("/", views.index, "GET", "index"),
        ("/audit", views.audit_log, "GET", "audit"),
        ("/{model}", views.list_rows, "GET", "list"),
        ("/{model}/create", views.create_form, "GET", "create"),
        ("/{model}/create", views.create, "POST", "store"),
        ("/{model}/trash", views.trash, "GET", "trash"),
        ("/{model}/action", views.run_action, "POST", "action"),
        ("/{model}/lookup", views.lookup, "GET", "lookup"),
        ("/{model}/{pk}", views.detail, "GET", "detail"),
        ("/{model}/{pk}/edit", views.edit_form, "GET", "edit"),
        ("/{model}/{pk}/edit", views.update, "POST", "update"),
        ("/{model}/{pk}/delete", views.delete_form, "GET", "delete"),
        ("/{model}/{pk}/delete", views.delete, "POST", "destroy"),
        ("/{model}/{pk}/restore", views.restore, "POST", "restore"),
        ("/{model}/{pk}/force-delete", views.force_delete, "POST", "force_delete"),
        ("/{model}/{pk}/move", views.move, "POST", "move"),
    ]
    # HTML pages for people, not an API: left out of the OpenAPI description.
    routes = [Route(path, guarded(endpoint), methods=[method], name=name, include_in_schema=False)
              for path, endpoint, method, name in pages]
    return [Mount(settings.ADMIN_PREFIX, routes=routes, name="admin")]
