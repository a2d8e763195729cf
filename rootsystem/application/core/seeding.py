"""Seeders: modules with `async def run()` that fill the database, each in its own transaction.

`seeders/database_seeder.py` lists them in `SEEDERS`, in the order they run. A seeder that
raises is rolled back and stops the run; the ones before it stay committed, so fixing the
broken one and re-running `db:seed --class <name>` finishes the job.
"""

from __future__ import annotations

import importlib
import inspect
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from core.database import table_names

REGISTRY_MODULE = "seeders.database_seeder"
PACKAGE = "seeders"
MODULE_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


@dataclass(frozen=True)
class SeedResult:
    """What one seeder did: rows it added (its own count when run() returns an int) and seconds taken."""

    name: str
    rows: int
    seconds: float


class SeederError(Exception):
    """A seeder could not be loaded or failed; `completed` are the seeders committed before it."""

    def __init__(self, name: str, message: str, completed: Sequence[SeedResult] = ()) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.completed = list(completed)


def listed_seeders() -> list[str]:
    """The module paths in `SEEDERS`, checked to be a list of strings."""
    registry = importlib.import_module(REGISTRY_MODULE)
    seeders = getattr(registry, "SEEDERS", None)
    if not isinstance(seeders, list | tuple) or not all(isinstance(item, str) for item in seeders):
        raise SeederError(REGISTRY_MODULE, "SEEDERS must be a list of module paths such as 'seeders.user_seeder'")
    return list(seeders)


def seeder_module_name(name: str) -> str:
    """`user_seeder` and `seeders.user_seeder` both name the module `seeders.user_seeder`.

    Anything but a dotted module path (a file path, `..`) is refused here: importlib would
    answer it with a TypeError about relative imports that names nothing the user typed.
    """
    if not MODULE_PATH.fullmatch(name):
        raise SeederError(name, "not a seeder name: use a module name such as user_seeder or seeders.user_seeder")
    return name if "." in name else f"{PACKAGE}.{name}"


def load_seeder(name: str) -> Callable[[], Any]:
    """The seeder's `run` coroutine function; a missing module or function is a SeederError."""
    try:
        module: ModuleType = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):
            raise SeederError(name, f"no such module (expected {name.replace('.', '/')}.py)") from None
        raise
    run = getattr(module, "run", None)
    if not inspect.iscoroutinefunction(run):
        raise SeederError(name, "has no `async def run()` function")
    return run


async def row_counts(tables: Sequence[str], connection: str = "default") -> dict[str, int]:
    """Rows per table, quoted the way the connection's dialect wants."""
    from pypika_tortoise import Table, functions
    from tortoise import connections

    conn = connections.get(connection)
    counts = {}
    for table in tables:
        query = conn.query_class.from_(Table(table)).select(functions.Count("*").as_("n"))
        rows = await conn.execute_query_dict(query.get_sql())
        counts[table] = int(rows[0]["n"])
    return counts


async def run_seeder(name: str, connection: str = "default") -> SeedResult:
    """Run one seeder inside a transaction; rows = its returned int, else the rows tables gained."""
    from tortoise.transactions import in_transaction

    run = load_seeder(name)
    tables = table_names()
    before = await row_counts(tables, connection)
    started = time.perf_counter()
    async with in_transaction(connection):
        returned = await run()
    seconds = time.perf_counter() - started
    if isinstance(returned, int) and not isinstance(returned, bool):
        return SeedResult(name, returned, seconds)
    after = await row_counts(tables, connection)
    return SeedResult(name, sum(max(after[t] - before[t], 0) for t in tables), seconds)


async def seed(
    names: Sequence[str] | None = None,
    *,
    on_done: Callable[[SeedResult], None] | None = None,
    connection: str = "default",
) -> list[SeedResult]:
    """Run `names` (default: SEEDERS) in order with the ORM open; stop at the first failure.

    `on_done` hears about each committed seeder as it finishes, so progress shows even when a
    later seeder fails.
    """
    modules = [seeder_module_name(name) for name in (listed_seeders() if names is None else names)]
    results: list[SeedResult] = []
    for name in modules:
        try:
            result = await run_seeder(name, connection)
        except SeederError as error:
            raise SeederError(name, str(error).removeprefix(f"{name}: "), results) from error
        except Exception as error:
            detail = str(error).strip().splitlines()
            message = f"{type(error).__name__}: {detail[0]}" if detail else type(error).__name__
            raise SeederError(name, f"failed and was rolled back: {message}", results) from error
        results.append(result)
        if on_done is not None:
            on_done(result)
    return results
