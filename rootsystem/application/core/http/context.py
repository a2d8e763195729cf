"""Per-request context: the request id, and the current request for code far from the controller.

The front layer (core/http/front.py) sets both, so audit rows, log records and model signals can find the
request they belong to without it being passed down every call. An incoming `X-Request-ID` is
kept only when it is short and made of safe characters, so a client cannot inject headers or
forge log lines through it.
"""

from __future__ import annotations

import contextvars
import logging
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.requests import Request
from starlette.types import Scope

from core.http.sessions import USER_ID_KEY

HEADER = b"x-request-id"
MAX_LENGTH = 128
SAFE_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_LENGTH}}}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("nori_request_id", default=None)
_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("nori_request_scope", default=None)


def clean_request_id(value: str | None) -> str:
    """The incoming id when it is safe, else a fresh one (32 hex digits, like a uuid4's hex).

    An id labels log lines, it guards nothing, so a fast non-cryptographic source is enough.
    """
    if value and SAFE_ID.fullmatch(value):
        return value
    return random.randbytes(16).hex()


def current_request_id() -> str | None:
    return _request_id.get()


def detached_context() -> contextvars.Context:
    """A copy of the current context with no request in it, for long-lived background tasks.

    A task inherits the context it was created in; one started while serving a request would
    otherwise tag its log lines (and everything after) with that request forever.
    """
    context = contextvars.copy_context()
    context.run(_request_id.set, None)
    context.run(_scope.set, None)
    return context


@contextmanager
def request_id_context(value: str) -> Iterator[None]:
    """Label the log lines of work done outside a request (a background job) with `value`."""
    token = _request_id.set(value)
    try:
        yield
    finally:
        _request_id.reset(token)


def current_request() -> Request | None:
    """The request being served in this task, or None outside a request (CLI, startup)."""
    scope = _scope.get()
    return None if scope is None else Request(scope)


def request_id_of(scope: Scope) -> str:
    """The request's id: its safe `X-Request-ID`, else a fresh one."""
    for key, value in scope["headers"]:
        if key == HEADER:
            return clean_request_id(value.decode("latin-1"))
    return clean_request_id(None)


RequestTokens = tuple[contextvars.Token[str | None], contextvars.Token[Scope | None]]


def enter_request(scope: Scope, request_id: str) -> RequestTokens:
    """Make `scope` the current request (`current_request`, log lines) until `leave_request`."""
    scope.setdefault("state", {})["request_id"] = request_id
    return _request_id.set(request_id), _scope.set(scope)


def leave_request(tokens: RequestTokens) -> None:
    _scope.reset(tokens[1])
    _request_id.reset(tokens[0])


class RequestIdLogFilter(logging.Filter):
    """Puts the current request id on every record so formats can print `%(request_id)s`, and the
    logged-in user's id (`%(user_id)s`, None when nobody is) from the request's session.

    A record that already names one (`extra={"request_id": ...}`, as background writers do for
    work they finish after the request) keeps it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get() or "-"
        if getattr(record, "user_id", None) is None:
            scope = _scope.get()
            session = scope.get("session") if scope is not None else None
            record.user_id = session.get(USER_ID_KEY) if session else None
        return True
