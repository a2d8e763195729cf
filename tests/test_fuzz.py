"""A bounded fuzz of every endpoint of the shipped site that takes a body.

The endpoints are read from the app's router, so a route added to `routes.py` is fuzzed without
touching this file; the field names are the ones the site's own forms use (plus made-up ones).
Each example is one request from a fresh visitor (sometimes a logged-in one), with or without a
valid CSRF token: nested JSON, invalid Unicode, NUL and control characters, huge and wrong-typed
values, wrong content types. Two things must hold for every one of them:

- the answer is below 500 (a 500 also surfaces here as the app's exception);
- a refused request (4xx, or a form sent back to its own page) wrote nothing: every table has
  the same number of rows after it as before.

It runs on SQLite (the default engine) and PostgreSQL (the strictest about text: it refuses NUL
and invalid UTF-8 that the others store). `max_examples` bounds the cost: a few seconds per engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.routing import Mount, Route

from core.auth.throttle import LoginThrottle, set_login_throttle
from core.database import table_names
from tests.support.web import csrf_token, register

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')
FUZZ_ENGINES = ("sqlite", "postgres")
MEMBER = {"email": "member@example.com", "password": "correct horse"}
BOUNDARY = "fuzzboundary7MA4YWxk"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str


def body_endpoints(routes: list[Any], prefix: str = "") -> list[Endpoint]:
    """Every (method, path) of the router that takes a body; path parameters are filled with 1."""
    found = []
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            found += body_endpoints(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            path = prefix + route.path_format.format(**{name: "1" for name in route.param_convertors})
            found += [Endpoint(method, path) for method in sorted(route.methods or ()) if method in UNSAFE]
    return found


def page_paths(routes: list[Any]) -> list[str]:
    return [route.path for route in routes if isinstance(route, Route) and not route.param_convertors
            and "GET" in (route.methods or ())]


# Values: text of every category (surrogates and controls included), the characters that have
# broken things before, lookalike addresses, huge strings, and every JSON type, nested.
SPECIAL = st.sampled_from([
    "\x00", "a\x00b", "\ud800", "x\udfff", "\u200b", "\u202e", "\x1b[31m", "\r\n\t", "\x7f", "\x85",
    "member@example.com", "\uff4d\uff45mber@example.com", "mem\u0430ber@example.com", "jose\u0301@example.com",
    "correct horse", "/account", "//evil.example", "' OR 1=1 --", "{{ 7*7 }}",
])
TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=30)
HUGE = st.integers(min_value=300, max_value=300_000).map(lambda size: "x" * size)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63, max_value=2**80),
    st.floats(), TEXT, SPECIAL, HUGE,
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6,
)
RAW_ESCAPES = st.sampled_from(["%", "%ZZ", "%ff", "%C3", "%ED%A0%80", "%00", "%C0%AE", "%F4%90%80%80"])
CONTENT_TYPES = st.sampled_from([
    "text/plain", "application/xml", "application/json; charset=utf-16", "application/vnd.api+json",
    "multipart/form-data", "application/x-www-form-urlencoded", "", "garbage/;;;=",
])


def field_names(known: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(known), TEXT)


def plausible(name: str, serial: int) -> str:
    """A value the form would accept, so a mutated body gets past the first checks."""
    if "email" in name:
        return f"fuzz{serial}@example.com"
    return "correct horse" if "password" in name else "Fuzz"


@st.composite
def near_valid(draw: st.DrawFn, known: list[str]) -> dict[str, Any]:
    """Every field of the site's forms filled in plausibly, then one or two of them made hostile."""
    serial = draw(st.integers(min_value=0, max_value=10**6))
    fields: dict[str, Any] = {name: plausible(name, serial) for name in known if name != "csrf_token"}
    for name in draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=2)):
        appended = SPECIAL.map(plausible(name, serial).__add__)  # a valid value with a NUL, a surrogate... at its end
        fields[name] = draw(st.one_of(SPECIAL, TEXT, HUGE, VALUES, appended))
    return fields


def as_json(fields: dict[str, Any]) -> bytes:
    """`ensure_ascii` writes a lone surrogate as the `\\ud800` escape, as an attacker would."""
    return json.dumps(fields, ensure_ascii=True, allow_nan=True).encode()


def as_form(pairs: list[tuple[str, str, str]]) -> bytes:
    """Urlencoded, with surrogates encoded as bytes no UTF-8 decoder accepts, and raw escapes."""
    def quoted(text: str) -> str:
        return quote_plus(text, errors="surrogatepass")

    return "&".join(f"{quoted(name)}={quoted(value)}{raw}" for name, value, raw in pairs).encode()


def as_multipart(parts: list[tuple[str, bytes]]) -> bytes:
    chunks = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{quote_plus(name)}"\r\n\r\n'.encode() + data + b"\r\n"
        for name, data in parts
    ]
    return b"".join(chunks) + f"--{BOUNDARY}--\r\n".encode()


@dataclass(frozen=True)
class Attack:
    endpoint: Endpoint
    content_type: str
    body: bytes
    token: str  # "valid", "missing" or "wrong"
    token_in_form: bool
    accept: str
    logged_in: bool


