"""NoriTreeMixin set-up: a clear error at ORM init for a bad model, and the model's own connection."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from tortoise import fields
from tortoise.context import TortoiseContext
from tortoise.exceptions import ConfigurationError
from tortoise.models import Model

from core.database import connection_config
from core.mixins.tree import NoriTreeMixin
from core.testing.databases import create_database, drop_database
from core.testing.engines import engine_database
from core.testing.queries import count_queries

MODULE = "tests.tree_config_models"


def module_of(**classes: type[Any]) -> types.ModuleType:
    module = types.ModuleType(MODULE)
    for name, cls in classes.items():
        setattr(module, name, cls)
    return module


async def init_with(module: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, MODULE, module)
    async with TortoiseContext() as ctx:
        await ctx.init(db_url="sqlite://:memory:", modules={"shop": [MODULE]})


def bad_models() -> list[tuple[str, types.ModuleType]]:
    class NoParent(NoriTreeMixin):
        name = fields.CharField(max_length=20)

    class Other(Model):
        id = fields.IntField(primary_key=True)

    class WrongTarget(NoriTreeMixin):
        parent = fields.ForeignKeyField("shop.Other", related_name="wrong", null=True)

    class NotNull(NoriTreeMixin):
        parent = fields.ForeignKeyField("shop.NotNull", related_name="kids")

    class PlainColumn(NoriTreeMixin):
        parent = fields.IntField(null=True)

    class HasDepth(NoriTreeMixin):
        depth = fields.IntField(default=0)
        parent = fields.ForeignKeyField("shop.HasDepth", related_name="kids", null=True)

    return [
        ("NoParent uses NoriTreeMixin but has no field named 'parent'", module_of(NoParent=NoParent)),
        ("WrongTarget.parent points to Other", module_of(WrongTarget=WrongTarget, Other=Other)),
        ("NotNull.parent must be null=True", module_of(NotNull=NotNull)),
        ("PlainColumn.parent must be a ForeignKeyField", module_of(PlainColumn=PlainColumn)),
        ("HasDepth has field(s) depth", module_of(HasDepth=HasDepth)),
    ]


@pytest.mark.parametrize("case", range(5))
async def test_a_bad_tree_model_fails_at_orm_init_naming_it(case: int, monkeypatch: pytest.MonkeyPatch) -> None:
    message, module = bad_models()[case]
    with pytest.raises(ConfigurationError) as caught:
        await init_with(module, monkeypatch)
    assert message in str(caught.value)


async def test_tree_queries_run_on_the_models_own_connection(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tree model's app lives on connection `trees`; `default` has no such table at all."""

    class Branch(NoriTreeMixin):
        id = fields.IntField(primary_key=True)
        name = fields.CharField(max_length=20)
        parent = fields.ForeignKeyField("trees.Branch", related_name="kids", null=True)

        class Meta:
            table = "test_branches"

    monkeypatch.setitem(sys.modules, MODULE, module_of(Branch=Branch))
    elsewhere = engine_database(db, "_trees")
    default = engine_database("sqlite", "_trees_default")
    await drop_database(elsewhere)
    await create_database(elsewhere)
    try:
        config = {
            "connections": {"default": connection_config(default), "trees": connection_config(elsewhere)},
            "apps": {"trees": {"models": [MODULE], "default_connection": "trees"}},
        }
        async with TortoiseContext() as ctx:
            await ctx.init(config=config)
            await ctx.generate_schemas()
            top = await Branch.create(name="top")
            mid = await Branch.create(name="mid", parent=top)
            leaf = await Branch.create(name="leaf", parent=mid)
            with count_queries() as queries:
                assert [b.name for b in await leaf.ancestors()] == ["mid", "top"]
                assert [b.name for b in await top.descendants()] == ["mid", "leaf"]
                assert [b.name for b in (await Branch.tree())[0].tree_children] == ["mid"]
            assert len(queries) == 3
            await leaf.move_to(top.id)
            assert [b.name for b in await top.children()] == ["mid", "leaf"]
    finally:
        await drop_database(elsewhere)
        await drop_database(default)
