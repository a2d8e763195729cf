"""The shape of an audit row and how it goes into the table.

Shared by `audit()` (which builds rows), the batched writer and the immediate writes of the
transactional mode, so every path checks and inserts a row the same way.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from typing import Any, NamedTuple


class AuditRow(NamedTuple):
    """The layout of one audit entry: its values exactly as the columns store them, in the table's
    column order, so the writer inserts rows as they are. Rows travel as plain tuples (`Row`);
    `AuditRow._make(row)` names their fields where that helps (logging a failure).
    """

    user_id: int | None
    action: str
    model_name: str | None
    record_id: str | None
    changes: str | None
    ip_address: str | None
    request_id: str | None
    created_at: datetime.datetime


Row = tuple[Any, ...]


@functools.cache
def _length_limits() -> list[tuple[int, str, int]]:
    """(position in the row, column, max length) of AuditLog's text columns."""
    from core.models import AuditLog

    limits = [(index, name, getattr(AuditLog._meta.fields_map[name], "max_length", None))
              for index, name in enumerate(AuditRow._fields)]
    return [(index, name, limit) for index, name, limit in limits if limit]


def row_problem(row: Row) -> str | None:
    """Why the table would refuse `row` (a value longer than its column), or None.

    Checked before inserting, so that one bad row is named on its own (in the log, or in the
    error of a transactional write) instead of failing the INSERT of a whole batch.
    """
    for index, name, limit in _length_limits():
        value = row[index]
        if value is not None and len(value) > limit:
            return f"{name} is longer than {limit} characters"
    return None


def describe(row: Row) -> str:
    """`'update' (Invoice 7)`: how log lines and errors name a row."""
    entry = AuditRow._make(row)
    return f"{entry.action!r} ({entry.model_name} {entry.record_id})"


async def insert_rows(connection: Any, rows: Sequence[Row]) -> None:
    """One INSERT of `rows` through `connection` (a pool's or a transaction's); raises what the driver raises."""
    from core.compat.tortoise import insert_statement
    from core.models import AuditLog

    await connection.execute_many(insert_statement(connection, AuditLog), list(rows))
