"""Count the SQL statements the ORM sends: `with count_queries() as queries: ...; len(queries)`.

Built on the framework's query hook (`core.observability.on_query`), which sees every statement
on every engine, inside transactions too, exactly once, so a test counts what reached the driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.observability import Query, on_query


class QueryLog:
    """The SQL text of each statement executed while it is installed, in order."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def record(self, query: Query) -> None:
        self.statements.append(query.sql)

    def __len__(self) -> int:
        return len(self.statements)

    def matching(self, fragment: str) -> list[str]:
        """Statements containing `fragment` (case-insensitive), e.g. `matching("UPDATE")`."""
        needle = fragment.lower()
        return [sql for sql in self.statements if needle in sql.lower()]


@contextmanager
def count_queries() -> Iterator[QueryLog]:
    """Record every statement executed inside the block."""
    log = QueryLog()
    stop = on_query(log.record)
    try:
        yield log
    finally:
        stop()
