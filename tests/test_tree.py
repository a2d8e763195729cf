"""NoriTreeMixin on every engine: single-query walks, nesting, moves, guards and the soft-delete mix."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise import connections
from tortoise.exceptions import DoesNotExist, IntegrityError

from core.mixins.tree import InvalidMove, TreeCycleError
from core.testing.queries import count_queries
from tests.support.mixin_models import Category, Folder, Node


async def build(model: type[Any], shape: dict[str, Any], parent: Any = None, **extra: Any) -> dict[str, Any]:
    """Create nodes from {name: {child: {...}}} in the order given; returns every node by name."""
    made: dict[str, Any] = {}
    for name, children in shape.items():
        node = await model.create(name=name, parent=parent, **extra)
        made[name] = node
        made.update(await build(model, children, node))
    return made


# Siblings are created in an order where names do not sort like primary keys ("z" before "m"),
# so order checks prove primary-key order.
SHAPE = {
    "root": {
        "z": {"z1": {"z1a": {}}, "z2": {}},
        "m": {},
    },
    "other": {},
}


def names(nodes: list[Any]) -> list[str]:
    return [node.name for node in nodes]


async def test_single_level_reads(db: str) -> None:
    n = await build(Category, SHAPE)
    assert names(await n["root"].children()) == ["z", "m"]
    assert (await n["z1"].parent_node()).name == "z"
    assert await n["root"].parent_node() is None
    assert names(await n["z"].siblings()) == ["m"]
    assert names(await n["root"].siblings()) == ["other"]
    assert await n["m"].is_leaf() and not await n["z"].is_leaf()
    assert await n["root"].is_root() and not await n["z2"].is_root()


async def test_ancestors_are_one_query_from_parent_to_root(db: str) -> None:
    n = await build(Category, SHAPE)
    with count_queries() as queries:
        ancestors = await n["z1a"].ancestors()
    assert len(queries) == 1
    assert names(ancestors) == ["z1", "z", "root"]
    assert [node.depth for node in ancestors] == [1, 2, 3]
    assert await n["root"].ancestors() == []


async def test_descendants_are_one_query_depth_first_by_primary_key(db: str) -> None:
    n = await build(Category, SHAPE)
    with count_queries() as queries:
        below = await n["root"].descendants()
    assert len(queries) == 1
    assert names(below) == ["z", "z1", "z1a", "z2", "m"]
    assert [node.depth for node in below] == [1, 2, 3, 2, 1]
    assert await n["m"].descendants() == []


async def test_tree_is_one_query_nested_in_memory(db: str) -> None:
    await build(Category, SHAPE)
    with count_queries() as queries:
        roots = await Category.tree()
    assert len(queries) == 1
    assert names(roots) == ["root", "other"]
    root = roots[0]
    assert root.depth == 0
    assert names(root.tree_children) == ["z", "m"]
    assert names(root.tree_children[0].tree_children) == ["z1", "z2"]
    assert names(root.tree_children[0].tree_children[0].tree_children) == ["z1a"]
    assert roots[1].tree_children == []


async def test_tree_nodes_also_expose_children_as_the_reference_attribute(db: str) -> None:
    await build(Category, SHAPE)
    root = (await Category.tree())[0]
    assert names(root._children) == ["z", "m"]
    assert root._children is root.tree_children
    assert names(root._children[0]._children[0]._children) == ["z1a"]
    assert names((await Category.tree(root_id=root.id))[0]._children) == ["z1", "z2"]


async def test_tree_of_one_node_reads_only_its_subtree(db: str) -> None:
    n = await build(Category, SHAPE)
    with count_queries() as queries:
        below_z = await Category.tree(root_id=n["z"].id)
    assert len(queries) == 1
    assert names(below_z) == ["z1", "z2"]
    assert [node.depth for node in below_z] == [1, 1]
    assert names(below_z[0].tree_children) == ["z1a"]
    # the statement starts from node z alone: only z's subtree (z itself + 3) comes back
    rows = await connections.get("default").execute_query_dict(queries.statements[0], [n["z"].id])
    assert sorted(row["name"] for row in rows) == ["z", "z1", "z1a", "z2"]
    with pytest.raises(DoesNotExist):
        await Category.tree(root_id=n["other"].id + 1000)


async def test_returned_nodes_are_saved_instances(db: str) -> None:
    n = await build(Category, SHAPE)
    node = (await n["root"].descendants())[0]
    node.name = "renamed"
    with count_queries() as queries:
        await node.save()
    assert len(queries) == 1 and queries.matching("UPDATE")
    assert await Category.all().count() == len(n)
    assert (await Category.get(id=n["z"].id)).name == "renamed"
    for fetched in (await n["z1a"].ancestors()) + (await Category.tree()):
        assert fetched._saved_in_db


async def test_a_cycle_in_the_data_ends_with_a_clear_error(db: str) -> None:
    n = await build(Category, {"a": {"b": {"c": {}}}})
    # written behind the mixin's back: a -> c closes the loop a -> b -> c -> a
    await Category.filter(id=n["a"].id).update(parent_id=n["c"].id)
    for walk in (n["c"].ancestors, n["a"].descendants, lambda: Category.tree(root_id=n["b"].id)):
        with count_queries() as queries, pytest.raises(TreeCycleError, match="cycle"):
            await walk()
        assert len(queries) == 1


async def test_move_to_a_new_parent_and_to_the_root(db: str) -> None:
    n = await build(Category, SHAPE)
    await n["z1"].move_to(n["m"].id)
    assert n["z1"].parent_id == n["m"].id
    assert names(await n["m"].children()) == ["z1"]
    assert names(await n["z1a"].ancestors()) == ["z1", "m", "root"]
    await n["z1"].move_to(None)
    assert await n["z1"].is_root()
    assert (await Category.get(id=n["z1"].id)).parent_id is None


async def test_moving_under_a_descendant_raises_and_changes_nothing(db: str) -> None:
    n = await build(Category, SHAPE)
    with count_queries() as queries, pytest.raises(InvalidMove) as raised:
        await n["z"].move_to(n["z1a"].id)
    assert str(raised.value) == "Cannot move a node to one of its descendants"
    # the node's own locked read, then one locked read per level from z1a up to z, and no write
    assert len(queries) == 4
    assert not [sql for sql in queries.statements if sql.lstrip().upper().startswith("UPDATE")]
    assert n["z"].parent_id == n["root"].id
    assert (await Category.get(id=n["z"].id)).parent_id == n["root"].id
    assert isinstance(raised.value, IntegrityError)  # so a request answers 409
    assert isinstance(raised.value, ValueError)  # what sites written for the reference Nori catch


async def test_moving_under_itself_or_a_missing_node_raises(db: str) -> None:
    n = await build(Category, SHAPE)
    with pytest.raises(ValueError) as raised:
        await n["z"].move_to(n["z"].id)
    assert isinstance(raised.value, InvalidMove) and str(raised.value) == "Cannot move a node to itself"
    with pytest.raises(InvalidMove, match="no such node"):
        await n["z"].move_to(n["other"].id + 1000)
    assert (await Category.get(id=n["z"].id)).parent_id == n["root"].id


async def test_concurrent_moves_cannot_create_a_cycle(db: str) -> None:
    for _ in range(3):
        await Category.all().delete()
        n = await build(Category, {"root": {"a": {}, "b": {}}})
        a, b = n["a"], n["b"]
        # each move is valid alone; together they would make a <-> b
        results = await asyncio.gather(a.move_to(b.id), b.move_to(a.id), return_exceptions=True)
        failures = [result for result in results if isinstance(result, BaseException)]
        assert len(failures) == 1, results
        assert isinstance(failures[0], InvalidMove)
        stored = {c.name: c.parent_id for c in await Category.all()}
        assert not (stored["a"] == b.id and stored["b"] == a.id)
        for node in (a, b):  # both still reach the root
            fresh = await Category.get(id=node.id)
            assert names(await fresh.ancestors())[-1] == "root"


async def test_identifiers_are_quoted_and_values_bound(db: str) -> None:
    top = await Node.create(order="top")
    mid = await Node.create(order="it's; DROP", parent=top)
    leaf = await Node.create(order='say "hi"', parent=mid)
    assert [x.order for x in await leaf.ancestors()] == ["it's; DROP", "top"]
    assert [x.order for x in await top.descendants()] == ["it's; DROP", 'say "hi"']
    assert [x.order for x in (await Node.tree())[0].tree_children] == ["it's; DROP"]
    await leaf.move_to(top.key)
    assert [x.order for x in await top.children()] == ["it's; DROP", 'say "hi"']
    with pytest.raises(InvalidMove):
        await top.move_to(leaf.key)


async def test_trashed_nodes_and_their_subtrees_leave_every_tree_query(db: str) -> None:
    n = await build(Folder, SHAPE)
    await n["z"].delete()
    assert names(await n["root"].descendants()) == ["m"]
    roots = await Folder.tree()
    assert names(roots) == ["root", "other"]
    assert names(roots[0].tree_children) == ["m"]
    assert await n["z1"].ancestors() == []  # the walk starts inside a trashed subtree
    assert names(await Folder.tree(root_id=n["root"].id)) == ["m"]
    with pytest.raises(DoesNotExist):
        await Folder.tree(root_id=n["z"].id)
    with pytest.raises(InvalidMove, match="no such node"):
        await n["m"].move_to(n["z"].id)
    assert names(await n["root"].children()) == ["m"]
    await n["z"].restore()
    assert names(await n["root"].descendants()) == ["z", "z1", "z1a", "z2", "m"]


async def test_an_invalid_move_in_a_request_answers_409(db: str) -> None:
    import httpx
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from core.kernel import create_app

    n = await build(Category, SHAPE)

    async def move(request: Request) -> Response:
        await n["z"].move_to(n["z1a"].id)
        return Response("moved")

    app = create_app(routes=[Route("/move", move)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        response = await client.get("/move", headers={"Accept": "application/json"})
    assert response.status_code == 409
