"""Hostile bodies and text: deep JSON, invalid Unicode and control characters are 4xx, never 500.

Each case was a 500 on at least one engine (RecursionError in the JSON parser, a lone surrogate
reaching argon2, the SQL driver or the session cookie, a NUL reaching PostgreSQL).
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.http.bodies import MAX_JSON_DEPTH, nests_deeper
from core.http.inject import inject
from core.kernel import create_app
from core.validation import ValidationError, validate
from core.validation.rules import RULES, Context, Fail
from core.validation.text import text_problem
from models.user import User
from tests.support.web import csrf_token, register

JSON = {"Accept": "application/json"}
ACCOUNT = {"name": "Ada", "email": "ada@example.com", "password": "correct horse",
           "password_confirmation": "correct horse"}


def nested(depth: int) -> bytes:
    """An object whose `email` is `depth` levels of arrays deep, in the issue's 2 KB form."""
    return b'{"email": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b', "password": "x"}'


@inject
async def search(q: str) -> JSONResponse:
    return JSONResponse({"q": q})


async def post_raw(client: httpx.AsyncClient, path: str, body: bytes, content_type: str) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(path, content=body, headers={**JSON, "X-CSRF-Token": token,
                                                          "Content-Type": content_type})


@pytest.mark.parametrize("path", ["/login", "/register"])
async def test_deeply_nested_json_is_400_with_a_message(client: httpx.AsyncClient, path: str) -> None:
    for depth in (1100, MAX_JSON_DEPTH + 1):
        response = await post_raw(client, path, nested(depth), "application/json")
        assert response.status_code == 400, (depth, response.text)
        assert "nested" in response.json()["error"] or "depth" in response.json()["error"]
    within = await post_raw(client, path, nested(MAX_JSON_DEPTH), "application/json")
    assert within.status_code == 422  # read, then refused by validation: `email` is not text
    assert await User.all().count() == 0


def test_nesting_is_measured_on_the_text_ignoring_brackets_inside_strings() -> None:
    assert not nests_deeper(b"1", 1)
    assert not nests_deeper(b'{"a": [1, {"b": []}]}', 4)
    assert nests_deeper(b'{"a": [1, {"b": []}]}', 3)
    assert not nests_deeper(b'{"a": "[[[[{{{{", "b": "\\"[[[\\\\", "c": []}', 2)
    assert nests_deeper(b"[" * 100_000 + b"]" * 100_000, MAX_JSON_DEPTH)


@pytest.mark.parametrize("body", [
    b'{"email": "ada@example.com", "password": "\\ud800"}',  # an escaped lone surrogate
    b'{"email": "\\udfff@example.com", "password": "correct horse"}',
    b'{"email": "ada@example.com", "password": "\xed\xa0\x80"}',  # a surrogate encoded as UTF-8
    b'{"email": "ada@example.com", "password": "\xff"}',  # not UTF-8 at all
])
@pytest.mark.parametrize("path", ["/login", "/register"])
async def test_json_that_is_not_unicode_is_400(client: httpx.AsyncClient, path: str, body: bytes) -> None:
    response = await post_raw(client, path, body, "application/json")
    assert response.status_code == 400, response.text
    assert "not valid JSON" in response.json()["error"]


