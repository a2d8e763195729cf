"""The application kernel: settings and routes in, a Starlette app with the ORM wired out."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from core.database import close_orm, without_migration_state
from core.http.errors import exception_handlers
from core.http.headers import SecurityHeaders
from core.http.health import health
from core.settings import settings

if TYPE_CHECKING:
    from core.replicas.router import ReadYourWrites

logger = logging.getLogger("nori.kernel")


async def _build_empty_database(config: Mapping[str, Any]) -> None:
    """DEBUG start-up on a database with no tables: apply the migrations (see `create_app`).

    A database that does not answer yet is logged, not fatal: the app starts, pages answer 503
    until it is back (core.http.unavailable), and the next start-up builds it.
    """
    from core.database import error_summary
    from core.http.unavailable import is_unavailable
    from core.migrations import operations

    project = operations.Project(dict(config), settings.DATABASE, settings.MIGRATIONS_DIR)
    try:
        await operations.build_empty_database(project, logger.info)
    except Exception as error:
        if not is_unavailable(error):
            raise
        logger.warning("the database does not answer, so it was not built: %s", error_summary(error))


def has_migrations(migrations_dir: Path) -> bool:
    """True once the site keeps its schema in migration files."""
    return any(migrations_dir.glob("*/*.py"))


async def warn_pending_migrations(migrations_dir: Path) -> None:
    """Log one line when the database is behind the migration files, before a request trips on it.

    Only a diagnosis: a database that does not answer yet must not stop the start-up (the
    health probe reports it), so a failed look is logged and the app starts.
    """
    from core.migrations.pending import pending_migrations, pending_warning

    try:
        pending = await pending_migrations(migrations_dir)
    except Exception as error:
        logger.warning("could not compare the database with the migration files: %s", str(error).strip() or error)
        return
    if pending:
        logger.warning(pending_warning(pending))


class NoriApp(Starlette):
    """Starlette with the front layer (core/http/front.py) outermost: the request context, the
    security headers and the one wrapper that adds what the request's concerns ask for.

    It takes the place of Starlette's error layer, so 500 pages and 413 answers carry the request
    id and the security headers like every other response. That layer is built as if DEBUG were
    off, so it always calls our 500 handler, which shows the traceback
    itself in DEBUG (`core.http.debug_page`): Starlette's own debug page is styled inline, which
    the security headers' CSP blocks.
    """

    front_headers: SecurityHeaders = SecurityHeaders()

    def build_middleware_stack(self) -> ASGIApp:
        debug, self.debug = self.debug, False
        try:
            stack = super().build_middleware_stack()
        finally:
            self.debug = debug
        from starlette.middleware.errors import ServerErrorMiddleware

        from core.http.front import Front

        if isinstance(stack, ServerErrorMiddleware) and inspect.iscoroutinefunction(stack.handler):
            # The front layer does the error layer's one job (our 500 handler), with its own wrapper.
            return Front(stack.app, headers=self.front_headers, error_handler=stack.handler)
        return Front(stack, headers=self.front_headers)


def read_replicas() -> ReadYourWrites | None:
    """With DB_READ_URLS, what lets a request's reads use the replicas (core/replicas)."""
    if not settings.DATABASE.replicas:
        return None
    from core.replicas.router import ReadYourWrites

    return ReadYourWrites(seconds=settings.READ_AFTER_WRITE_SECONDS)


def cors_layer() -> Callable[[ASGIApp], ASGIApp] | None:
    """With CORS_ORIGINS, Starlette's CORS layer for those origins."""
    if not settings.CORS_ORIGINS:
        return None
    from starlette.middleware.cors import CORSMiddleware

    return functools.partial(
        CORSMiddleware, allow_origins=settings.CORS_ORIGINS, allow_methods=["*"],
        allow_headers=["Content-Type", "X-CSRF-Token", "Authorization", "X-Request-ID"],
    )


