"""How a ValidationError reaches the client: 422 JSON, or the form again with errors and input."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from core.http.errors import error_response
from core.http.flash import flash_input
from core.http.negotiation import wants_json
from core.validation.errors import ValidationError

FORM_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def back_url(request: Request) -> str:
    """The page the form was on (`Referer`, when it is this site), else the same path."""
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        if parts.netloc == request.url.netloc and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.url.path


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    if wants_json(request):
        return JSONResponse({"errors": exc.errors}, status_code=422)
    if request.method in FORM_METHODS and "session" in request.scope:
        flash_input(request, exc.data, exc.errors)
        return RedirectResponse(back_url(request), status_code=303)
    details = " ".join(message for messages in exc.errors.values() for message in messages)
    return error_response(request, 422, details)
