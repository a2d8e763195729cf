"""The template globals of the web layer, added through `core.views.add_context_processor`.

Everything is a function or an already-known value, so a page pays only for what it uses:
a page without a form never mints a CSRF token, and one that shows no flash data never opens it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.auth.identity import cached_user
from core.http.csrf import csrf_field, csrf_token
from core.http.flash import field_errors, get_flashed_messages, old_input
from core.http.static import static_url
from core.settings import settings


def web_context(request: Request) -> dict[str, Any]:
    has_session = "session" in request.scope

    def errors(name: str | None = None) -> Any:
        """`errors('email')` lists one field's messages; `errors()` gives them all."""
        if not has_session:
            return [] if name else {}
        found = field_errors(request)
        return found.get(name, []) if name else found

    return {
        "static": lambda path: static_url(path, settings.STATIC_DIR, settings.DEBUG),
        "csrf_field": lambda: csrf_field(request),
        "csrf_token": lambda: csrf_token(request),
        "flashed_messages": lambda: get_flashed_messages(request) if has_session else [],
        "old": lambda name, default="": old_input(request, name, default) if has_session else default,
        "errors": errors,
        "current_user": cached_user(request),
    }