def default_middleware(*, debug: bool, csrf_exempt: Sequence[str]) -> list[Middleware]:
    """The web stack inside Starlette's error layer, outermost first; every layer is pure ASGI.

    Query timing, when asked for (core/observability), wraps the rest so it times the whole
    answer. Then the front layer's checks (core/http/front.py): the host check first, so a request
    for a host the site does not serve reaches nothing that might build a URL from it; a WebSocket
    handshake from a foreign page is refused next (core/realtime/origin.py); then the body size
    limit, so a too-large body is refused before anything reads it; CORS answers preflights before
    the session is read; sessions come before CSRF (tokens live in the session) and before
    authentication (the user id does too); a remember-me cookie logs a visitor in after the CSRF
    check, so that check sees the session the request came with.
    """
    from core.auth.remember import RememberMe
    from core.auth.sessions import Authentication
    from core.http.csrf import CSRFCheck
    from core.http.front import Entrance
    from core.http.hosts import HostCheck, allowed_hosts
    from core.http.session_store import session_store
    from core.http.sessions import Sessions
    from core.observability.setup import observability_middleware
    from core.realtime.origin import OriginCheck

    trusted = [settings.APP_URL, *settings.CORS_ORIGINS]
    entrance = Middleware(
        Entrance,
        hosts=HostCheck(allowed_hosts(settings.ALLOWED_HOSTS, debug=debug, app_url=settings.APP_URL)),
        origins=OriginCheck(trusted),
        max_body_size=settings.MAX_BODY_SIZE,
        multipart_max_body_size=settings.MAX_BODY_SIZE + settings.UPLOAD_MAX_SIZE * settings.UPLOAD_MAX_FILES,
        cors=cors_layer(),
        sessions=Sessions(secret_key=settings.SECRET_KEY, cookie_name=settings.SESSION_COOKIE,
                          max_age=settings.SESSION_MAX_AGE, secure=not debug, store=session_store()),
        replicas=read_replicas(),
        csrf=CSRFCheck(trusted_origins=trusted, exempt=csrf_exempt, session_cookie=settings.SESSION_COOKIE),
        remember=RememberMe(secure=not debug),
        authentication=Authentication(),
    )
    return [*observability_middleware(debug=debug), entrance]


def app_routes(routes: Sequence[BaseRoute] | None = None) -> list[BaseRoute]:
    """What the app serves, in the order it matches: the framework's routes, the site's (`routes`,
    default the site's routes.py), then the OpenAPI and admin pages, after the site's so that its
    own `/docs` or `/admin` page wins. `routes:list` lists exactly this without building the app."""
    if routes is None:
        from routes import routes as site_routes

        routes = site_routes
    from core.admin.routes import admin_routes
    from core.observability.setup import observability_routes
    from core.openapi.views import openapi_routes
    from core.storage.serve import storage_routes

    framework_routes: list[BaseRoute] = [
        Route("/health", health, name="health"), *observability_routes(), *storage_routes(),
    ]
    return [*framework_routes, *routes, *openapi_routes(), *admin_routes()]


def create_app(
    *,
    debug: bool | None = None,
    tortoise_config: Mapping[str, Any] | None = None,
    routes: Sequence[BaseRoute] | None = None,
    middleware: Sequence[Middleware] | None = None,
    csrf_exempt: Sequence[str] | None = None,
) -> Starlette:
    """Build the site's app; arguments left out come from `settings` and `routes`.

    In DEBUG an empty database is built at start-up as a convenience: from the migrations (the
    framework and the site skeleton ship theirs), or from the models while a site has no
    migration files at all. A database with tables, and any database with DEBUG off, changes
    only through `migrate:*`, so the two never fight over a table. `middleware` is added inside
    the default web stack; `csrf_exempt` names routes the CSRF check skips (default:
    settings.CSRF_EXEMPT).
    """
    from core.http.headers import security_headers
    from core.http.template_context import web_context
    from core.validation.errors import ValidationError
    from core.validation.responses import validation_error
    from core.views import add_context_processor

    debug = settings.DEBUG if debug is None else debug
    config = settings.TORTOISE_ORM if tortoise_config is None else tortoise_config
    served = app_routes(routes)  # the site's modules first, as they load before anything below
    exempt = settings.CSRF_EXEMPT if csrf_exempt is None else csrf_exempt
    add_context_processor(web_context)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from tortoise import Tortoise

        from core.compat.tortoise import init_orm

        if debug and has_migrations(settings.MIGRATIONS_DIR):
            await _build_empty_database(config)
        # With DEBUG off the server never migrates, so it leaves the migration engine unloaded.
        await init_orm(config if debug else without_migration_state(config))
        try:
            if settings.ADMIN_ENABLED:  # a mistake in a model's `class Admin` stops the start, not a page
                from core.admin import admin_models

                admin_models()
            if has_migrations(settings.MIGRATIONS_DIR):
                await warn_pending_migrations(settings.MIGRATIONS_DIR)
            elif debug:
                from core.search import create_indexes

                await Tortoise.generate_schemas(safe=True)
                await create_indexes()
            yield
        finally:
            from core.realtime.hub import hub

            await hub.stop()  # sockets closed (1001) while the ORM is still open to their handlers
            await close_orm()

    app = NoriApp(
        debug=debug,
        routes=served,
        middleware=[*default_middleware(debug=debug, csrf_exempt=exempt), *(middleware or ())],
        exception_handlers={**exception_handlers(), ValidationError: validation_error},
        lifespan=lifespan,
    )
    app.front_headers = security_headers(debug=debug)
    app.state.tortoise_config = config  # for tools that describe the app without serving it (openapi:export)
    return app
