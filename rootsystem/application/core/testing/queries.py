"""Count the SQL statements the ORM sends: `with count_queries() as queries: ...; len(queries)`.

Tortoise logs every statement it executes, on every engine and inside transactions too, on the
`tortoise.db_client` logger at DEBUG level. Listening there counts what reached the driver
without patching connection classes, so it works the same for SQLite, MySQL and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

LOGGER_NAME = "tortoise.db_client"


class QueryLog(logging.Handler):
    """The SQL text of each statement executed while it is installed, in order."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Statements are logged as ("%s: %s", sql, values) or, for scripts, as the bare SQL;
        # anything else on this logger (pools opening and closing) is not a statement.
        if record.msg == "%s: %s" and isinstance(record.args, tuple) and record.args:
            self.statements.append(str(record.args[0]))
        elif not record.args and not str(record.msg).startswith(("Created ", "Closed ")):
            self.statements.append(str(record.msg))

    def __len__(self) -> int:
        return len(self.statements)

    def matching(self, fragment: str) -> list[str]:
        """Statements containing `fragment` (case-insensitive), e.g. `matching("UPDATE")`."""
        needle = fragment.lower()
        return [sql for sql in self.statements if needle in sql.lower()]


@contextmanager
def count_queries() -> Iterator[QueryLog]:
    """Record every statement executed inside the block; the logger's level is restored after."""
    logger = logging.getLogger(LOGGER_NAME)
    log = QueryLog()
    previous = logger.level
    logger.addHandler(log)
    logger.setLevel(logging.DEBUG)
    try:
        yield log
    finally:
        logger.removeHandler(log)
        logger.setLevel(previous)
