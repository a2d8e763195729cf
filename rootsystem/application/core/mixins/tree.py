"""NoriTreeMixin: an adjacency-list tree (a `parent` foreign key to the model itself).

Reads that span levels (`ancestors()`, `descendants()`, `tree()`) are ONE recursive-CTE
statement each, on the model's own connection, returning only the rows asked for; nesting and
depth-first order are done in memory. Nodes come back as ordinary saved instances.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import (
    BaseORMException,
    ConfigurationError,
    DoesNotExist,
    IntegrityError,
)
from tortoise.fields.relational import ForeignKeyFieldInstance, OneToOneFieldInstance
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.compat.tortoise import check_when_finalised, connection_for, forget_related, instance_from_row
from core.mixins.tree_sql import DEPTH, Columns, Dialect, lock_sql, walk_sql

RESERVED = ("depth", "tree_children", "_children")
DEADLOCK_RETRIES = 3


class TreeCycleError(BaseORMException):
    """The parent links in the database loop (written behind the mixin's back, e.g. by raw SQL)."""


class InvalidMove(IntegrityError, ValueError):
    """`move_to()` was asked for something that would break the tree; nothing was changed.

    It is an IntegrityError, so a request that triggers it answers 409 Conflict, and a
    ValueError, which is what sites written for the reference Nori catch.
    """


def check_tree_model(model: type[Model]) -> None:
    """Raise ConfigurationError, naming the model, unless it has a nullable self `parent` FK.

    Run when the ORM finalises the model at init, once relations are resolved: the first moment
    "`parent` points to this very model" can be checked.
    """
    meta = model._meta
    name = model.__name__
    hint = f"add parent = fields.ForeignKeyField('{meta.app}.{name}', related_name='children_rel', null=True)"
    parent = meta.fields_map.get("parent")
    if parent is None:
        raise ConfigurationError(f"{name} uses NoriTreeMixin but has no field named 'parent': {hint}")
    if not isinstance(parent, ForeignKeyFieldInstance) or isinstance(parent, OneToOneFieldInstance):
        raise ConfigurationError(f"{name}.parent must be a ForeignKeyField to {name} for NoriTreeMixin: {hint}")
    if parent.related_model is not model:
        target = getattr(parent.related_model, "__name__", parent.model_name)
        raise ConfigurationError(f"{name}.parent points to {target}; NoriTreeMixin needs it to point to {name}: {hint}")
    if not parent.null:
        raise ConfigurationError(f"{name}.parent must be null=True: roots are the nodes without a parent")
    clashes = [field for field in RESERVED if field in meta.fields_map]
    if clashes:
        raise ConfigurationError(
            f"{name} has field(s) {', '.join(clashes)}, names NoriTreeMixin sets on the nodes it returns; rename them"
        )


class NoriTreeMixin(Model):
    """Abstract base replacing `Model` for self-referencing trees (combine with NoriSoftDeletes).

    Nodes returned by `ancestors()`, `descendants()` and `tree()` carry `depth` (distance from
    the node asked about; roots are 0 in `tree()`); `tree()` nodes also carry `tree_children`,
    also reachable as `_children` (the reference Nori's name, one and the same list).
    `tree_max_depth` bounds every walk, so a cycle in the data fails instead of looping.
    """

    tree_max_depth: ClassVar[int] = 10_000
    parent_id: Any  # the column of the model's own `parent` field, which check_tree_model demands

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls._meta.abstract:
            check_when_finalised(cls, check_tree_model)

    # -- single-level reads (ordinary querysets: soft-delete aware through the default manager)

    async def children(self) -> list[Any]:
        """Direct children, by primary key."""
        cls = type(self)
        return await cls.filter(parent_id=self.pk).order_by(cls._meta.pk_attr)

    async def parent_node(self) -> Any | None:
        """The parent, or None for a root."""
        parent_id = self.parent_id
        return None if parent_id is None else await type(self).get_or_none(pk=parent_id)

    async def siblings(self) -> list[Any]:
        """The other children of this node's parent (the other roots, for a root), by primary key."""
        parent_id = self.parent_id
        same_parent = {"parent_id__isnull": True} if parent_id is None else {"parent_id": parent_id}
        cls = type(self)
        return await cls.filter(**same_parent).exclude(pk=self.pk).order_by(cls._meta.pk_attr)

    async def is_leaf(self) -> bool:
        return not await type(self).filter(parent_id=self.pk).exists()

    async def is_root(self) -> bool:
        return self.parent_id is None

    # -- recursive reads: one statement each

    async def ancestors(self) -> list[Any]:
        """From the parent up to the root, in one query; `node.depth` is 1 for the parent."""
        nodes = await type(self)._walk(self.pk, upward=True)
        return [node for node in nodes if node.depth > 0]

    async def descendants(self) -> list[Any]:
        """The whole subtree below this node, in one query, depth-first with siblings by primary key."""
        nodes = await type(self)._walk(self.pk, upward=False)
        return list(_depth_first(nodes, self.pk))

    @classmethod
    async def tree(cls, root_id: Any = None) -> list[Any]:
        """The forest as nested nodes, in one query: each node's `tree_children` (or `_children`) holds its children.

        Without `root_id`: the roots (depth 0). With it: the children of that node (depth 1),
        each nested below; DoesNotExist if that node is missing (or trashed).
        """
        nodes = await cls._walk(root_id, upward=False)
        for node in nodes:
            children: list[Any] = []
            object.__setattr__(node, "tree_children", children)
            object.__setattr__(node, "_children", children)
        by_pk = {node.pk: node for node in nodes}
        top: list[Any] = []
        for node in sorted(nodes, key=_pk):
            if node.depth == 0:
                top.append(node)
            else:
                by_pk[node.parent_id].tree_children.append(node)
        if root_id is None:
            return top
        if not top:
            raise DoesNotExist(f"{cls.__name__} with pk={root_id!r} does not exist")
        return top[0].tree_children

    @classmethod
    async def _walk(cls, anchor_pk: Any, *, upward: bool) -> list[Any]:
        db = connection_for(cls)
        dialect = Dialect(db.capabilities.dialect)
        guard = int(cls.tree_max_depth)
        sql = walk_sql(Columns.of(cls), dialect, upward=upward, from_roots=anchor_pk is None, guard=guard)
        params = [] if anchor_pk is None else [cls._meta.pk.to_db_value(anchor_pk, cls)]
        rows = await db.execute_query_dict(sql, params)
        if rows and max(row[DEPTH] for row in rows) > guard:
            raise TreeCycleError(
                f"{cls.__name__}: walking the tree from pk={anchor_pk!r} went past tree_max_depth "
                f"({guard}) levels; the parent links contain a cycle (or raise {cls.__name__}.tree_max_depth)"
            )
        nodes = []
        mark = object.__setattr__  # Model.__setattr__ is slow per row
        for row in rows:
            depth = row.pop(DEPTH)
            node = instance_from_row(cls, row)
            mark(node, "depth", int(depth))
            nodes.append(node)
        return nodes

    # -- moving

    async def move_to(self, new_parent_id: Any, using_db: BaseDBAsyncClient | None = None) -> None:
        """Make this node a child of `new_parent_id` (None: a root), or raise InvalidMove.

        In a transaction, the node and each node on the new parent's path to the root are read
        with row locks (FOR UPDATE), so two concurrent moves that would together form a cycle
        cannot both pass the check: one waits for the other and then sees its change, or the
        database reports a deadlock, after which the move is retried from a fresh read.
        """
        if new_parent_id is not None and new_parent_id == self.pk:
            raise InvalidMove("Cannot move a node to itself")
        for attempt in range(1, DEADLOCK_RETRIES + 1):
            try:
                await self._move(new_parent_id, using_db)
                return
            except Exception as exc:  # drivers name deadlocks differently; asyncpg's is not an ORM error
                if not _is_deadlock(exc) or attempt == DEADLOCK_RETRIES:
                    raise

    async def _move(self, new_parent_id: Any, using_db: BaseDBAsyncClient | None) -> None:
        cls = type(self)
        name = cls.__name__
        db = using_db or connection_for(cls, write=True)
        columns = Columns.of(cls)
        pk_field = cls._meta.pk
        async with in_transaction(db.connection_name) as tx:
            sql = lock_sql(columns, Dialect(tx.capabilities.dialect))
            if not await tx.execute_query_dict(sql, [pk_field.to_db_value(self.pk, self)]):
                raise DoesNotExist(f"{name} with pk={self.pk!r} does not exist")
            current = None if new_parent_id is None else pk_field.to_db_value(new_parent_id, cls)
            for _ in range(cls.tree_max_depth + 1):
                if current is None:
                    break
                rows = await tx.execute_query_dict(sql, [current])
                if not rows:
                    raise InvalidMove(f"Cannot move {name} {self.pk!r} under {name} {new_parent_id!r}: no such node")
                if pk_field.to_python_value(rows[0][columns.pk]) == self.pk:
                    raise InvalidMove("Cannot move a node to one of its descendants")
                current = rows[0][columns.parent]
            else:
                raise TreeCycleError(f"{name}: the path from {new_parent_id!r} to its root is longer than "
                                     f"tree_max_depth ({cls.tree_max_depth}); the parent links contain a cycle")
            previous = self.parent_id
            self.parent_id = new_parent_id
            forget_related(self, "parent")
            try:
                await self.save(update_fields=["parent_id"], using_db=tx)
            except BaseException:
                self.parent_id = previous
                raise


def _is_deadlock(exc: BaseException) -> bool:
    return "deadlock" in f"{type(exc).__name__} {exc}".lower()


def _pk(node: Any) -> Any:
    return node.pk


def _depth_first(nodes: Iterable[Any], start_pk: Any) -> Iterable[Any]:
    """Pre-order walk below `start_pk`, children by primary key, without recursion (deep chains)."""
    children: dict[Any, list[Any]] = {}
    for node in nodes:
        if node.depth > 0:
            children.setdefault(node.parent_id, []).append(node)
    for siblings in children.values():
        siblings.sort(key=_pk, reverse=True)  # reversed, so the stack pops the smallest first
    stack = list(children.get(start_pk, ()))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(children.get(node.pk, ()))
