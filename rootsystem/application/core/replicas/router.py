"""Which connection a query uses: writes and anything in a transaction on the primary; a request's
reads on the replicas, in turn, skipping one that is down.

Reads go to a replica only inside an HTTP request (`ReadYourWrites` marks it): the CLI,
migrations, seeders, jobs and the shell always read the primary, where their own writes are.
Within a request the primary also serves:
- every read inside a transaction (Tortoise would run it outside the transaction otherwise),
  and `select_for_update` (Tortoise routes it as a write);
- every read after the request wrote (read-your-writes), and, with a session, every read of
  the same session for READ_AFTER_WRITE_SECONDS after a write, so the page a POST redirects to
  shows what was posted even while the replicas lag;
- reads inside `async with on_primary():`, for code that must see the latest data.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from starlette.types import Scope

from core.compat.tortoise import in_transaction_on, transactions_default_to
from core.http.headers import RawHeaders, ResponseHook
from core.replicas.engine import REPLICA_PREFIX, is_down, replica_names

PRIMARY_UNTIL = "_primary_until"  # the session key: read the primary until this time


@dataclass
class Routing:
    """One request's routing: whether it has written, or must read the primary anyway."""

    wrote: bool = False
    primary: bool = False


_routing: ContextVar[Routing | None] = ContextVar("nori_read_routing", default=None)


@asynccontextmanager
async def on_primary() -> AsyncIterator[None]:
    """Read the primary inside the block (a fresh balance before a payment, say)."""
    routing = _routing.get()
    if routing is None:  # outside a request everything reads the primary already
        yield
        return
    before, routing.primary = routing.primary, True
    try:
        yield
    finally:
        routing.primary = before


class ReadReplicaRouter:
    """Tortoise's router (`routers` in TORTOISE_ORM); None means "the model's own connection"."""

    def __init__(self) -> None:
        self.replicas = replica_names()
        transactions_default_to("default", beside=REPLICA_PREFIX)  # a bare in_transaction() keeps working
        self._turns = itertools.cycle(range(len(self.replicas) or 1))

    def db_for_read(self, model: type[Any]) -> str | None:
        routing = _routing.get()
        if routing is None or routing.wrote or routing.primary or in_transaction_on("default"):
            return None
        for _ in self.replicas:
            name = self.replicas[next(self._turns)]
            if not is_down(name):
                return name
        return None

    def db_for_write(self, model: type[Any]) -> str | None:
        routing = _routing.get()
        if routing is not None:
            routing.wrote = True
        return None


class ReadYourWrites:
    """Opens each request's routing, and carries "this session wrote" over to its next requests
    (for the front layer, core/http/front.py, just after the session is loaded)."""

    def __init__(self, *, seconds: int) -> None:
        self.seconds = seconds

    def open(self, scope: Scope, on_start: list[ResponseHook]) -> Token[Routing | None]:
        """Route this request's reads; `close` with the token when it is over."""
        session = scope.get("session")
        routing = Routing(primary=(session or {}).get(PRIMARY_UNTIL, 0) > time.time())
        if self.seconds and session is not None:
            async def mark(headers: RawHeaders) -> None:
                if routing.wrote:
                    session[PRIMARY_UNTIL] = int(time.time()) + self.seconds  # saved with the session's answer

            on_start.append(mark)
        return _routing.set(routing)

    def close(self, token: Token[Routing | None]) -> None:
        _routing.reset(token)
