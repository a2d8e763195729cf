"""Audit rows written at once, through the caller's connection: the `AUDIT_WRITES=transactional` mode.

A row queued for the batched writer is lost when the process dies before its batch is written:
`kill -9` during registration bursts lost about one row in ten for users who had their 201.
Written inside the change's own transaction instead, the row commits or rolls back with the
change, so a committed change always has its row and a rolled-back one has none. That costs a
tracked change one more INSERT and, when it is not already inside a transaction, a BEGIN and a
COMMIT; `AUDIT_WRITES=batched` trades that durability back for volume.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from core.audit.row import Row, describe, insert_rows, row_problem
from core.compat.tortoise import connection_for
from core.settings import settings

TRANSACTIONAL = "transactional"
WRITE_MODES = (TRANSACTIONAL, "batched")


class AuditWriteError(Exception):
    """A row that had to be written now could not be; raised so the change it records fails with it."""


def transactional(instance: Any) -> bool:
    """Whether changes to `instance` are logged in their own transaction, or queued for the writer.

    The model's `audit_writes` decides when it sets one (a high-volume model opting into batches),
    else the AUDIT_WRITES setting. Read at each change, so tests and scripts can switch modes; a
    settings module from before the setting existed gets the default.
    """
    mode = getattr(instance, "audit_writes", None) or settings.AUDIT_WRITES
    return mode == TRANSACTIONAL


@asynccontextmanager
async def change_transaction(instance: Any, using_db: Any) -> AsyncIterator[Any]:
    """The connection a tracked change should run on, so that its audit row shares its fate.

    A change already inside a transaction joins it (no savepoint: the row simply commits or rolls
    back with the caller's work); any other change gets one short transaction of its own. In
    batched mode, or for a model with `audited = False`, the change runs as it was asked to.
    """
    if not instance.audited or not transactional(instance):
        yield using_db
        return
    # Tortoise's own choice of connection for a write, what save() itself uses: inside
    # `in_transaction()` it is that transaction.
    connection = using_db or connection_for(type(instance), write=True)
    if isinstance(connection, TransactionalDBClient):
        yield connection
        return
    async with in_transaction(connection.connection_name) as transaction:
        yield transaction


async def write_now(row: Row, using_db: Any = None) -> None:
    """Insert `row` before returning: through `using_db`, else the current connection for the log
    (the caller's transaction when there is one). Raises AuditWriteError instead of logging, since
    a caller that asked for a durable row must not go on believing it has one."""
    from core.models import AuditLog

    problem = row_problem(row)
    if problem is not None:
        raise AuditWriteError(f"audit row {describe(row)} not written: {problem}")
    try:
        await insert_rows(using_db or connection_for(AuditLog, write=True), [row])
    except Exception as error:
        raise AuditWriteError(f"audit row {describe(row)} not written: {type(error).__name__}: {error}") from error
