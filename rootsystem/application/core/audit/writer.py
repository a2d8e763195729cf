"""The background writer behind `audit()`: one queue, one task, rows inserted in batches.

Requests only put a dict on a queue; a single task drains it and writes up to `BATCH_SIZE`
rows per INSERT, so audit logging costs a request microseconds and the database one statement
per batch instead of one per row. Pending rows are written before the ORM closes at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from typing import Any

from core.http.context import detached_context
from core.lifecycle import on_shutdown

logger = logging.getLogger("nori.audit")

BATCH_SIZE = 500
MAX_PENDING = 100_000
# After the first row of a batch arrives, wait this long for more. Under load that turns one
# INSERT (and, on SQLite, one fsync) per request into one per interval, which keeps the
# database's share of audit logging small; the cost is rows landing up to this much later.
LINGER_SECONDS = 0.2

Row = dict[str, Any]
# (context to write in, connection, row): see AuditWriter.submit
Item = tuple[contextvars.Context, Any, Row]


def connection_for_audit() -> Any:
    """The connection audit rows of this moment must go to, never a transaction's.

    Taken when `audit()` is called: a transaction's client is finished long before the batch
    is written, so rows go through the connection the transaction came from.
    """
    from core.models import AuditLog

    connection = AuditLog._meta.db
    return getattr(connection, "_parent", connection)


class AuditWriter:
    """Owns the queue and the task; restarts both if the event loop changes (tests, CLI runs)."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Item] | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._orm: Any = None
        self._orm_context: contextvars.Context | None = None
        self._flushing = asyncio.Event()

    def submit(self, row: Row) -> None:
        """Queue one row; raises without a running loop or an initialised ORM (the caller logs it)."""
        from tortoise.context import get_current_context

        loop = asyncio.get_running_loop()
        orm = get_current_context()
        if orm is not self._orm or self._orm_context is None:
            # Rows are written in the ORM context they were recorded in: tests and CLI commands
            # open and close the ORM several times per process, and the writer outlives them.
            self._orm, self._orm_context = orm, detached_context()
        item = (self._orm_context, connection_for_audit(), row)
        if self._loop is not loop or self._queue is None:
            self._loop = loop
            self._queue = asyncio.Queue(MAX_PENDING)
            self._flushing = asyncio.Event()
            self._task = None
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run(self._queue), name="nori-audit-writer", context=detached_context())
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            logger.error(
                "audit queue full (%d rows pending): dropped %r for request %s",
                MAX_PENDING, row.get("action"), row.get("request_id"), extra={"request_id": row.get("request_id")},
            )

    async def flush(self) -> None:
        """Wait until every queued row has been written (or its failure logged)."""
        if self._queue is None or self._loop is not asyncio.get_running_loop():
            return
        if self._task is None or self._task.done():
            if self._queue.empty():
                return
            self._task = self._loop.create_task(self._run(self._queue), context=detached_context())
        self._flushing.set()  # no lingering while someone waits
        try:
            await self._queue.join()
        finally:
            self._flushing.clear()

    async def stop(self) -> None:
        """Flush, then end the task so nothing is left running when the loop closes."""
        await self.flush()
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, queue: asyncio.Queue[Item]) -> None:
        while True:
            batch = [await queue.get()]
            if queue.qsize() < BATCH_SIZE and not self._flushing.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._flushing.wait(), LINGER_SECONDS)
            while len(batch) < BATCH_SIZE and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                groups: dict[tuple[int, int], tuple[contextvars.Context, Any, list[Row]]] = {}
                for context, connection, row in batch:
                    groups.setdefault((id(context), id(connection)), (context, connection, []))[2].append(row)
                for context, connection, rows in groups.values():
                    await asyncio.get_running_loop().create_task(write_rows(connection, rows), context=context)
            finally:
                for _ in batch:
                    queue.task_done()


async def insert_many(connection: Any, rows: list[Row]) -> None:
    """One multi-row INSERT through Tortoise's prepared statement for AuditLog.

    Skipping model instances halves the writer's CPU per row; each value still goes through
    its field's `to_db_value`, so validation (lengths) and JSON/datetime conversion are the ORM's.
    """
    from core.models import AuditLog

    executor = connection.executor_class(model=AuditLog, db=connection)
    fields = AuditLog._meta.fields_map
    columns = [(name, fields[name].to_db_value) for name in executor.regular_columns]
    values = [[convert(row.get(name), AuditLog) for name, convert in columns] for row in rows]
    await connection.execute_many(executor.insert_query, values)


async def write_rows(connection: Any, rows: list[Row]) -> None:
    """Insert `rows` in one statement; if that fails, row by row so one bad row loses only itself."""
    from core.models import AuditLog

    try:
        await insert_many(connection, rows)
        return
    except Exception as error:
        if len(rows) == 1:
            _log_failure(rows[0], error)
            return
    for row in rows:
        try:
            await AuditLog.create(using_db=connection, **row)
        except Exception as error:
            _log_failure(row, error)


def _log_failure(row: Row, error: Exception) -> None:
    request_id = row.get("request_id")
    logger.error(
        "audit row %r (%s %s) not written for request %s: %s: %s",
        row.get("action"), row.get("model_name"), row.get("record_id"), request_id or "-",
        type(error).__name__, error, extra={"request_id": request_id},
    )


writer = AuditWriter()
on_shutdown(writer.stop)
