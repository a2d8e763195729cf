"""`on_query(callback)`: every query's SQL, duration and connection, for whoever subscribes.

Parameters are left out (`Query.parameters` is None) unless QUERY_LOG_PARAMETERS=true: they are
where passwords, tokens and personal data travel, and a log line or a metrics label is not the
place for them. Callbacks run inline after each query, so they must be quick (count, append,
compare); one that raises is logged and the query's caller never sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.compat.tortoise import observe_queries
from core.settings import settings

logger = logging.getLogger("nori.queries")


@dataclass(frozen=True, slots=True)
class Query:
    sql: str
    parameters: list[Any] | None  # None unless QUERY_LOG_PARAMETERS=true
    seconds: float
    connection: str  # the Tortoise connection name ("default", a replica's name)
    failed: bool


QueryCallback = Callable[[Query], None]
_subscribers: list[QueryCallback] = []


def on_query(callback: QueryCallback) -> Callable[[], None]:
    """Call `callback(query)` after every query (once, however often it subscribes); gives the
    function that unsubscribes it."""
    if callback not in _subscribers:
        _subscribers.append(callback)
    observe_queries(_dispatch)

    def unsubscribe() -> None:
        if callback in _subscribers:
            _subscribers.remove(callback)

    return unsubscribe


def _dispatch(client: Any, sql: str, values: Any, seconds: float, error: BaseException | None) -> None:
    if not _subscribers:
        return
    parameters = list(values) if values is not None and settings.QUERY_LOG_PARAMETERS else None
    query = Query(sql, parameters, seconds, getattr(client, "connection_name", "default"), error is not None)
    for callback in list(_subscribers):
        try:
            callback(query)
        except Exception:
            logger.exception("query callback %r failed", callback)


def log_slow_queries(threshold_ms: float) -> Callable[[], None]:
    """Log every query that takes `threshold_ms` or more (the request id is on the line)."""

    def check(query: Query) -> None:
        if query.seconds * 1000 >= threshold_ms:
            logger.warning("slow query %.1fms on %s: %s", query.seconds * 1000, query.connection, query.sql)

    return on_query(check)
