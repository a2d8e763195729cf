"""The application kernel: settings and routes in, a Starlette app with the ORM wired out."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from core.http.context import RequestContextMiddleware
from core.http.errors import exception_handlers
from core.http.health import health
from core.lifecycle import run_shutdown_hooks

logger = logging.getLogger("nori.kernel")


def has_migrations(migrations_dir: Path) -> bool:
    """True once the site keeps its schema in migration files."""
    return any(migrations_dir.glob("*/*.py"))


def create_app(
    *,
    debug: bool | None = None,
    tortoise_config: Mapping[str, Any] | None = None,
    routes: Sequence[BaseRoute] | None = None,
    middleware: Sequence[Middleware] | None = None,
) -> Starlette:
    """Build the site's app; arguments left out come from `settings` and `routes`.

    In DEBUG the schema is generated from the models as a convenience until the site has
    migrations; from then on (and always with DEBUG off) the schema comes from migrations
    alone, so the two never fight over a table.
    """
    import settings

    debug = settings.DEBUG if debug is None else debug
    config = settings.TORTOISE_ORM if tortoise_config is None else tortoise_config
    if routes is None:
        from routes import routes as site_routes

        routes = site_routes

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from tortoise import Tortoise

        await Tortoise.init(config=dict(config), _enable_global_fallback=True)
        try:
            if debug and not has_migrations(settings.MIGRATIONS_DIR):
                await Tortoise.generate_schemas(safe=True)
            yield
        finally:
            await run_shutdown_hooks()
            await Tortoise.close_connections()

    framework_routes: list[BaseRoute] = [Route("/health", health, name="health")]
    stack = [Middleware(RequestContextMiddleware), *(middleware or ())]
    return Starlette(
        debug=debug,
        routes=[*framework_routes, *routes],
        middleware=stack,
        exception_handlers=exception_handlers(),
        lifespan=lifespan,
    )
