"""`audit()`: record an action now, write it later, never fail the caller.

Everything that belongs to the moment of the action (time, request id, client address, acting
user) is captured here, in the request; the database write happens in the background writer.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from starlette.requests import HTTPConnection

from core.audit.client_ip import client_ip
from core.audit.writer import writer
from core.auth.identity import cached_user
from core.http.context import current_request, current_request_id
from core.serialization import primitive

logger = logging.getLogger("nori.audit")

# AuditLog.user_id is a 32-bit integer column on every engine.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
INTEGER = re.compile(r"-?[0-9]{1,10}")
FOREIGN_USER_KEY = "_user_id"


def split_user_id(user: Any) -> tuple[int | None, str | None]:
    """(integer id for the column, None) or (None, the id as text) for UUID/string ids.

    Accepts an id or a user object (its `pk`), so sites whose users have non-integer keys
    still get the actor recorded; it goes into `changes["_user_id"]` instead.
    """
    if user is None:
        return None, None
    value = getattr(user, "pk", user)
    if value is None:
        return None, None
    if isinstance(value, int) and not isinstance(value, bool) and INT_MIN <= value <= INT_MAX:
        return value, None
    if isinstance(value, str) and INTEGER.fullmatch(value) and INT_MIN <= int(value) <= INT_MAX:
        return int(value), None
    return None, str(value)


_NATIVE = frozenset({str, int, float, bool, type(None)})


def _json_safe(changes: Any) -> Any:
    """A JSON-ready copy, taken now so later mutation by the caller cannot alter the record.

    Diffs are nearly always dicts of plain values: those are copied with exact type checks
    (a few microseconds on the request path); anything else goes through `primitive`.
    """
    kind = type(changes)
    if kind in _NATIVE:
        return changes
    if kind is dict:
        return {key if type(key) is str else str(key): _json_safe(value) for key, value in changes.items()}
    if kind is list:
        return [_json_safe(value) for value in changes]
    try:
        return primitive(changes)
    except TypeError:
        return json.loads(json.dumps(changes, default=str))


def _user_of(request: HTTPConnection | None) -> Any | None:
    """The request's user if something already resolved it; audit() never triggers a lookup."""
    return None if request is None else cached_user(request)


def build_row(
    request: HTTPConnection | None,
    action: str,
    *,
    model_name: str | None = None,
    record_id: Any = None,
    changes: Any = None,
    user_id: Any = None,
) -> dict[str, Any]:
    request = request if request is not None else current_request()
    state = request.scope.get("state", {}) if request is not None else {}
    request_id = state.get("request_id") or current_request_id()
    column_id, foreign_id = split_user_id(user_id if user_id is not None else _user_of(request))
    changes = _json_safe(changes) if changes is not None else None
    if foreign_id is not None:
        changes = {**changes, FOREIGN_USER_KEY: foreign_id} if isinstance(changes, Mapping) else (
            {FOREIGN_USER_KEY: foreign_id} if changes is None else {FOREIGN_USER_KEY: foreign_id, "value": changes}
        )
    return {
        "action": str(action),
        "model_name": None if model_name is None else str(model_name),
        "record_id": None if record_id is None else str(record_id),
        "changes": changes,
        "user_id": column_id,
        "ip_address": client_ip(request) if request is not None else None,
        "request_id": request_id,
        "created_at": datetime.datetime.now(datetime.UTC),
    }


def audit(
    request: HTTPConnection | None,
    action: str,
    *,
    model_name: str | None = None,
    record_id: Any = None,
    changes: Any = None,
    user_id: Any = None,
) -> None:
    """Queue one audit row and return at once; failures are logged, never raised.

    `request` may be None: the request being served (if any) is used. `user_id` defaults to
    the request's user when the auth layer has already resolved it.
    """
    try:
        writer.submit(
            build_row(request, action, model_name=model_name, record_id=record_id, changes=changes, user_id=user_id)
        )
    except Exception as error:
        request_id = current_request_id()
        logger.error("audit(%r) dropped for request %s: %s: %s", action, request_id or "-",
                     type(error).__name__, error, extra={"request_id": request_id})


async def flush() -> None:
    """Wait for every queued audit row to be written (tests, scripts, before a CLI exits)."""
    await writer.flush()
