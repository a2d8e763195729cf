"""Tortoise ORM 1.1's private APIs the framework relies on, each behind one function.

When upgrading Tortoise, read this module against the new release and run tests/test_compat.py
on every engine: each function names the private attribute it reads and why nothing public does.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient
    from tortoise.context import TortoiseContext
    from tortoise.manager import Manager
    from tortoise.models import MetaInfo, Model

ModelCheck = Callable[[type["Model"]], None]
logger = logging.getLogger("nori.db")


def read_field_comments_only_where_written() -> None:
    """Tortoise reads each model's source for `#:` field comments only when its file has one.

    Building a model class calls `tortoise.models._get_comments`, which runs `inspect.getsource`:
    the model's whole file parsed and tokenized, about 3 ms a model, for comments (`#: text`
    above a field, its description) that no model here writes. Skipping a file without `#:`
    gives the same empty answer; a file with one is read as before. Idempotent; a Tortoise
    without the function is left alone.
    """
    import inspect
    import linecache

    import tortoise.models

    original = getattr(tortoise.models, "_get_comments", None)
    if original is None or getattr(original, "only_where_written", False):
        return

    @functools.wraps(original)
    def comments(cls: type[Model]) -> dict[str, str]:
        try:
            filename = inspect.getsourcefile(cls)
        except TypeError:
            filename = None
        if filename and not any("#:" in line for line in linecache.getlines(filename)):
            return {}
        found: dict[str, str] = original(cls)
        return found

    comments.only_where_written = True  # type: ignore[attr-defined]
    tortoise.models._get_comments = comments


async def init_orm(
    config: Mapping[str, Any], *, context: TortoiseContext | None = None, visible_to_other_tasks: bool = True
) -> None:
    """`Tortoise.init` (or a context's `init`) with `_enable_global_fallback`.

    Under uvicorn the lifespan and the requests run in different tasks, and Tortoise keeps its
    context in a ContextVar: the fallback makes the context opened by the lifespan (or a shell,
    or a test session) visible to every task. `tortoise.contrib.starlette` passes it the same way.
    """
    from tortoise import Tortoise

    target: Any = Tortoise if context is None else context
    await target.init(config=dict(config), _enable_global_fallback=visible_to_other_tasks)


def forget_insert_statements() -> None:
    """Empty `EXECUTOR_CACHE`, where Tortoise keeps each model's compiled INSERT per connection name.

    A test run that opens the same connection name on another engine would otherwise reuse the
    previous engine's SQL; the cache is a module global with no public way to clear it.
    """
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    EXECUTOR_CACHE.clear()


def outside_transaction(model: type[Model]) -> BaseDBAsyncClient:
    """The model's connection with any transaction of this context unwrapped (`_meta.db`, `_parent`).

    Work that outlives the code that queued it (a batch of audit rows) must not go through a
    transaction that has ended by the time it runs; a transaction client keeps the pool client it
    came from in `_parent`.
    """
    connection: Any = model._meta.db
    while hasattr(connection, "_parent"):
        connection = connection._parent
    return connection


def connection_for(model: type[Model], *, write: bool = False) -> BaseDBAsyncClient:
    """The connection a query on `model` would use now (`Model._choose_db`, which honours routers).

    Raw SQL (the tree's recursive walks) and updates issued outside a queryset must go where the
    ORM's own queries for the model go.
    """
    return model._choose_db(write)


def insert_statement(connection: BaseDBAsyncClient, model: type[Model]) -> str:
    """The INSERT Tortoise compiles for `model` on `connection` (`executor_class(...).insert_query`).

    Its placeholders follow the model's column order, so a batch of plain tuples goes out as one
    `execute_many` without building a model instance per row, as `bulk_create` would.
    """
    executor: Any = connection.executor_class(model=model, db=connection)
    return executor.insert_query


def instance_from_row(model: type[Model], row: Mapping[str, Any]) -> Any:
    """A saved instance built from a raw row (`Model._init_from_db`), the way querysets build them.

    Rows read by raw SQL (the tree's recursive walks) become ordinary instances, and a subclass
    hook on loading (the audit snapshot) still runs.
    """
    return model._init_from_db(**row)


def is_saved(instance: Model) -> bool:
    """Whether the instance's row exists in the database as far as Tortoise knows (`_saved_in_db`)."""
    return bool(instance._saved_in_db)


def forget_related(instance: Model, field: str) -> None:
    """Drop the related object Tortoise cached for a foreign key (`_<field>` in the instance dict).

    After changing `<field>_id` by hand the cache would still hand out the old related object.
    """
    instance.__dict__.pop(f"_{field}", None)


def manager_model(manager: Manager) -> type[Model]:
    """The model a manager serves (`Manager._model`), to hand out a queryset class of our own."""
    return manager._model


def check_when_finalised(model: type[Model], check: ModelCheck) -> None:
    """Run `check(model)` when Tortoise finalises the model at init, by swapping its `_meta` class.

    `MetaInfo.finalise_model()` runs once relations are resolved, the first moment a check such
    as "`parent` points to this very model" can be made; Tortoise has no public hook there.
    """
    model._meta.__class__ = _checking_meta(type(model._meta), check)


def _checking_meta(base: type[MetaInfo], check: ModelCheck) -> type[MetaInfo]:
    """A subclass of `base` (no new slots, so `__class__` may be swapped) whose finalise_model ends with `check`."""

    def finalise_model(self: Any) -> None:
        base.finalise_model(self)
        check(self._model)

    return type(f"Checked{base.__name__}", (base,), {"__slots__": (), "finalise_model": finalise_model})


class LifecycleHooks:
    """Public-named hooks over Model's private `_init_from_db`, `_post_save` and `_post_delete`.

    Tortoise sends no signal when it builds an instance from a row, and its save and delete
    signals are registered per model class, while a mixin (audit tracking) must act for every
    model that inherits it. Put the class before `Model` in the bases and override the hooks,
    calling `super()`; each runs once per load, save and delete, with the save's connection.
    """

    @classmethod
    def _init_from_db(cls, **kwargs: Any) -> Any:
        instance = super()._init_from_db(**kwargs)  # type: ignore[misc]  # a mixin: Model is later in the MRO
        instance.after_db_load()
        return instance

    async def _post_save(self, using_db: Any = None, created: bool = False, update_fields: Any = None) -> None:
        await super()._post_save(using_db, created, update_fields)  # type: ignore[misc]  # as above
        await self.after_db_save(using_db, created, update_fields)

    async def _post_delete(self, using_db: Any = None) -> None:
        await super()._post_delete(using_db)  # type: ignore[misc]  # as above
        await self.after_db_delete(using_db)

    def after_db_load(self) -> None:
        """The instance was just built from a database row."""

    async def after_db_save(self, using_db: Any, created: bool, update_fields: Any) -> None:
        """The instance's row was just inserted (`created`) or updated."""

    async def after_db_delete(self, using_db: Any) -> None:
        """The instance's row was just deleted."""


def leave_transactions() -> None:
    """In the current context only, point every connection name back at its pool client.

    A task copies the context it was created in, and Tortoise keeps "the transaction this code is
    in" as a per-context map from connection name to client (`ConnectionHandler._storage`). A
    background job started inside a transaction would otherwise run its queries on that
    transaction's connection, which is busy or already closed by then.
    """
    from tortoise.context import get_current_context

    context = get_current_context()
    if context is None:
        return
    handler: Any = context.connections
    clean = {}
    for name, connection in handler._get_storage().items():
        while hasattr(connection, "_parent"):
            connection = connection._parent
        clean[name] = connection
    handler._set_storage(clean)


QUERY_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script")
QueryObserver = Callable[["BaseDBAsyncClient", str, Any, float, "BaseException | None"], None]
_query_observer: QueryObserver | None = None
_observing: ContextVar[bool] = ContextVar("nori_query_observed", default=False)


def observe_queries(observer: QueryObserver) -> None:
    """Call `observer(client, sql, values, seconds, error)` after every query Tortoise runs.

    Tortoise has no query hook. Every query of every backend goes through five methods of its
    client classes (`QUERY_METHODS`), which transaction wrappers inherit or override (their own
    `execute_many`), so each class's own definitions are wrapped once, at the first call: a site
    that observes nothing runs Tortoise's methods untouched. MySQL's `execute_query_dict` calls
    `execute_query`: a query already being observed is not observed twice.
    """
    global _query_observer
    if _query_observer is None:
        for client_class in _client_classes():
            for name in QUERY_METHODS:
                method = client_class.__dict__.get(name)
                if method is not None and not getattr(method, "nori_observed", False):
                    setattr(client_class, name, _observed(method))
    _query_observer = observer


def _client_classes() -> list[type]:
    from tortoise.backends.asyncpg import client as postgres
    from tortoise.backends.mysql import client as mysql
    from tortoise.backends.sqlite import client as sqlite

    return [sqlite.SqliteClient, sqlite.SqliteTransactionWrapper, postgres.AsyncpgDBClient,
            postgres.TransactionWrapper, mysql.MySQLClient, mysql.TransactionWrapper]


def _observed(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def run(client: BaseDBAsyncClient, query: str, *args: Any, **kwargs: Any) -> Any:
        observer = _query_observer
        if observer is None or _observing.get():
            return await method(client, query, *args, **kwargs)
        token = _observing.set(True)
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            return await method(client, query, *args, **kwargs)
        except BaseException as failure:
            error = failure
            raise
        finally:
            _observing.reset(token)
            observer(client, query, args[0] if args else kwargs.get("values"), time.perf_counter() - started, error)

    run.nori_observed = True  # type: ignore[attr-defined]
    return run


def pool_in_use(client: BaseDBAsyncClient) -> int | None:
    """How many of a client's pooled connections are checked out now; None without a pool (SQLite).

    Tortoise keeps the driver's pool in the private `_pool` (asyncpg's `Pool`, asyncmy's `Pool`),
    and neither Tortoise nor the drivers agree on a public name for the figure.
    """
    pool: Any = getattr(client, "_pool", None)
    if pool is None:
        return None
    if hasattr(pool, "get_idle_size"):  # asyncpg
        return int(pool.get_size() - pool.get_idle_size())
    if hasattr(pool, "freesize"):  # asyncmy
        return int(pool.size - pool.freesize)
    return None


def in_transaction_on(name: str) -> bool:
    """Whether the current context runs inside a transaction on connection `name`.

    Tortoise keeps the transaction a context is in as its client for the connection's name
    (`ConnectionHandler._storage`, see `leave_transactions`); a transaction's client has a parent.
    """
    from tortoise.context import get_current_context

    context = get_current_context()
    if context is None:
        return False
    handler: Any = context.connections
    return hasattr(handler._get_storage().get(name), "_parent")


def transactions_default_to(name: str, *, beside: str) -> None:
    """Let `in_transaction()` and `@atomic()` without a connection name use `name` while every
    other connection's name starts with `beside` (read replicas).

    Tortoise refuses a transaction without a connection name once a second connection exists
    (`tortoise.transactions._get_connection`), so adding a replica would break every
    `in_transaction()` a site has written; a replica never takes a transaction anyway.
    """
    import tortoise.transactions as transactions

    original = transactions._get_connection
    if getattr(original, "nori_default", None) == name:
        return

    def get_connection(connection_name: str | None) -> BaseDBAsyncClient:
        if connection_name is None:
            from tortoise import connections

            others = [other for other in connections.db_config if other != name]
            if name in connections.db_config and all(other.startswith(beside) for other in others):
                connection_name = name
        return original(connection_name)

    get_connection.nori_default = name  # type: ignore[attr-defined]
    transactions._get_connection = get_connection


def after_commit(callback: Callable[[], Awaitable[Any]]) -> bool:
    """Hold `callback` until the transaction open in this context commits; drop it if it rolls back.

    Returns False when no transaction is open (the caller acts at once). Tortoise has no commit
    hook: the transaction open here is the client in this context's connection map
    (`ConnectionHandler._storage`) that has a `_parent`, one object per `in_transaction()` block,
    and the context manager ends it by calling that object's `commit()` or `rollback()`. Those two
    methods are wrapped on that one instance, so nothing changes for any other transaction.

    A nested `in_transaction()` (a savepoint) is not in the map, so what it holds waits for the
    outermost transaction: a savepoint rolled back inside a transaction that commits still runs
    it. If a callback raises, the others still run, and the first error leaves the `async with`
    after the commit: the rows are saved, the caller learns what did not follow them.
    """
    from tortoise.context import get_current_context

    context = get_current_context()
    if context is None:
        return False
    handler: Any = context.connections
    transaction = next((client for client in handler._get_storage().values() if hasattr(client, "_parent")), None)
    if transaction is None:
        return False
    held: list[Callable[[], Awaitable[Any]]] | None = transaction.__dict__.get("_after_commit")
    if held is None:
        held = transaction._after_commit = []
        commit, rollback = transaction.commit, transaction.rollback

        async def commit_then_run() -> None:
            await commit()
            callbacks = list(held)
            held.clear()
            errors = []
            for waiting in callbacks:
                try:
                    await waiting()
                except Exception as error:
                    logger.exception("an action held until commit failed after the commit")
                    errors.append(error)
            if errors:
                raise errors[0]

        async def rollback_and_drop() -> None:
            held.clear()
            await rollback()

        transaction.commit, transaction.rollback = commit_then_run, rollback_and_drop
    held.append(callback)
    return True
