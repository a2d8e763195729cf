"""core.compat: every wrapper over a library's private API, on every engine.

These are the tests to run first after upgrading Tortoise or Starlette: each one fails if the
private attribute behind a wrapper changed its meaning.
"""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from core.compat.starlette import TemplateResponse, template_response
from core.compat.tortoise import (
    after_commit,
    connection_for,
    forget_insert_statements,
    forget_related,
    insert_statement,
    instance_from_row,
    is_saved,
    manager_model,
    outside_transaction,
)
from core.mixins.soft_deletes import AllObjectsManager
from tests.support.compat_models import Hooked
from tests.support.mixin_models import Category, Folder
from tests.support.models import Owner


async def test_outside_transaction_unwraps_the_transaction_client(db: str) -> None:
    pool = connections.get("default")
    assert outside_transaction(Owner) is pool
    async with in_transaction() as tx:
        assert Owner._meta.db is tx
        assert outside_transaction(Owner) is pool


async def test_after_commit_holds_until_the_outermost_commit_and_drops_on_rollback(db: str) -> None:
    ran: list[str] = []

    def note(what: str) -> Any:
        async def callback() -> None:
            ran.append(f"{what}:{await Owner.filter(name=what).count()}")  # the row is visible by then
        return callback

    assert after_commit(note("outside")) is False and ran == []
    async with in_transaction():
        await Owner.create(name="kept")
        assert after_commit(note("kept")) is True
        async with in_transaction():  # a savepoint: what it holds waits for the outer commit
            await Owner.create(name="inner")
            after_commit(note("inner"))
        assert ran == []
    assert ran == ["kept:1", "inner:1"]
    with pytest.raises(RuntimeError):
        async with in_transaction():
            after_commit(note("dropped"))
            raise RuntimeError("roll back")
    async with in_transaction():  # a new transaction holds nothing of the last one
        pass
    assert ran == ["kept:1", "inner:1"]


async def test_after_commit_runs_every_callback_and_raises_the_first_error(db: str) -> None:
    ran: list[str] = []

    async def broken() -> None:
        raise LookupError("queue down")

    async def fine() -> None:
        ran.append("fine")

    with pytest.raises(LookupError, match="queue down"):
        async with in_transaction():
            await Owner.create(name="saved")
            after_commit(broken)
            after_commit(fine)
    assert ran == ["fine"] and await Owner.filter(name="saved").count() == 1


async def test_connection_for_is_where_the_orm_sends_the_models_queries(db: str) -> None:
    assert connection_for(Owner) is connections.get("default")
    assert connection_for(Owner, write=True) is connections.get("default")


async def test_insert_statement_takes_plain_tuples_in_column_order(db: str) -> None:
    connection = connections.get("default")
    await connection.execute_many(insert_statement(connection, Hooked), [("first",), ("second",)])
    assert sorted(await Hooked.all().values_list("name", flat=True)) == ["first", "second"]


async def test_forget_insert_statements_empties_the_compiled_cache(db: str) -> None:
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    await Owner.create(name="cached")
    assert EXECUTOR_CACHE
    forget_insert_statements()
    assert not EXECUTOR_CACHE
    assert (await Owner.create(name="compiled again")).pk is not None


async def test_instance_from_row_is_a_saved_instance_and_runs_the_load_hook(db: str) -> None:
    await Hooked.create(name="raw")
    Hooked.calls.clear()
    rows = await connections.get("default").execute_query_dict("SELECT id, name FROM test_hooked")
    node = instance_from_row(Hooked, rows[0])
    assert isinstance(node, Hooked) and node.name == "raw" and is_saved(node)
    assert Hooked.calls == [("load", "raw")]


async def test_is_saved_follows_the_row(db: str) -> None:
    owner = Owner(name="new")
    assert not is_saved(owner)
    await owner.save()
    assert is_saved(owner)


async def test_forget_related_drops_the_cached_foreign_key_object(db: str) -> None:
    top = await Category.create(name="top")
    other = await Category.create(name="other")
    child = await Category.create(name="child", parent=top)
    await child.fetch_related("parent")
    child.parent_id = other.id
    assert child.parent.name == "top"  # the stale cached object
    forget_related(child, "parent")
    assert (await child.parent).name == "other"


def test_manager_model_is_the_model_served() -> None:
    assert manager_model(Folder.all_objects) is Folder
    assert isinstance(Folder.all_objects, AllObjectsManager)


async def test_lifecycle_hooks_run_once_per_load_save_and_delete(db: str) -> None:
    Hooked.calls.clear()
    item = await Hooked.create(name="a")
    item.name = "b"
    await item.save(update_fields=["name"])
    loaded = await Hooked.get(id=item.id)
    await loaded.delete()
    assert Hooked.calls == [("save", "a", True, []), ("save", "b", False, ["name"]), ("load", "b"), ("delete", "b")]


def test_template_response_renders_exactly_the_context_given() -> None:
    template = jinja2.Environment(autoescape=True).from_string("Hi {{ name }}")
    response = template_response(template, {"name": "<Ada>"}, status_code=201, headers={"X-Test": "1"})
    assert isinstance(response, TemplateResponse)
    assert response.body == b"Hi &lt;Ada&gt;" and response.status_code == 201
    assert response.headers["x-test"] == "1" and response.context == {"name": "<Ada>"}


MODEL_MODULE = '''
from tortoise import fields
from tortoise.models import Model


class {name}(Model):
    id = fields.IntField(primary_key=True)
{comment}    title = fields.CharField(max_length=20)
'''


def load_model(tmp_path: Any, monkeypatch: Any, name: str, comment: str) -> Any:
    """A model class from a module file of its own (Tortoise finds a class's source via its module)."""
    import importlib.util
    import sys

    path = tmp_path / f"{name.lower()}.py"
    path.write_text(MODEL_MODULE.format(name=name, comment=comment))
    spec = importlib.util.spec_from_file_location(f"comment_models_{name.lower()}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_field_comments_are_read_only_from_files_that_have_one(tmp_path: Any, monkeypatch: Any) -> None:
    """`#:` comments still become field descriptions; a file without one is never parsed for them."""
    import inspect

    import tortoise.models

    from core.compat.tortoise import read_field_comments_only_where_written

    read_field_comments_only_where_written()
    assert getattr(tortoise.models._get_comments, "only_where_written", False)
    described = load_model(tmp_path, monkeypatch, "Described", "    #: The headline\n")
    assert described._meta.fields_map["title"].description == "The headline"

    def no_source(obj: Any) -> str:
        raise AssertionError(f"the source of {obj!r} was read")

    monkeypatch.setattr(inspect, "getsource", no_source)
    plain = load_model(tmp_path, monkeypatch, "Plain", "")
    assert plain._meta.fields_map["title"].description is None
