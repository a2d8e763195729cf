"""Flash data: messages, old form input and field errors that live until the next page reads them.

Stored in the session under one key, so a message set before a redirect is shown by the page
the browser lands on, then gone. Reading happens lazily (the first template helper that asks
takes everything for this request), so pages that show no flash data never touch the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import HTTPConnection

from core.validation.text import text_problem

SESSION_KEY = "_flash"
_STATE_KEY = "nori_flash"
# Never echoed back into a form, and never written to the (signed, not encrypted) cookie.
SECRET_FIELDS = ("password", "csrf_token", "token", "secret")
MAX_OLD_VALUE = 1000


def flash(connection: HTTPConnection, message: str, category: str = "info") -> None:
    """Show `message` on the next page rendered for this visitor."""
    bag = dict(connection.session.get(SESSION_KEY) or {})
    bag["messages"] = [*bag.get("messages", []), {"category": category, "message": message}]
    connection.session[SESSION_KEY] = bag


def flash_input(connection: HTTPConnection, data: Mapping[str, Any], errors: Mapping[str, list[str]]) -> None:
    """Keep a rejected form's input (minus secrets) and its errors for the page that re-shows it.

    Text the validator refuses (a NUL, a lone surrogate) is not kept: the form shows the field
    empty with its error, and the cookie, which cannot encode a lone surrogate, stays writable.
    """
    old = {
        key: value for key, value in data.items()
        if isinstance(value, str) and len(value) <= MAX_OLD_VALUE and text_problem([key, value]) is None
        and not any(secret in key.lower() for secret in SECRET_FIELDS)
    }
    bag = dict(connection.session.get(SESSION_KEY) or {})
    bag["old"] = old
    bag["errors"] = {key: list(messages) for key, messages in errors.items()}
    connection.session[SESSION_KEY] = bag


def flashed(connection: HTTPConnection) -> dict[str, Any]:
    """This request's flash data, taken out of the session on first use."""
    state = connection.scope.setdefault("state", {})
    if _STATE_KEY not in state:
        session = connection.scope.get("session")
        state[_STATE_KEY] = (session.pop(SESSION_KEY, None) if session else None) or {}
    return state[_STATE_KEY]


def get_flashed_messages(connection: HTTPConnection) -> list[dict[str, str]]:
    return list(flashed(connection).get("messages", []))


def old_input(connection: HTTPConnection, name: str, default: str = "") -> str:
    return flashed(connection).get("old", {}).get(name, default)


def field_errors(connection: HTTPConnection) -> dict[str, list[str]]:
    return flashed(connection).get("errors", {})
