"""A backing service that does not answer: 503 with `Retry-After`, never a 500.

When the database refuses connections, every page that queries it fails with the driver's
connection error: asyncpg raises `ConnectionRefusedError`, Tortoise's MySQL client raises
`DBConnectionError` (a `ConnectionError` too), and a host name that does not resolve raises
`socket.gaierror`; a server that does not answer within DB_QUERY_TIMEOUT raises `TimeoutError`
(asyncpg) or a lost-connection error (asyncmy). None of that is a bug in the site, and a 500
page tells the client to report one; 503 says "try again shortly" to people, load balancers and
crawlers alike.

Only connection failures and timeouts count: other `OSError`s (a missing file, a full disk)
stay 500s, because retrying will not fix them. Errors are matched on the exception and its causes, so a
layer that wraps the driver's error (`raise ... from error`) is still recognised.
"""

from __future__ import annotations

import socket

UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, socket.gaierror, TimeoutError)
RETRY_AFTER_SECONDS = 5
MESSAGE = "The site cannot reach a service it depends on right now. Please try again in a few seconds."


def is_unavailable(error: BaseException) -> bool:
    """True when `error`, or an error it was raised from, is a failed connection."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, UNAVAILABLE_ERRORS):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
