"""The background writer behind `audit()`: rows pile up in a list, one task inserts them in batches.

A request only appends a ready-made row to a list; the first row of a batch starts a task that
waits `LINGER_SECONDS` for company, then writes up to `BATCH_SIZE` rows per INSERT. Audit logging
thus costs a request about a microsecond of bookkeeping and the database one statement per batch
instead of one per row. Pending rows are written before the ORM closes at shutdown; rows that
could not be (the event loop or the process ended first) are counted in an error log line.

This is the `AUDIT_WRITES=batched` mode for `NoriAuditMixin`, and always the path of `audit()`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
from typing import Any

from tortoise.context import get_current_context

from core.audit.row import AuditRow, Row, describe, insert_rows, row_problem
from core.compat.tortoise import outside_transaction
from core.http.context import detached_context
from core.lifecycle import on_shutdown

logger = logging.getLogger("nori.audit")

BATCH_SIZE = 500
MAX_PENDING = 100_000
# After the first row of a batch arrives, wait this long for more. Under load that turns one
# INSERT (and, on SQLite, one fsync) per request into one per interval, which keeps the
# database's share of audit logging small; the cost is rows landing up to this much later.
LINGER_SECONDS = 0.2


class Batch:
    """Rows recorded under one ORM context, and a copy of that context to write them in.

    Tests and CLI commands open and close the ORM several times per process while the writer
    outlives them, so each row must reach the database its caller was using.
    """

    __slots__ = ("context", "orm", "rows")

    def __init__(self, orm: Any) -> None:
        self.orm = orm
        self.context = detached_context()
        self.rows: list[Row] = []


class AuditWriter:
    """Owns the pending batches and the task writing them; starts over if the event loop changes."""

    def __init__(self) -> None:
        self._batches: list[Batch] = []
        self._pending = 0
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._flushing = asyncio.Event()

    def submit(self, row: Row) -> None:
        """Queue one row; raises without a running loop (the caller logs it)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A closed loop (a finished test, a CLI run) took its task along; its rows went with it.
            self.abandon("their event loop stopped before they were written")
            self._loop, self._task = loop, None
            self._flushing = asyncio.Event()
        if self._pending >= MAX_PENDING:
            _log_failure(row, f"the audit queue is full ({MAX_PENDING} rows pending)")
            return
        orm = get_current_context()
        if not self._batches or self._batches[-1].orm is not orm:
            self._batches.append(Batch(orm))
        self._batches[-1].rows.append(row)
        self._pending += 1
        if self._task is None:
            self._task = loop.create_task(self._drain(), name="nori-audit-writer", context=detached_context())

    async def flush(self) -> None:
        """Wait until every queued row has been written (or its failure logged)."""
        if self._loop is not asyncio.get_running_loop():
            return
        while self._task is not None:
            self._flushing.set()  # no lingering while someone waits
            try:
                await asyncio.shield(self._task)
            finally:
                self._flushing.clear()

    async def _drain(self) -> None:
        try:
            while self._batches:
                if not self._flushing.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._flushing.wait(), LINGER_SECONDS)
                batches, self._batches = self._batches, []
                for batch in batches:
                    for start in range(0, len(batch.rows), BATCH_SIZE):
                        chunk = batch.rows[start:start + BATCH_SIZE]
                        try:
                            await asyncio.get_running_loop().create_task(write_rows(chunk), context=batch.context)
                        except Exception as error:  # no database to write to (the ORM closed, say)
                            for row in chunk:
                                _log_failure(row, f"{type(error).__name__}: {error}")
                        self._pending -= len(chunk)
        except asyncio.CancelledError:
            self.abandon("the event loop was stopped before they were written")
            raise
        finally:
            self._task = None

    def abandon(self, reason: str) -> None:
        """Say how many queued rows are lost, so a script that exits too early is not silently incomplete."""
        if self._pending:
            logger.error("%d audit rows not written: %s (open the ORM with core.database.orm(), or await "
                         "core.audit.flush() before closing it)", self._pending, reason)
        self._batches, self._pending = [], 0


def audit_connection() -> Any:
    """The connection for AuditLog in this context, never a transaction's.

    A batch's context is copied when its first row arrives, perhaps inside a transaction that is
    finished long before the batch is written: rows go through the connection it came from.
    """
    from core.models import AuditLog

    return outside_transaction(AuditLog)


async def write_rows(rows: list[Row]) -> None:
    """Insert `rows` in one statement; a row that cannot be written is logged and loses only itself."""
    from core.models import AuditLog

    valid = []
    for row in rows:
        problem = row_problem(row)
        if problem is None:
            valid.append(row)
        else:
            _log_failure(row, problem)
    if not valid:
        return
    connection = audit_connection()
    try:
        await insert_rows(connection, valid)
        return
    except Exception as error:
        if len(valid) == 1:
            _log_failure(valid[0], f"{type(error).__name__}: {error}")
            return
    for row in valid:
        try:
            await AuditLog.create(using_db=connection, **AuditRow._make(row)._asdict())
        except Exception as error:
            _log_failure(row, f"{type(error).__name__}: {error}")


def _log_failure(row: Row, problem: str) -> None:
    request_id = AuditRow._make(row).request_id
    logger.error("audit row %s not written for request %s: %s", describe(row), request_id or "-", problem,
                 extra={"request_id": request_id})


writer = AuditWriter()
on_shutdown(writer.flush)
atexit.register(writer.abandon, "the process exited before they were written")
