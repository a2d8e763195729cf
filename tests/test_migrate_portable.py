"""One set of migration files for every engine, and every model shape through them.

A project evolves the same way on each engine (initial models through `migrate:init`, then three
`migrate:make` steps) with real `nori.py` processes. Then each engine's files are applied to a
new database of each *other* engine, and the schema that engine's catalogue reports must equal
the one its own files built, at the last step and after each downgrade. The shapes covered:
self-referencing foreign keys (trees), foreign keys between two new models of one migration,
many-to-many, one-to-one, soft deletes, indexes and unique-together, a field renamed, a column
changed (on SQLite, a table rebuild), a tree added to an existing model, a model removed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.database import orm, tortoise_config
from core.testing.databases import recreate_database
from core.testing.engines import engine_database, engine_plans
from tests.support.catalogue import Schema, differences, read_schema
from tests.support.site_copy import SiteCopy, copy_project

HEADER = "from tortoise import fields\nfrom tortoise.models import Model\n\n"

STAGE_1 = {  # through migrate:init
    "author": ("Author", HEADER + '''
class Author(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    email = fields.CharField(max_length=100, default="")

    class Meta:
        table = "authors"
'''),
    "profile": ("Profile", HEADER + '''
class Profile(Model):
    id = fields.IntField(primary_key=True)
    author = fields.OneToOneField("models.Author", related_name="profile", on_delete=fields.CASCADE)
    bio = fields.TextField(null=True)

    class Meta:
        table = "profiles"
'''),
    "post": ("Post", HEADER + '''
class Post(Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.Author", related_name="posts", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=100)
    slug = fields.CharField(max_length=100, db_index=True)
    tags = fields.ManyToManyField("models.Tag", related_name="posts", through="post_tags")

    class Meta:
        table = "posts"
        unique_together = (("author", "slug"),)
'''),
    "tag": ("Tag", HEADER + '''
class Tag(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=30, unique=True)

    class Meta:
        table = "tags"
'''),
    "category": ("Category", HEADER + '''from core.mixins.tree import NoriTreeMixin


class Category(NoriTreeMixin, Model):
    id = fields.IntField(primary_key=True)
    parent = fields.ForeignKeyField("models.Category", related_name="children_rel", null=True, default=None)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "categories"
'''),
    "note": ("Note", HEADER + '''from core.mixins.soft_deletes import NoriSoftDeletes


class Note(NoriSoftDeletes):
    id = fields.IntField(primary_key=True)
    body = fields.TextField()

    class Meta:
        table = "notes"
'''),
}

STAGE_2 = {  # new models through migrate:make: two with a key between them, a tree, soft deletes, m2m, o2o
    "shelf": ("Shelf", HEADER + '''
class Shelf(Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=40)

    class Meta:
        table = "shelves"
'''),
    "book": ("Book", HEADER + '''from core.mixins.soft_deletes import NoriSoftDeletes


class Book(NoriSoftDeletes):
    id = fields.IntField(primary_key=True)
    shelf = fields.ForeignKeyField("models.Shelf", related_name="books", on_delete=fields.RESTRICT)
    cover = fields.OneToOneField("models.Cover", related_name="book", null=True, on_delete=fields.SET_NULL)
    title = fields.CharField(max_length=80)
    tags = fields.ManyToManyField("models.Tag", related_name="books", through="book_tags")

    class Meta:
        table = "books"
'''),
    "cover": ("Cover", HEADER + '''
class Cover(Model):
    id = fields.IntField(primary_key=True)
    colour = fields.CharField(max_length=20)

    class Meta:
        table = "covers"
'''),
    "folder": ("Folder", HEADER + '''from core.mixins.tree import NoriTreeMixin


class Folder(NoriTreeMixin, Model):
    id = fields.IntField(primary_key=True)
    parent = fields.ForeignKeyField("models.Folder", related_name="children_rel", null=True, default=None)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "folders"
'''),
}


def stage_3(files: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """A field renamed, a column widened and made nullable, an index and a unique-together added,
    and a tree (a self-referencing key) added to a model that had none."""
    changed = dict(files)
    post_name, post = files["post"]
    changed["post"] = (post_name, post.replace("title = fields", "headline = fields"))
    author_name, author = files["author"]
    changed["author"] = (author_name, author.replace(
        "name = fields.CharField(max_length=50)", "name = fields.CharField(max_length=120, null=True)"
    ).replace('email = fields.CharField(max_length=100, default="")',
              'email = fields.CharField(max_length=100, default="", db_index=True)'))
    book_name, book = files["book"]
    changed["book"] = (book_name, book.replace('table = "books"', 'table = "books"\n        '
                                               'unique_together = (("shelf", "title"),)'))
    tag_name, tag = files["tag"]
    changed["tag"] = (tag_name, tag.replace("class Tag(Model):", "from core.mixins.tree import NoriTreeMixin\n\n\n"
                                            "class Tag(NoriTreeMixin, Model):").replace(
        "name = fields", 'parent = fields.ForeignKeyField("models.Tag", related_name="children_rel", '
        "null=True, default=None)\n    name = fields"))
    return changed


def engines() -> list[str]:
    return [plan.engine for plan in engine_plans() if plan.reachable or plan.required]  # required: fail, never skip


def write_models(site: SiteCopy, models: dict[str, tuple[str, str]]) -> None:
    init = site.models_dir / "__init__.py"
    original = init.read_text().split("# -- test models --")[0]
    lines = ["# -- test models --"]
    for module, (name, source) in models.items():
        site.write_model(module, source)
        lines += [f"from models.{module} import {name}", f"register_model({name!r}, {name})"]
    for stale in set(path.stem for path in site.models_dir.glob("*.py")) - set(models) - {"__init__", "user"}:
        (site.models_dir / f"{stale}.py").unlink()
    init.write_text(original + "\n".join(lines) + "\n")


async def schema_of(site: SiteCopy) -> Schema:
    from tortoise import connections

    async with orm(tortoise_config(site.database)):
        return await read_schema(connections.get("default"))


async def evolve(engine: str, tmp_path: Path) -> tuple[SiteCopy, list[Schema]]:
    """Run the project's history on `engine`; the schema after each step."""
    db = engine_database(engine, "_port_" + engine[:2])
    if engine == "sqlite":
        db = db.with_name(str(tmp_path / f"evolve-{engine}.sqlite3"))
    await recreate_database(db)
    site = copy_project(tmp_path / f"evolve-{engine}", db)
    stages = [STAGE_1, {**STAGE_1, **STAGE_2}]
    stages.append(stage_3(stages[1]))
    stages.append({key: value for key, value in stages[2].items() if key != "note"})
    schemas = []
    for number, models in enumerate(stages):
        write_models(site, models)
        if number == 0:
            site.run("migrate:init")
        else:
            assert f"Created migrations/models/{number}_" in site.run("migrate:make", f"stage {number + 1}").stdout
            site.run("migrate:upgrade")
        schemas.append(await schema_of(site))
    assert "No changes detected" in site.run("migrate:make", "nothing").stdout
    return site, schemas


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[SiteCopy, list[Schema]]]:
    import asyncio

    tmp = tmp_path_factory.mktemp("portable")
    return {engine: asyncio.run(evolve(engine, tmp)) for engine in engines()}


