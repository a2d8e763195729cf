"""`audit()`: record an action now, write it later, never fail the caller; `audit_now()`: write it now.

Everything that belongs to the moment of the action (time, request id, client address, acting
user) is captured here, in the request. `audit()` hands the row to the background writer, which
is cheap but loses what is still queued if the process dies; `await audit_now()` inserts it before
returning, inside the caller's transaction when there is one, for rows that must survive a crash.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import HTTPConnection

from core.audit.durable import write_now
from core.audit.row import Row
from core.audit.writer import writer
from core.auth.identity import cached_user
from core.http.client import client_ip
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


def _leaf(value: Any) -> Any:
    """What JSON cannot hold natively: dates, decimals, UUIDs... as `to_dict()` writes them, else text."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    try:
        return primitive(value)
    except TypeError:
        return str(value)


def _text_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _text_keys(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_text_keys(item) for item in value]
    return value


_encode_laxly = json.JSONEncoder(separators=(",", ":"), default=_leaf).encode


def encode_changes(changes: Any) -> str:
    """The diff as JSON text, taken now so later mutation by the caller cannot alter the record.

    orjson takes well under a microsecond for a typical diff, on the request path; what it refuses
    (keys such as tuples, integers past 64 bits) goes through the standard library, keys as text.
    """
    try:
        return orjson.dumps(changes, default=_leaf, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return _encode_laxly(_text_keys(changes))


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
) -> Row:
    request = request if request is not None else current_request()
    state = request.scope.get("state", {}) if request is not None else {}
    request_id = state.get("request_id") or current_request_id()
    column_id, foreign_id = split_user_id(user_id if user_id is not None else _user_of(request))
    if foreign_id is not None:
        changes = {**changes, FOREIGN_USER_KEY: foreign_id} if isinstance(changes, Mapping) else (
            {FOREIGN_USER_KEY: foreign_id} if changes is None else {FOREIGN_USER_KEY: foreign_id, "value": changes}
        )
    # A plain tuple, not an AuditRow: the garbage collector stops tracking exact tuples of
    # plain values, so rows waiting for the writer cost it nothing (a subclass stays tracked).
    return (
        column_id,
        str(action),
        None if model_name is None else str(model_name),
        None if record_id is None else str(record_id),
        None if changes is None else encode_changes(changes),
        client_ip(request) if request is not None else None,
        request_id,
        datetime.datetime.now(datetime.UTC),
    )


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


async def audit_now(
    request: HTTPConnection | None,
    action: str,
    *,
    model_name: str | None = None,
    record_id: Any = None,
    changes: Any = None,
    user_id: Any = None,
    using_db: Any = None,
) -> None:
    """Write one audit row before returning; raises `AuditWriteError` if it cannot be written.

    Inside `in_transaction()` the row joins that transaction, so it commits with your change or
    not at all; `using_db` names another connection, as Tortoise's own methods accept.
    """
    row = build_row(request, action, model_name=model_name, record_id=record_id, changes=changes, user_id=user_id)
    await write_now(row, using_db)


async def flush() -> None:
    """Wait for every queued audit row to be written (tests, scripts, before a CLI exits)."""
    await writer.flush()
