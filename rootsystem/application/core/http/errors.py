"""Exception handlers: the status a user sees for each failure, as JSON or as a page.

With DEBUG off nothing from the exception (traceback, SQL, settings) reaches the client; the
details go to the log, tagged with the request id the client received.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from tortoise.exceptions import DoesNotExist, IntegrityError, OperationalError

from core.http.negotiation import wants_json
from core.http.out_of_range import OUT_OF_RANGE, is_out_of_range

logger = logging.getLogger("nori.errors")

ERROR_TEMPLATES = {403: "errors/403.html", 404: "errors/404.html", 500: "errors/500.html"}


def with_request_id(request: Request, headers: dict[str, str] | None = None) -> dict[str, str]:
    """`headers` plus the request id, so the client can quote it when reporting the failure."""
    headers = dict(headers or {})
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        headers.setdefault("X-Request-ID", request_id)
    return headers


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A JSON body `{"error": ...}` or the matching error page, by what the client accepts."""
    headers = with_request_id(request, headers)
    if wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    return _page(request, status, message, headers)


def _page(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    from core.views import render

    template = ERROR_TEMPLATES.get(status, "errors/error.html")
    context: dict[str, Any] = {"status": status, "title": HTTPStatus(status).phrase, "message": message}
    try:
        return render(request, template, context, status_code=status, headers=headers)
    except Exception:  # a broken template must not turn a 404 into a crash loop
        logger.exception("error template %s failed", template)
        return PlainTextResponse(f"{status} {message}", status_code=status, headers=headers)


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.detail else HTTPStatus(exc.status_code).phrase
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return error_response(request, exc.status_code, message, dict(exc.headers or {}))


async def not_found(request: Request, exc: Exception) -> Response:
    """`Model.get()` misses become 404 so controllers need no try/except for the common case."""
    return error_response(request, 404, "Not Found")


async def integrity_error(request: Request, exc: Exception) -> Response:
    """A unique or foreign-key violation is the client's conflict, not a server fault."""
    logger.info("integrity error: %s", exc)
    return error_response(request, 409, "The request conflicts with existing data")


async def value_out_of_range(request: Request, exc: Exception) -> Response:
    """A number larger than its column holds is the client's 400 (core.http.out_of_range); any
    other database error goes on to the 500 handler."""
    if not is_out_of_range(exc):
        raise exc
    logger.info("%s %s answered 400: %s", request.method, request.url.path, exc)
    return error_response(request, 400, OUT_OF_RANGE)


async def server_error(request: Request, exc: Exception) -> Response:
    """The 500 answer: the traceback in DEBUG (page or JSON), nothing from the exception otherwise.

    A failed connection to the database is answered 503 instead (see core.http.unavailable), in
    DEBUG too: the cause is the server's state, not the code. It is handled here rather than
    with its own handler because errors raised in middleware (loading the logged-in user)
    reach only this catch-all.
    """
    from core.database import error_summary
    from core.http.unavailable import MESSAGE, RETRY_AFTER_SECONDS, is_unavailable

    request_id = getattr(request.state, "request_id", "-")
    if is_unavailable(exc):
        logger.warning("%s %s answered 503: %s [request %s]", request.method, request.url.path,
                       error_summary(exc), request_id)
        return error_response(request, 503, MESSAGE, {"Retry-After": str(RETRY_AFTER_SECONDS)})
    logger.error("unhandled error in %s %s [request %s]", request.method, request.url.path, request_id, exc_info=exc)
    if request.app.debug:
        from core.http.debug_page import debug_response

        return debug_response(request, exc, with_request_id(request))
    return error_response(request, 500, "Internal Server Error")


def exception_handlers() -> dict[Any, Any]:
    return {
        HTTPException: http_exception,
        DoesNotExist: not_found,
        IntegrityError: integrity_error,
        OverflowError: value_out_of_range,  # sqlite3's
        OperationalError: value_out_of_range,  # Tortoise's wrapper of asyncpg's DataError
        Exception: server_error,
    }
