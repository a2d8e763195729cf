"""Full-text search on every engine: one corpus, the same top results, and the migration path.

The ranking cases are ones the three engines' scoring functions agree on (ts_rank, bm25, MySQL's
MATCH score): a title hit outranks a body hit, every word is required, each word is a prefix.
Words are three letters or more and no stopword, which MySQL's InnoDB index would skip.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request
from tortoise import connections, fields

from core.pagination import paginate
from core.search import create_indexes
from core.search.sql import words
from tests.support.search_models import Document
from tests.support.site_copy import make_site_copy

CORPUS = [
    ("Gardening basics", "Planting tomatoes in spring soil"),
    ("Tomato sauce recipe", "Simmer crushed garlic slowly"),
    ("Kitchen notes", "Tomatoes grown outdoors taste sweeter"),
    ("Database indexing", "Postgres vacuum and btree pages"),
    ("Spring cleaning", "Dusting shelves and windows"),
    ("Mountain hiking", "Boots, maps and water"),
    ("Ocean sailing", "Knots, wind and tides"),
    ("Violin practice", "Scales every morning"),
    ("Chess openings", "Sicilian defence lines"),
    ("Bread baking", "Sourdough starter care"),
]


@pytest.fixture
async def corpus(db: str) -> dict[str, Any]:
    """The corpus, in the table the test plugin built with its search index (`create_indexes`)."""
    made = {}
    for title, body in CORPUS:
        made[title.split()[0].lower()] = await Document.create(title=title, body=body)
    return made


def titles(rows: list[Any]) -> list[str]:
    return [row.title for row in rows]


async def test_a_title_hit_outranks_a_body_hit(corpus: dict[str, Any]) -> None:
    assert titles(await Document.search("spring")) == ["Spring cleaning", "Gardening basics"]
    found = await Document.search("tomato")
    assert titles(found)[0] == "Tomato sauce recipe"
    assert set(titles(found)) == {"Tomato sauce recipe", "Gardening basics", "Kitchen notes"}
    ranks = [row.search_rank for row in found]
    assert ranks == sorted(ranks, reverse=True) and ranks[-1] > 0


async def test_every_word_is_required_and_each_is_a_prefix(corpus: dict[str, Any]) -> None:
    assert titles(await Document.search("spring tomato")) == ["Gardening basics"]
    assert titles(await Document.search("TOMATOES Grown")) == ["Kitchen notes"]
    assert titles(await Document.search("sourd")) == ["Bread baking"]
    assert await Document.search("spring violin") == []
    assert await Document.search("tomato").count() == 3


async def test_soft_deleted_rows_are_left_out(corpus: dict[str, Any]) -> None:
    await corpus["tomato"].delete()
    assert set(titles(await Document.search("tomato"))) == {"Gardening basics", "Kitchen notes"}
    assert await Document.search("tomato").count() == 2
    await corpus["tomato"].restore()
    assert titles(await Document.search("tomato"))[0] == "Tomato sauce recipe"


async def test_updates_and_deletes_reach_the_index(corpus: dict[str, Any]) -> None:
    chess = corpus["chess"]
    chess.title = "Tomato chess"
    await chess.save()
    assert "Tomato chess" in titles(await Document.search("tomato"))
    assert await Document.search("openings") == []
    await Document.filter(pk=corpus["violin"].pk).update(body="Tomatoes on the music stand")
    assert "Violin practice" in titles(await Document.search("tomatoes"))
    await corpus["tomato"].force_delete()
    await Document.all_objects.filter(pk=corpus["kitchen"].pk).force_delete()
    assert "Tomato sauce recipe" not in titles(await Document.search("tomato"))
    assert "Kitchen notes" not in titles(await Document.search("tomato"))
    late = await Document.create(title="Tomato festival", body="Crowds")
    assert titles(await Document.search("festival")) == [late.title]


@pytest.mark.parametrize("terms", [
    'tomato"', 'tomato" OR "ocean', "+tomato -(", "'tomato':* | !x", "NEAR(tomato sauce)", "title:tomato",
    "tomato*", "tomato^", '"', "\\", "tomato); DROP TABLE test_documents; --", "@tomato ~<>",
])
async def test_query_syntax_in_terms_is_only_words(corpus: dict[str, Any], terms: str) -> None:
    found = await Document.search(terms)
    expected = await Document.search(" ".join(words(terms)))
    assert titles(found) == titles(expected)
    assert await Document.search("tomato").count() == 3  # the table is still there


async def test_create_indexes_builds_only_what_is_missing(corpus: dict[str, Any]) -> None:
    assert await create_indexes() == []
    assert titles(await Document.search("ocean")) == ["Ocean sailing"]


async def test_terms_without_words_match_nothing(corpus: dict[str, Any]) -> None:
    for terms in ("", "   ", "!!! ***", '""'):
        assert await Document.search(terms) == []
        assert await Document.search(terms).count() == 0


async def test_results_page_with_paginate(corpus: dict[str, Any]) -> None:
    request = Request({"type": "http", "method": "GET", "path": "/articles", "query_string": b"q=tomato&per_page=2",
                       "headers": [(b"host", b"testserver")], "scheme": "http", "server": ("testserver", 80)})
    page = await paginate(Document.search("tomato"), request)
    assert page.total == 3 and page.pages == 2 and len(page.items) == 2
    assert page.items[0].title == "Tomato sauce recipe"
    assert page.links["next"] is not None and "q=tomato" in page.links["next"]
    second = await Document.search("tomato").offset(2).limit(2)
    assert len(second) == 1 and second[0].pk not in {row.pk for row in page.items}


MODEL = '''from tortoise import fields
from tortoise.models import Model

from core.search import Searchable


class Note(Searchable, Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)
    body = fields.TextField()

    class Search:
        fields = {"title": "A"}

    class Meta:
        table = "notes"
'''


async def search_objects(site: Any, engine: str) -> set[str]:
    """The search objects the engine's catalogue reports for the `notes` table."""
    from core.database import orm, tortoise_config

    queries = {
        "sqlite": "SELECT name FROM sqlite_master WHERE name LIKE 'notes_search%'",
        "postgres": "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'notes' "
                    "AND data_type = 'tsvector' UNION SELECT indexname FROM pg_indexes WHERE tablename = 'notes' "
                    "AND indexdef LIKE '%gin%'",
        "mysql": "SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_name = 'notes' "
                 "AND index_type = 'FULLTEXT' AND table_schema = DATABASE()",
    }
    async with orm(tortoise_config(site.database)):
        rows = await connections.get("default").execute_query_dict(queries[engine])
    return {next(iter(row.values())) for row in rows}


