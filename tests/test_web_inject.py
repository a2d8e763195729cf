"""`@inject`: path, query, form and JSON values converted to the annotated types, or a 422."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.auth.decorators import login_required
from core.http.inject import inject
from core.kernel import create_app
from tests.support.web import csrf_token


class ItemController:
    """Annotations are strings here (`from __future__ import annotations`), and `Mood` is
    defined further down the module: both must resolve at call time."""

    @inject
    async def show(self, request: Request, item_id: int, verbose: bool = False, tags: list[str] | None = None,
                   ratio: float = 1.0, mood: Mood | None = None) -> JSONResponse:
        return JSONResponse({"id": item_id, "verbose": verbose, "tags": tags, "ratio": ratio,
                             "mood": mood.value if mood else None, "path": request.url.path})

    @inject
    async def update(self, item_id: int, price: Decimal, when: dt.date, ref: uuid.UUID | None = None,
                     active: bool = True, note: str = "") -> JSONResponse:
        return JSONResponse({"id": item_id, "price": str(price), "when": when.isoformat(),
                             "ref": str(ref) if ref else None, "active": active, "note": note})

    @login_required
    @inject
    async def mine(self, request: Request, page: int = 1) -> JSONResponse:
        return JSONResponse({"page": page})


import enum  # noqa: E402  (deliberately after the controller: annotations resolve lazily)


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


@inject
async def search(q: str, limit: int = 10) -> JSONResponse:
    return JSONResponse({"q": q, "limit": limit})


items = ItemController()
ROUTES = [
    Route("/items/{item_id:int}", items.show, name="items.show"),
    Route("/raw/{item_id}", items.show, name="raw.show"),
    Route("/items/{item_id:int}", items.update, methods=["POST"], name="items.update"),
    Route("/mine", items.mine, name="mine"),
    Route("/search", search, name="search"),
]


@pytest.fixture
async def web(db: str) -> httpx.AsyncClient:
    from routes import routes

    app = create_app(routes=[*routes, *ROUTES])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


async def test_path_and_query_values_are_converted(web: httpx.AsyncClient) -> None:
    response = await web.get("/items/7?verbose=yes&tags=a&tags=b&ratio=0.5&mood=sad")
    assert response.json() == {"id": 7, "verbose": True, "tags": ["a", "b"], "ratio": 0.5, "mood": "sad",
                               "path": "/items/7"}
    assert (await web.get("/raw/12")).json()["id"] == 12
    assert (await web.get("/items/7")).json()["verbose"] is False


@pytest.mark.parametrize(("word", "expected"), [("false", False), ("0", False), ("no", False), ("off", False),
                                                ("true", True), ("1", True), ("yes", True), ("ON", True)])
async def test_boolean_words(web: httpx.AsyncClient, word: str, expected: bool) -> None:
    assert (await web.get(f"/items/1?verbose={word}")).json()["verbose"] is expected


@pytest.mark.parametrize(("query", "field", "reason"), [
    ("verbose=maybe", "verbose", "must be true or false"),
    ("ratio=nan", "ratio", "finite number"),
    ("ratio=abc", "ratio", "finite number"),
    ("mood=angry", "mood", "must be one of happy, sad"),
])
async def test_bad_values_give_422_with_field_and_reason(web: httpx.AsyncClient, query: str, field: str,
                                                         reason: str) -> None:
    response = await web.get(f"/items/1?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert reason in response.json()["errors"][field][0]
    page = await web.get(f"/items/1?{query}")
    assert page.status_code == 422 and reason in page.text


async def test_path_value_that_does_not_convert_is_422_not_500(web: httpx.AsyncClient) -> None:
    response = await web.get("/raw/abc", headers={"Accept": "application/json"})
    assert response.status_code == 422 and "must be an integer" in response.json()["errors"]["item_id"][0]


async def test_missing_required_parameter(web: httpx.AsyncClient) -> None:
    response = await web.get("/search", headers={"Accept": "application/json"})
    assert response.status_code == 422 and response.json() == {"errors": {"q": ["is required"]}}
    assert (await web.get("/search?q=nori&limit=3")).json() == {"q": "nori", "limit": 3}


async def test_form_and_json_bodies(web: httpx.AsyncClient) -> None:
    token = await csrf_token(web)
    form = await web.post("/items/3", data={"csrf_token": token, "price": "9.90", "when": "2024-05-01",
                                            "active": "false", "note": "hi"})
    assert form.json() == {"id": 3, "price": "9.90", "when": "2024-05-01", "ref": None, "active": False,
                           "note": "hi"}
    ref = str(uuid.uuid4())
    body = {"price": 12, "when": "2024-05-02", "ref": ref, "active": 0}
    sent = await web.post("/items/4", json=body, headers={"X-CSRF-Token": token})
    assert sent.json() == {"id": 4, "price": "12", "when": "2024-05-02", "ref": ref, "active": False, "note": ""}
    bad = await web.post("/items/4", json={"price": "lots", "when": "yesterday", "ref": "x"},
                         headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"price", "when", "ref"}
    broken = await web.post("/items/4", content=b"{not json", headers={
        "X-CSRF-Token": token, "Content-Type": "application/json", "Accept": "application/json"})
    assert broken.status_code == 400
    array = await web.post("/items/4", json=[1, 2], headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert array.status_code == 422


async def test_inject_composes_with_login_required(web: httpx.AsyncClient) -> None:
    assert (await web.get("/mine?page=2", headers={"Accept": "application/json"})).status_code == 401
