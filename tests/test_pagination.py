"""`paginate` and `cursor_paginate`: links that keep the query, 400 for bad parameters, cursor walks."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise.queryset import QuerySet

from core.kernel import create_app
from core.pagination import cursor_for, cursor_paginate, page_response, paginate
from core.testing.queries import count_queries
from core.views import templates
from tests.support.api_models import Article, Writer

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def scored(request: Request) -> QuerySet[Article]:
    """Articles, filtered by `?score=` when given: the filter must survive in every link."""
    queryset = Article.all().order_by("id")
    if "score" in request.query_params:
        queryset = queryset.filter(score=int(request.query_params["score"]))
    return queryset


async def numbered(request: Request) -> JSONResponse:
    return page_response(await paginate(scored(request), request, per_page=5, max_per_page=8))


async def uncounted(request: Request) -> JSONResponse:
    return page_response(await paginate(Article.all().order_by("id"), request, per_page=5, count=False))


async def by_id(request: Request) -> JSONResponse:
    return page_response(await cursor_paginate(scored(request), request, per_page=5))


async def timeline(request: Request) -> JSONResponse:
    """Newest first, several articles sharing a timestamp: the id breaks the ties."""
    page = await cursor_paginate(Article.all(), request, key=("-published_at", "-id"), per_page=4)
    return page_response(page)


ROUTES = [
    Route("/articles", numbered),
    Route("/articles/uncounted", uncounted),
    Route("/articles/cursor", by_id),
    Route("/articles/timeline", timeline),
]


@pytest.fixture
async def web(db: str) -> AsyncIterator[httpx.AsyncClient]:
    from routes import routes

    app = create_app(routes=[*routes, *ROUTES])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


async def make_articles(count: int, *, score: int = 0, start: int = 0, same_time_every: int = 1) -> None:
    writer = await Writer.first() or await Writer.create(name="Ada")
    await Article.bulk_create([
        Article(title=f"Article {start + n}", score=score, writer=writer,
                published_at=START + dt.timedelta(minutes=(start + n) // same_time_every))
        for n in range(count)
    ])


def query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


async def test_numbered_pages_give_totals_and_links_that_keep_the_query(web: httpx.AsyncClient) -> None:
    await make_articles(12, score=1)
    await make_articles(3, score=2, start=12)
    body = (await web.get("/articles?score=1&page=2")).json()
    assert [row["title"] for row in body["data"]] == [f"Article {n}" for n in range(5, 10)]
    assert body["meta"] == {"page": 2, "per_page": 5, "total": 12, "pages": 3}
    links = body["links"]
    assert query(links["first"]) == {"score": ["1"], "page": ["1"]}
    assert query(links["prev"]) == {"score": ["1"], "page": ["1"]}
    assert query(links["next"]) == {"score": ["1"], "page": ["3"]}
    assert query(links["last"]) == {"score": ["1"], "page": ["3"]}
    last = (await web.get(links["last"])).json()
    assert len(last["data"]) == 2 and last["links"]["next"] is None
    first = (await web.get("/articles?score=1")).json()
    assert first["links"]["prev"] is None and first["meta"]["page"] == 1
    beyond = (await web.get("/articles?score=1&page=9")).json()
    assert beyond["data"] == [] and beyond["meta"]["pages"] == 3


async def test_per_page_comes_from_the_query_capped_at_the_maximum(web: httpx.AsyncClient) -> None:
    await make_articles(12)
    body = (await web.get("/articles?per_page=3&page=2")).json()
    assert len(body["data"]) == 3 and body["meta"]["pages"] == 4
    assert query(body["links"]["next"]) == {"per_page": ["3"], "page": ["3"]}
    capped = (await web.get("/articles?per_page=1000")).json()
    assert len(capped["data"]) == 8 and capped["meta"]["per_page"] == 8


@pytest.mark.parametrize("params", [
    "page=0", "page=-1", "page=abc", "page=1.5", "page=", "page=%E0%A5%A8", "page=99999999999999999999",
    "per_page=0", "per_page=x", "per_page=+5",
])
async def test_bad_page_parameters_are_a_400_with_a_message(web: httpx.AsyncClient, params: str) -> None:
    for path in ("/articles", "/articles/cursor"):
        if path.endswith("cursor") and params.startswith("page"):
            continue
        response = await web.get(f"{path}?{params}", headers={"Accept": "application/json"})
        assert response.status_code == 400, params
        assert "whole number from 1 up" in response.json()["error"]


async def test_the_count_can_be_skipped(web: httpx.AsyncClient) -> None:
    await make_articles(10)
    with count_queries() as queries:
        body = (await web.get("/articles/uncounted?page=2")).json()
    assert not queries.matching("COUNT(")
    assert len(body["data"]) == 5 and body["meta"]["total"] is None and body["links"]["last"] is None
    assert body["links"]["next"] is None  # exactly ten rows: no third page
    assert (await web.get("/articles/uncounted")).json()["links"]["next"]
    deepest = await web.get("/articles/uncounted?page=999999999999999")  # the largest page accepted
    assert deepest.status_code == 200 and deepest.json()["data"] == []


async def walk(
    web: httpx.AsyncClient, link: str, between_pages: Callable[[], Awaitable[None]] | None = None,
) -> list[str]:
    titles: list[str] = []
    next_link: str | None = link
    while next_link:
        body = (await web.get(next_link)).json()
        titles.extend(row["title"] for row in body["data"])
        next_link = body["links"]["next"]
        if between_pages is not None and next_link:
            await between_pages()
    return titles


async def test_a_cursor_walk_is_one_query_a_page_without_offset(web: httpx.AsyncClient) -> None:
    await make_articles(12, score=1)
    await make_articles(2, score=2, start=12)
    first = (await web.get("/articles/cursor?score=1")).json()
    assert first["meta"]["per_page"] == 5 and set(first["links"]) == {"first", "next"}
    assert query(first["links"]["next"])["score"] == ["1"]
    with count_queries() as queries:
        second = (await web.get(first["links"]["next"])).json()
    assert len(queries) == 1 and "OFFSET" not in queries.statements[0].upper()
    assert [row["title"] for row in second["data"]] == [f"Article {n}" for n in range(5, 10)]
    assert await walk(web, "/articles/cursor?score=1") == [f"Article {n}" for n in range(12)]


async def test_a_cursor_walk_is_stable_under_inserts(web: httpx.AsyncClient) -> None:
    """Newest first: rows published meanwhile neither repeat nor push out rows already due."""
    await make_articles(10)
    inserted = 100

    async def publish_one() -> None:
        nonlocal inserted
        await make_articles(1, start=inserted)  # newer than everything: lands before the cursor
        inserted += 1

    seen = await walk(web, "/articles/timeline", between_pages=publish_one)
    assert seen == [f"Article {n}" for n in range(9, -1, -1)]
    assert inserted == 102


async def test_a_tuple_key_breaks_ties_in_order(web: httpx.AsyncClient) -> None:
    await make_articles(11, same_time_every=3)  # timestamps shared by three articles each
    titles = await walk(web, "/articles/timeline")
    expected = [f"Article {n}" for n in sorted(range(11), key=lambda n: (n // 3, n), reverse=True)]
    assert titles == expected


def forged(cursor: str, payload: dict[str, object]) -> str:
    """The cursor's signature on a payload of the client's choosing."""
    signature = cursor.rsplit(".", 1)[1]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=") + "." + signature


async def test_cursor_for_resumes_a_walk_after_a_given_row(web: httpx.AsyncClient) -> None:
    await make_articles(6)
    fourth = await Article.get(title="Article 3")
    body = (await web.get("/articles/timeline", params={"cursor": cursor_for(fourth, ("-published_at", "-id"))})).json()
    assert [row["title"] for row in body["data"]] == ["Article 2", "Article 1", "Article 0"]
    ascending = cursor_for(fourth, ("published_at", "id"))  # the same columns in the other direction
    response = await web.get("/articles/timeline", params={"cursor": ascending}, headers={"Accept": "application/json"})
    assert response.status_code == 400


@pytest.mark.parametrize("tamper", [
    lambda cursor: cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"),
    lambda cursor: forged(cursor, {"key": ["id"], "after": [0]}),
    lambda cursor: "not-a-cursor",
    lambda cursor: "",
])
async def test_a_tampered_cursor_is_a_400(web: httpx.AsyncClient, tamper: object) -> None:
    await make_articles(8)
    cursor = (await web.get("/articles/cursor")).json()["meta"]["next_cursor"]
    response = await web.get("/articles/cursor", params={"cursor": tamper(cursor)},  # type: ignore[operator]
                             headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]


async def test_a_cursor_of_another_listing_is_a_400(web: httpx.AsyncClient) -> None:
    await make_articles(8)
    cursor = (await web.get("/articles/cursor")).json()["meta"]["next_cursor"]
    response = await web.get("/articles/timeline", params={"cursor": cursor}, headers={"Accept": "application/json"})
    assert response.status_code == 400


async def test_keys_that_cannot_order_a_walk_are_refused(db: str) -> None:
    request = Request({"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": []})
    for key, reason in [("score", "not unique"), ("writer", "not a column"), (("published_at",), "not unique")]:
        with pytest.raises(ValueError, match=reason):
            await cursor_paginate(Article.all(), request, key=key)


async def test_the_macro_links_the_neighbouring_pages(web: httpx.AsyncClient) -> None:
    await make_articles(12)
    scope = {"type": "http", "method": "GET", "path": "/articles", "query_string": b"q=a+b&page=2",
             "headers": [(b"host", b"testserver")], "scheme": "http", "server": ("testserver", 80)}
    page = await paginate(Article.all().order_by("id"), Request(scope), per_page=5)
    macro = templates().env.from_string('{% from "partials/pagination.html" import page_links %}{{ page_links(page) }}')
    html = macro.render(page=page)
    assert 'href="http://testserver/articles?q=a+b&amp;page=1" rel="prev"' in html
    assert 'href="http://testserver/articles?q=a+b&amp;page=3" rel="next"' in html
    assert "Page 2 of 3" in html and 'rel="last"' in html
    cursor_page = await cursor_paginate(Article.all(), Request(scope), per_page=5)
    cursor_html = macro.render(page=cursor_page)
    assert 'rel="next"' in cursor_html and 'rel="first"' in cursor_html and "aria-current" not in cursor_html
