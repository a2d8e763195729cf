"""A number too large for its column: 400 saying so, never a 500.

`/writers/{id:int}` matches any run of digits, and a validated `integer` has no upper bound
unless the rules give one, so a client can send a value no column holds. The drivers refuse it
before it reaches the server: sqlite3 raises `OverflowError` ("Python int too large to convert
to SQLite INTEGER"), asyncpg a `DataError` ("value out of int32 range"), which Tortoise wraps in
its `OperationalError`. That is the client's mistake, and the same on reads and writes, so the
answer is 400 with what to do; the errors are matched on the exception and its causes, as
`core.http.unavailable` does, because the ORM wraps the driver's error.
"""

from __future__ import annotations

OUT_OF_RANGE = "A number in the request is larger than the database can store: send a smaller one."
DRIVER_MODULES = ("asyncpg", "asyncmy")


def _is_driver_data_error(error: BaseException) -> bool:
    kind = type(error)
    return kind.__name__ == "DataError" and kind.__module__.split(".")[0] in DRIVER_MODULES


def is_out_of_range(error: BaseException) -> bool:
    """True when `error`, or an error it was raised from, is a driver refusing a value's size."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, OverflowError) or _is_driver_data_error(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
