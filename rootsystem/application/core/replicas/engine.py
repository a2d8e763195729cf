"""Replica connections: the engine's own client, falling back to the primary when the replica fails.

Tortoise builds each connection from an engine module's client class; a replica's entry names
one of `backends/`, whose client is a subclass of the real engine's (`replica_class`). A
read that finds its replica unreachable (refused, reset, timed out) marks it down for
DB_REPLICA_RETRY_SECONDS, so the router skips it, and runs again on the primary: a stopped
replica costs one failed attempt, never a 500. A replica is only ever given reads outside
transactions (the router sees to it), so re-running the query elsewhere is safe.
"""

from __future__ import annotations

import logging
import time
from functools import cache
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import DBConnectionError

logger = logging.getLogger("nori.replicas")
REPLICA_BACKENDS = {
    "tortoise.backends.asyncpg": "core.replicas.backends.postgres",
    "tortoise.backends.mysql": "core.replicas.backends.mysql",
    "tortoise.backends.sqlite": "core.replicas.backends.sqlite",
}
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (DBConnectionError, OSError, TimeoutError)
_down_until: dict[str, float] = {}


def replica_connection(primary_style: dict[str, Any]) -> dict[str, Any]:
    """A Tortoise connection entry for a replica, from the entry its engine would have."""
    return {**primary_style, "engine": REPLICA_BACKENDS[primary_style["engine"]]}


def is_down(name: str) -> bool:
    return _down_until.get(name, 0.0) > time.monotonic()


def mark_down(name: str, error: BaseException) -> None:
    from core.settings import settings

    if not is_down(name):
        logger.warning("read replica %s unreachable (%s: %s); reads go to the primary for %ss", name,
                       type(error).__name__, error, settings.DB_REPLICA_RETRY_SECONDS)
    _down_until[name] = time.monotonic() + settings.DB_REPLICA_RETRY_SECONDS


def mark_up(name: str) -> None:
    _down_until.pop(name, None)


def _is_connection_error(error: BaseException) -> bool:
    if isinstance(error, CONNECTION_ERRORS):
        return True
    # asyncpg's "connection was closed in the middle of operation" and its kin
    return type(error).__module__.startswith("asyncpg") and "Connection" in type(error).__name__


@cache
def replica_class(base: type[BaseDBAsyncClient]) -> type[BaseDBAsyncClient]:
    """`base` whose reads, when the replica is unreachable, mark it down and run on the primary."""
    def on_primary_if_down(name: str) -> Any:
        async def run(self: BaseDBAsyncClient, *args: Any, **kwargs: Any) -> Any:
            try:
                return await getattr(base, name)(self, *args, **kwargs)
            except BaseException as error:
                if not _is_connection_error(error):
                    raise
                mark_down(self.connection_name, error)
            from tortoise import connections

            return await getattr(connections.get("default"), name)(*args, **kwargs)

        run.__name__ = name
        return run

    methods = {name: on_primary_if_down(name) for name in ("execute_query", "execute_query_dict")}
    return type(f"Replica{base.__name__}", (base,), methods)