def pairs() -> list[tuple[str, str]]:
    return [(made, applied) for made in engines() for applied in engines() if made != applied]


def test_every_engine_reaches_the_shapes(histories: dict[str, tuple[SiteCopy, list[Schema]]]) -> None:
    for engine, (_, schemas) in histories.items():
        final = schemas[-1]
        assert ("parent_id", "tags", "id", "CASCADE") in final["tags"].foreign_keys, engine
        assert ("parent_id", "folders", "id", "CASCADE") in final["folders"].foreign_keys, engine
        assert ("shelf_id", "shelves", "id", "RESTRICT") in final["books"].foreign_keys, engine
        assert {"headline", "slug"} <= set(final["posts"].columns) and "title" not in final["posts"].columns
        assert final["authors"].columns["name"][1] is True, engine  # nullable now
        assert (("shelf_id", "title"), True) in final["books"].indexes, engine
        assert {"post_tags", "book_tags", "profiles", "covers"} <= set(final), engine
        assert "notes" in schemas[-2] and "notes" not in final, engine


@pytest.mark.parametrize(("made_on", "applied_on"), pairs())
async def test_files_made_on_one_engine_build_the_same_schema_on_another(
    histories: dict[str, tuple[SiteCopy, list[Schema]]], made_on: str, applied_on: str, tmp_path: Path,
) -> None:
    origin, _ = histories[made_on]
    _, expected = histories[applied_on]
    db = engine_database(applied_on, "_port_x")
    if applied_on == "sqlite":
        db = db.with_name(str(tmp_path / "applied.sqlite3"))
    await recreate_database(db)
    site = copy_project(tmp_path, db)
    shutil.rmtree(site.root / "migrations")
    shutil.copytree(origin.root / "migrations", site.root / "migrations")
    shutil.rmtree(site.models_dir)
    shutil.copytree(origin.models_dir, site.models_dir)

    removal = next((site.root / "migrations" / "models").glob("3_*.py"))
    held_back = removal.rename(tmp_path / removal.name)
    site.run("migrate:upgrade")
    assert differences(await schema_of(site), expected[2]) == []
    for stage in (1, 0):
        site.run("migrate:downgrade", "--steps", "1", "--yes")
        assert differences(await schema_of(site), expected[stage]) == []
    site.run("migrate:downgrade", "--steps", "2", "--yes")
    assert await schema_of(site) == {}

    held_back.rename(removal)
    site.run("migrate:upgrade")
    assert differences(await schema_of(site), expected[3]) == []
    assert "No changes detected" in site.run("migrate:make", "nothing").stdout
    refused = site.run("migrate:downgrade", "--steps", "1", "--yes", expect=1)
    assert "removes the model Note" in refused.stderr
    assert differences(await schema_of(site), expected[3]) == []


