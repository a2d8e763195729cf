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
from starlette.types import ASGIApp

from core.database import close_orm
from core.http.context import RequestContextMiddleware
from core.http.errors import exception_handlers
from core.http.health import health

logger = logging.getLogger("nori.kernel")


def has_migrations(migrations_dir: Path) -> bool:
    """True once the site keeps its schema in migration files."""
    return any(migrations_dir.glob("*/*.py"))


class NoriApp(Starlette):
    """Starlette with the request context and security headers as the outermost layer.

    Outside Starlette's own error and body-size layers, so 500 pages and 413 answers carry the
    request id and the security headers like every other response.
    """

    front_headers: Sequence[tuple[bytes, bytes]] = ()

    def build_middleware_stack(self) -> ASGIApp:
        return RequestContextMiddleware(super().build_middleware_stack(), headers=self.front_headers)


def default_middleware(*, debug: bool, csrf_exempt: Sequence[str]) -> list[Middleware]:
    """The web stack, outermost first; every layer is pure ASGI and does nothing it need not.

    The body size limit comes first, so a too-large body is refused before any layer reads it;
    CORS answers preflights before anything else; sessions come before CSRF (tokens live in
    the session) and before authentication (the user id does too).
    """
    import settings
    from core.auth.sessions import AuthenticationMiddleware
    from core.http.body_limit import BodyLimitMiddleware
    from core.http.csrf import CSRFMiddleware
    from core.http.sessions import SessionMiddleware

    stack = [Middleware(BodyLimitMiddleware, max_body_size=settings.MAX_BODY_SIZE)]
    if settings.CORS_ORIGINS:
        from starlette.middleware.cors import CORSMiddleware

        stack.append(Middleware(
            CORSMiddleware, allow_origins=settings.CORS_ORIGINS, allow_methods=["*"],
            allow_headers=["Content-Type", "X-CSRF-Token", "Authorization", "X-Request-ID"],
        ))
    stack += [
        Middleware(
            SessionMiddleware, secret_key=settings.SECRET_KEY, cookie_name=settings.SESSION_COOKIE,
            max_age=settings.SESSION_MAX_AGE, secure=not debug,
        ),
        Middleware(
            CSRFMiddleware, trusted_origins=[settings.APP_URL, *settings.CORS_ORIGINS], exempt=csrf_exempt,
            session_cookie=settings.SESSION_COOKIE,
        ),
        Middleware(AuthenticationMiddleware),
    ]
    return stack


def create_app(
    *,
    debug: bool | None = None,
    tortoise_config: Mapping[str, Any] | None = None,
    routes: Sequence[BaseRoute] | None = None,
    middleware: Sequence[Middleware] | None = None,
    csrf_exempt: Sequence[str] | None = None,
) -> Starlette:
    """Build the site's app; arguments left out come from `settings` and `routes`.

    In DEBUG the schema is generated from the models as a convenience until the site has
    migrations; from then on (and always with DEBUG off) the schema comes from migrations
    alone, so the two never fight over a table. `middleware` is added inside the default web
    stack; `csrf_exempt` names routes the CSRF check skips (default: settings.CSRF_EXEMPT).
    """
    import settings
    from core.http.headers import security_headers
    from core.http.template_context import web_context
    from core.validation.errors import ValidationError
    from core.validation.responses import validation_error
    from core.views import add_context_processor

    debug = settings.DEBUG if debug is None else debug
    config = settings.TORTOISE_ORM if tortoise_config is None else tortoise_config
    if routes is None:
        from routes import routes as site_routes

        routes = site_routes
    exempt = settings.CSRF_EXEMPT if csrf_exempt is None else csrf_exempt
    add_context_processor(web_context)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from tortoise import Tortoise

        await Tortoise.init(config=dict(config), _enable_global_fallback=True)
        try:
            if debug and not has_migrations(settings.MIGRATIONS_DIR):
                await Tortoise.generate_schemas(safe=True)
            yield
        finally:
            await close_orm()

    framework_routes: list[BaseRoute] = [Route("/health", health, name="health")]
    app = NoriApp(
        debug=debug,
        routes=[*framework_routes, *routes],
        middleware=[*default_middleware(debug=debug, csrf_exempt=exempt), *(middleware or ())],
        exception_handlers={**exception_handlers(), ValidationError: validation_error},
        lifespan=lifespan,
    )
    app.front_headers = security_headers(debug=debug)
    return app