async def test_migrations_build_change_and_remove_the_index(nori_engine: str, tmp_path: Any) -> None:
    site = await make_site_copy(nori_engine, tmp_path)
    site.write_model("note", MODEL)
    site.wire_model("note", "Note")
    site.run("migrate:init")
    initial = next((site.root / "migrations" / "models").glob("0_*.py")).read_text()
    assert "USING fts5" in initial and "FULLTEXT INDEX `notes_search`" in initial and "tsvector" in initial
    built = {"sqlite": {"notes_search", "notes_search_insert", "notes_search_delete", "notes_search_update"},
             "postgres": {"search_vector", "notes_search_idx"}, "mysql": {"notes_search"}}[nori_engine]
    assert built <= await search_objects(site, nori_engine)
    assert "No changes detected" in site.run("migrate:make", "--check").stdout

    (site.models_dir / "note.py").write_text(MODEL.replace('{"title": "A"}', '{"title": "A", "body": "B"}'))
    assert site.run("migrate:make", "--check", expect=1).returncode == 1
    assert "Created migrations/models/1_" in site.run("migrate:make", "search body").stdout
    site.run("migrate:upgrade")
    after = await search_objects(site, nori_engine)
    if nori_engine == "mysql":
        assert after == {"notes_search", "notes_search_title", "notes_search_body"}
    else:
        assert built <= after
    assert "No changes detected" in site.run("migrate:make", "--check").stdout

    site.run("migrate:downgrade", "--steps", "1", "--yes")
    assert built <= await search_objects(site, nori_engine)
    site.run("migrate:upgrade")

    # a column change: a table rebuild on SQLite, a type change PostgreSQL's generated column refuses
    widened = MODEL.replace('{"title": "A"}', '{"title": "A", "body": "B"}').replace("max_length=100", "max_length=150")
    (site.models_dir / "note.py").write_text(widened)
    site.run("migrate:make", "wider title")
    site.run("migrate:upgrade")
    assert built <= await search_objects(site, nori_engine)
    assert "No changes detected" in site.run("migrate:make", "--check").stdout
    site.run("migrate:downgrade", "--steps", "1", "--yes")
    assert built <= await search_objects(site, nori_engine)
    site.run("migrate:upgrade")

    plain = widened.replace("Searchable, Model", "Model").replace(
        '    class Search:\n        fields = {"title": "A", "body": "B"}\n\n', "")
    (site.models_dir / "note.py").write_text(plain)
    site.run("migrate:make", "no search")
    site.run("migrate:upgrade")
    assert await search_objects(site, nori_engine) == set()
    assert "No changes detected" in site.run("migrate:make", "--check").stdout
    site.run("migrate:downgrade", "--steps", "1", "--yes")
    assert built <= await search_objects(site, nori_engine)


def bad_declarations() -> list[tuple[str, type[Any]]]:
    from tortoise.models import Model

    from core.search import Searchable

    class NoFields(Searchable, Model):
        id = fields.IntField(primary_key=True)

    class Unknown(Searchable, Model):
        id = fields.IntField(primary_key=True)

        class Search:
            fields = {"headline": "A"}

    class NotText(Searchable, Model):
        id = fields.IntField(primary_key=True)
        views = fields.IntField()

        class Search:
            fields = {"views": "A"}

    class BadWeight(Searchable, Model):
        id = fields.IntField(primary_key=True)
        title = fields.CharField(max_length=20)

        class Search:
            fields = {"title": "E"}

    class TextKey(Searchable, Model):
        id = fields.CharField(max_length=20, primary_key=True)
        title = fields.CharField(max_length=20)

        class Search:
            fields = {"title": "A"}

    return [("declares no fields", NoFields), ("'headline', which is not a CharField", Unknown),
            ("'views', which is not a CharField", NotText), ("use one of A, B, C, D", BadWeight),
            ("primary key is not an integer", TextKey)]


@pytest.mark.parametrize("case", range(5))
async def test_a_wrong_declaration_fails_when_the_orm_starts(case: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    from tortoise.context import TortoiseContext
    from tortoise.exceptions import ConfigurationError

    message, model = bad_declarations()[case]
    module = types.ModuleType("tests.search_config_models")
    setattr(module, model.__name__, model)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(ConfigurationError, match=message):
        async with TortoiseContext() as ctx:
            await ctx.init(db_url="sqlite://:memory:", modules={"shop": [module.__name__]})