@st.composite
def attacks(draw: st.DrawFn, endpoints: list[Endpoint], known: list[str]) -> Attack:
    names = field_names(known)
    kind = draw(st.sampled_from(["json", "near-valid", "raw-json", "form", "near-valid-form", "multipart", "other"]))
    if kind == "json":
        body = as_json(draw(st.dictionaries(names, VALUES, max_size=6)))
        content_type = "application/json"
    elif kind == "near-valid":
        body = as_json(draw(near_valid(known)))
        content_type = "application/json"
    elif kind == "near-valid-form":
        texts = {name: value for name, value in draw(near_valid(known)).items() if isinstance(value, str)}
        body = as_form([(name, value, "") for name, value in texts.items()])
        content_type = "application/x-www-form-urlencoded"
    elif kind == "raw-json":
        depth = draw(st.integers(min_value=1, max_value=3000))
        inner = draw(st.sampled_from([b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth,
                                      b'"\\ud800"', b'"\xed\xa0\x80"', b'"\xff"', b"NaN", b"1e999", b"{oops"]))
        body = b'{"' + draw(st.sampled_from(known)).encode() + b'": ' + inner + b"}"
        body = draw(st.sampled_from([body, inner]))
        content_type = "application/json"
    elif kind == "form":
        pairs = draw(st.lists(st.tuples(names, st.one_of(TEXT, SPECIAL, HUGE), st.one_of(st.just(""), RAW_ESCAPES)),
                              max_size=6))
        body = as_form(pairs)
        content_type = "application/x-www-form-urlencoded"
    elif kind == "multipart":
        parts = draw(st.lists(st.tuples(st.sampled_from(known), st.binary(max_size=40)), max_size=5))
        body = as_multipart(parts)
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body = draw(st.binary(max_size=200))
        content_type = draw(CONTENT_TYPES)
    return Attack(
        endpoint=draw(st.sampled_from(endpoints)),
        content_type=content_type,
        body=body,
        token=draw(st.sampled_from(["valid", "valid", "valid", "missing", "wrong"])),
        token_in_form=content_type == "application/x-www-form-urlencoded" and draw(st.booleans()),
        accept=draw(st.sampled_from(["application/json", "text/html", "*/*"])),
        logged_in=draw(st.booleans()),
    )


async def row_counts() -> dict[str, int]:
    """Rows per table but the audit log: an audit row records an attempt (a reset asked for, which
    answers like a refusal so as not to tell whether the address exists), not a change of data."""
    from tortoise import connections

    connection = connections.get("default")
    counts = {}
    for table in table_names():
        if table == "audit_logs":
            continue
        _, rows = await connection.execute_query(f'SELECT COUNT(*) AS n FROM "{table}"')
        counts[table] = rows[0]["n"]
    return counts


async def send(app: Any, attack: Attack) -> httpx.Response:
    """The attack from a fresh visitor; a logged-in one logs in first, as a browser would."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as visitor:
        token = await csrf_token(visitor)
        if attack.logged_in:
            await visitor.post("/login", data={**MEMBER, "csrf_token": token})
            token = await csrf_token(visitor, "/account")
        sent = {"valid": token, "wrong": token[::-1], "missing": None}[attack.token]
        headers = {"Accept": attack.accept}
        if attack.content_type:
            headers["Content-Type"] = attack.content_type
        body = attack.body
        if sent is not None and attack.token_in_form:
            body += f"&csrf_token={sent}".encode()
        elif sent is not None:
            headers["X-CSRF-Token"] = sent
        return await visitor.request(attack.endpoint.method, attack.endpoint.path, content=body, headers=headers)


def refused(attack: Attack, response: httpx.Response) -> bool:
    """4xx, or a form sent back to the page it came from (a validation error or a failed login)."""
    if response.status_code >= 400:
        return True
    location = response.headers.get("location")
    return response.status_code == 303 and location is not None and urlsplit(location).path == attack.endpoint.path


@pytest.fixture
async def site(app: Any, db: str) -> AsyncIterator[tuple[Any, list[Endpoint], list[str]]]:
    """The app, its body endpoints and the field names of its forms, with one member to log in as."""
    if db not in FUZZ_ENGINES:
        pytest.skip(f"the fuzz runs on {' and '.join(FUZZ_ENGINES)}")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as visitor:
        known = {name for path in page_paths(app.routes) for name in FIELD.findall((await visitor.get(path)).text)}
        assert (await register(visitor, email=MEMBER["email"], password=MEMBER["password"])).status_code == 303
    endpoints = body_endpoints(app.routes)
    assert {"/register", "/login", "/logout"} <= {e.path for e in endpoints}
    assert {"email", "password", "csrf_token"} <= known
    set_login_throttle(LoginThrottle(max_attempts=10**6, max_ip_attempts=10**6))
    yield app, endpoints, sorted(known)
    set_login_throttle(None)


@pytest.fixture
def strategy(site: tuple[Any, list[Endpoint], list[str]]) -> st.SearchStrategy[Attack]:
    _, endpoints, known = site
    return attacks(endpoints, known)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_no_input_makes_a_500_or_writes_on_refusal(site: tuple[Any, list[Endpoint], list[str]],
                                                         strategy: st.SearchStrategy[Attack], data: st.DataObject
                                                         ) -> None:
    app = site[0]
    attack = data.draw(strategy)
    before = await row_counts()
    response = await send(app, attack)
    event(f"{attack.endpoint.path} {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code < 500, (attack, response.text[:500])
    if refused(attack, response):
        assert await row_counts() == before, (attack, response.status_code, response.text[:300])