@pytest.mark.parametrize("body", [
    b"email=ada%40example.com&password=%ED%A0%80",  # a surrogate, percent-encoded
    b"email=ada%40example.com&password=abc%FF",
    b"email=%C3&password=x",  # a UTF-8 sequence cut short
])
@pytest.mark.parametrize("path", ["/login", "/register"])
async def test_form_fields_that_are_not_utf8_are_400(client: httpx.AsyncClient, path: str, body: bytes) -> None:
    token = await csrf_token(client)
    response = await client.post(path, content=body + f"&csrf_token={token}".encode(), headers={
        **JSON, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400, response.text
    assert "not valid UTF-8" in response.json()["error"]


async def test_a_rejected_form_with_odd_text_still_sets_a_session_cookie(client: httpx.AsyncClient) -> None:
    """The old input goes back in the cookie: it must hold only text the cookie can encode."""
    token = await csrf_token(client, "/register")
    response = await client.post("/register", data={"csrf_token": token, "name": "Ada\x00", "email": "bad"})
    assert response.status_code == 303
    page = await client.get("/register")
    assert "must not contain control characters (found U+0000)" in page.text
    assert "Ada\x00" not in page.text  # not echoed back into the form


async def keep_the_input(request: Request) -> JSONResponse:
    """A controller that reads JSON itself, past `request_body`'s checks."""
    await validate(await request.json(), {"name": "required|string"})
    return JSONResponse({"ok": True})


async def test_a_lone_surrogate_that_reaches_validation_does_not_break_the_session_cookie(db: str) -> None:
    from routes import routes

    app = create_app(routes=[*routes, Route("/raw", keep_the_input, methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as web:
        token = await csrf_token(web)
        response = await web.post("/raw", content=b'{"name": "\\ud800", "note": "\\udfff"}', headers={
            "Content-Type": "application/json", "X-CSRF-Token": token, "Accept": "text/html"})
        assert response.status_code == 303  # the form path: errors flashed into the cookie
        page = await web.get("/login")
    assert page.status_code == 200


@pytest.mark.parametrize("field", ["name", "email", "password"])
async def test_nul_and_control_characters_are_422_on_every_engine(client: httpx.AsyncClient, field: str) -> None:
    token = await csrf_token(client, "/register")
    for char in ("\x00", "\x1b", "\x7f", "\x9b"):
        data = {**ACCOUNT, field: ACCOUNT[field][:3] + char + ACCOUNT[field][3:]}
        if field == "password":
            data["password_confirmation"] = data["password"]
        response = await client.post("/register", data={**data, "csrf_token": token}, headers=JSON)
        assert response.status_code == 422, response.text
        assert f"(found U+{ord(char):04X})" in response.json()["errors"][field][0]
    login = await client.post("/login", data={"csrf_token": token, "email": "ada\x00@example.com",
                                              "password": "x"}, headers=JSON)
    assert login.status_code == 422 and "control characters" in login.json()["errors"]["email"][0]
    assert await User.all().count() == 0


async def test_tabs_and_newlines_are_text() -> None:
    bio = "Line one\r\n\tindented\nline three"
    assert await validate({"bio": bio}, {"bio": "required|string"}) == {"bio": bio}


async def test_every_validated_field_refuses_controls_and_surrogates_even_inside_lists() -> None:
    with pytest.raises(ValidationError) as caught:
        await validate({"tags": ["ok", "b\x00d"], "note": "\ud800", "count": 3},
                       {"tags": "required", "note": "required", "count": "integer"})
    assert caught.value.errors == {
        "tags": ["The tags field must not contain control characters (found U+0000)."],
        "note": ["The note field is not valid Unicode text (it has a lone surrogate)."],
    }


@pytest.mark.parametrize("address", ["a\x00b@example.com", "ab\x7f@example.com", "a\x9fb@example.com"])
def test_the_email_rule_refuses_control_characters_in_the_local_part(address: str) -> None:
    context = Context(field="email", data={}, numeric=False)
    with pytest.raises(Fail, match="valid email address"):
        RULES["email"].check(address, (), context)  # type: ignore[misc]


async def test_inject_refuses_control_characters_in_text_parameters(db: str) -> None:
    app = create_app(routes=[Route("/search", search)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as web:
        assert (await web.get("/search?q=a%09b")).json() == {"q": "a\tb"}
        refused = await web.get("/search?q=a%00b", headers=JSON)
    assert refused.status_code == 422
    assert refused.json()["errors"]["q"] == ["must not contain control characters (found U+0000)"]


async def test_a_registration_that_passes_is_unaffected(client: httpx.AsyncClient) -> None:
    assert (await register(client, name="Ada\tLovelace")).status_code == 303
    assert (await User.get(email="ada@example.com")).name == "Ada\tLovelace"


def refused_by_the_policy(char: str) -> bool:
    """docs/validation.md's list: C0 controls but tab, LF and CR; DEL; the C1 controls; surrogates."""
    code = ord(char)
    return (code < 0x20 and char not in "\t\n\r") or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


# Text of every kind, weighted towards the characters near the policy's edges.
EDGES = st.sampled_from(["\t", "\n", "\r", "\x00", "\x1f", " ", "~", "\x7f", "\x9f", "\xa0", "\u2028", "\ud7ff",
                         "\ud800", "\udfff", "\ue000", "\U0001f600"])
TEXT = st.lists(st.one_of(EDGES, st.characters()), max_size=40).map("".join)


@given(TEXT)
def test_text_is_refused_exactly_when_it_holds_a_character_the_policy_names(text: str) -> None:
    assert (text_problem(text) is not None) == any(refused_by_the_policy(char) for char in text)
