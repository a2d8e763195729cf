"""Resources: declared fields only, renames, nested relations in one query each, protected fields refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.kernel import create_app
from core.pagination import cursor_paginate, page_response
from core.resources import Resource, computed
from core.testing.queries import count_queries
from tests.support.api_models import Article, Label, Writer

PUBLISHED = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


class WriterResource(Resource):
    model = Writer
    fields = ("id", "name")


class LabelResource(Resource):
    model = Label
    fields = ("name",)


class ArticleResource(Resource):
    model = Article
    fields = ("id", "title", "published_at")
    renamed = {"title": "headline", "labels": "tags"}
    relations = {"writer": WriterResource, "labels": LabelResource}

    @computed
    def excerpt(article: Article) -> str:  # type: ignore[misc]
        return article.body[:5]


class WriterWithArticles(Resource):
    model = Writer
    fields = ("name",)
    relations = {"articles": ArticleResource}


async def articles(request: Request) -> JSONResponse:
    page = await cursor_paginate(Article.all(), request, per_page=20)
    return page_response(page, await ArticleResource.many(page.items))


@pytest.fixture
async def web(db: str) -> AsyncIterator[httpx.AsyncClient]:
    from routes import routes

    app = create_app(routes=[*routes, Route("/api/articles", articles)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


async def make_articles(count: int, writers: int = 5) -> None:
    people = [await Writer.create(name=f"Writer {n}", password_hash=f"secret-{n}") for n in range(writers)]
    tags = [await Label.create(name=name) for name in ("red", "blue", "green")]
    await Article.bulk_create([
        Article(title=f"Article {n}", body=f"Body of article {n}", published_at=PUBLISHED, writer=people[n % writers])
        for n in range(count)
    ])
    for number, article in enumerate(await Article.all().order_by("id")):
        await article.labels.add(tags[number % 3], tags[(number + 1) % 3])


async def test_a_resource_emits_its_declared_shape(db: str) -> None:
    await make_articles(1)
    article = await Article.get(title="Article 0")
    data = await ArticleResource.one(article)
    tags = data.pop("tags")
    assert data == {
        "id": article.id, "headline": "Article 0", "published_at": "2026-03-04T05:06:07+00:00",
        "writer": {"id": article.writer_id, "name": "Writer 0"}, "excerpt": "Body ",
    }
    assert sorted(tags, key=lambda tag: tag["name"]) == [{"name": "blue"}, {"name": "red"}]
    data["tags"] = tags
    assert set(data) == {"id", "headline", "published_at", "writer", "tags", "excerpt"}
    assert "body" not in data and "score" not in data  # columns it does not name stay out


async def test_protected_fields_are_never_emitted(db: str) -> None:
    await make_articles(3)
    with pytest.raises(TypeError, match="protected_fields"):
        class Leaky(Resource):
            model = Writer
            fields = ("id", "password_hash")
    nested = await WriterWithArticles.many(Writer.all())
    assert "secret-" not in json.dumps(nested) and "password_hash" not in json.dumps(nested)
    assert nested[0]["articles"][0]["writer"] == {"id": (await Writer.first()).id, "name": "Writer 0"}  # type: ignore[union-attr]


@pytest.mark.parametrize("declaration, reason", [
    ({"fields": ("id", "nope")}, "not a column"),
    ({"fields": ("writer",)}, "not a column"),
    ({"renamed": {"body": "text"}}, "does not emit"),
    ({"model": None}, "declares no model"),
])
def test_a_declaration_that_does_not_fit_the_model_fails_at_definition(declaration: dict, reason: str) -> None:
    with pytest.raises(TypeError, match=reason):
        type("Broken", (Resource,), {"model": Article, **declaration})


async def test_a_relation_the_model_lacks_fails_before_any_query(db: str) -> None:
    class Broken(Resource):
        model = Article
        fields = ("id",)
        relations = {"title": WriterResource}

    with count_queries() as queries, pytest.raises(TypeError, match="'title' is not a relation of Article"):
        await Broken.many(Article.all())
    assert len(queries) == 0


async def test_a_nested_list_of_fifty_costs_one_query_per_relation(web: httpx.AsyncClient) -> None:
    await make_articles(50)
    with count_queries() as queries:
        rows = await ArticleResource.many(Article.all())
    assert len(rows) == 50 and all(len(row["tags"]) == 2 and row["writer"]["name"] for row in rows)
    # The articles, their writers, then the labels: a many-to-many is two queries in Tortoise
    # (the link table, then the labels), still one prefetch and never one query per row.
    assert len(queries) == 4, queries.statements
    with count_queries() as queries:
        writers = await WriterWithArticles.many(Writer.all())
    assert sum(len(writer["articles"]) for writer in writers) == 50
    assert len(queries) == 5, queries.statements  # writers, articles, the articles' writers, labels (2)
    with count_queries() as queries:
        body = (await web.get("/api/articles?per_page=50")).json()
    assert len(body["data"]) == 50 and body["data"][0]["writer"]["name"] == "Writer 0"
    assert len(queries.matching("SELECT")) == 4, queries.statements  # the page's rows, then as above