CYCLE = {
    "left": ("Left", HEADER + '''
class Left(Model):
    id = fields.IntField(primary_key=True)
    right = fields.ForeignKeyField("models.Right", related_name="lefts")

    class Meta:
        table = "lefts"
'''),
    "right": ("Right", HEADER + '''
class Right(Model):
    id = fields.IntField(primary_key=True)
    left = fields.ForeignKeyField("models.Left", related_name="rights")

    class Meta:
        table = "rights"
'''),
}


async def test_init_is_all_or_nothing(nori_engine: str, tmp_path: Path) -> None:
    from tests.support.site_copy import make_site_copy

    site = await make_site_copy(nori_engine, tmp_path)
    write_models(site, CYCLE)
    failed = site.run("migrate:init", expect=1)
    assert "reference each other in a cycle" in failed.stderr and "Traceback" not in failed.stderr
    assert "Reverted framework/" in failed.stdout and "Removed migrations/framework/" in failed.stdout
    assert site.migration_files("framework") == [] and site.migration_files("models") == []
    assert await site.tables() <= {"aerich"}

    write_models(site, {"left": CYCLE["left"], "right": (CYCLE["right"][0], CYCLE["right"][1].replace(
        'left = fields.ForeignKeyField("models.Left", related_name="rights")', "name = fields.TextField()"))})
    out = site.run("migrate:init").stdout
    assert "already initialised" not in out and {"lefts", "rights", "roles", "users"} <= await site.tables()


async def test_a_tree_model_migrates_as_the_generator_writes_it(nori_engine: str, tmp_path: Path) -> None:
    from tests.support.site_copy import make_site_copy

    site = await make_site_copy(nori_engine, tmp_path)
    site.run("make:model", "Category", "--tree")
    site.run("migrate:init")
    assert ("parent_id", "categories", "id", "CASCADE") in (await schema_of(site))["categories"].foreign_keys
    site.run("make:model", "Place")
    place = site.models_dir / "place.py"
    place.write_text(place.read_text().replace("class Place(NoriModelMixin, Model):", (
        "from core.mixins.tree import NoriTreeMixin\n\n\nclass Place(NoriModelMixin, NoriTreeMixin, Model):"
    )).replace("    created_at", '    parent = fields.ForeignKeyField("models.Place", related_name="children_rel", '
               "null=True, default=None)\n    created_at", 1))
    site.run("migrate:make", "places")
    site.run("migrate:upgrade")
    assert ("parent_id", "places", "id", "CASCADE") in (await schema_of(site))["places"].foreign_keys
    site.run("migrate:downgrade", "--steps", "1", "--yes")
    assert "places" not in await schema_of(site)
