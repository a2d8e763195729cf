"""schemathesis against the served site's own `/openapi.json`: the framework's auth and account
endpoints and the sample CRUD API of tests/support/openapi_site.py.

Every operation the document lists is sent schema-generated requests, valid and invalid ones
(schemathesis' positive and negative modes), from a logged-in visitor with a CSRF token, so the
guarded endpoints are reached. For each answer: never a 5xx, its status is one the document
lists for the operation, its content type and body match what the document says. The document
is read over HTTP from the running server, as a client generator would read it. Across the run,
every error status the framework documents (400, 401, 403, 404, 409, 422, 429) must be answered
at least once, so each error shape is checked against a real answer.

It runs on SQLite and PostgreSQL (the strictest about text); `MAX_EXAMPLES` per operation keeps
it to well under a minute per engine.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from core.database import DatabaseSettings, orm
from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.server import ROOT, database_environment, served_site

FUZZ_ENGINES = ("sqlite", "postgres")
MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
JSON = {"Accept": "application/json"}
SESSION_COOKIE = "nori_session"


def served_database(engine: str, tmp_path: Path) -> DatabaseSettings:
    db = engine_database(engine, "_openapi")
    if engine == "sqlite":
        db = db.with_name(str(tmp_path / "openapi.sqlite3"))

    async def create() -> None:
        from dataclasses import replace

        from tortoise import Tortoise

        from core.database import tortoise_config

        await recreate_database(db)
        async with orm(tortoise_config(replace(db, extra_apps={"testapp": ("tests.support.api_models",)}))):
            await Tortoise.generate_schemas()

    asyncio.run(create())
    return db


def logged_in_visitor(base: str) -> tuple[requests.Session, dict[str, str]]:
    """A new member's session and the headers its unsafe requests need (the CSRF token)."""
    visitor = requests.Session()
    token = TOKEN.search(visitor.get(base + "/register").text)
    assert token, "no CSRF field on /register"
    member = {"name": "Fuzz", "email": f"{uuid.uuid4().hex}@example.com", "password": "correct horse"}
    answer = visitor.post(base + "/register", json={**member, "password_confirmation": member["password"]},
                          headers={**JSON, "X-CSRF-Token": token.group(1)})
    assert answer.status_code == 201, answer.text
    token = TOKEN.search(visitor.get(base + "/account/password").text)
    assert token, "no CSRF field on /account/password"
    return visitor, {**JSON, "X-CSRF-Token": token.group(1)}


def fuzz(base: str, operation: Any) -> Counter[int]:
    """MAX_EXAMPLES requests to one operation, each answer checked; the statuses seen."""
    visitor, headers = logged_in_visitor(base)  # per operation: fuzzing /logout ends only its own member
    seen: Counter[int] = Counter()

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), garbled=st.booleans())
    def check(case: Any, garbled: bool) -> None:
        # schemathesis fills in the session cookie of a guarded operation (the document's security
        # scheme) with made-up values: half the cases keep one, the others send the member's.
        if SESSION_COOKIE in (case.cookies or {}) and not garbled:
            case.cookies[SESSION_COOKIE] = visitor.cookies[SESSION_COOKIE]
        session = requests.Session()  # a copy, so a garbled cookie's answer stays with its case
        session.cookies.update(visitor.cookies)
        response = case.call(base_url=base, session=session, headers=headers, timeout=30)
        seen[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    check()
    return seen


def test_every_operation_holds_to_its_description_under_fuzzing(nori_engine: str, tmp_path: Path) -> None:
    if nori_engine not in FUZZ_ENGINES:
        pytest.skip(f"the fuzz runs on {' and '.join(FUZZ_ENGINES)}")
    db = served_database(nori_engine, tmp_path)
    # DEBUG: the session cookie is not `Secure`, so it comes back over plain http.
    environment = {**database_environment(db), "DEBUG": "true", "SECRET_KEY": "s" * 48, "PYTHONPATH": str(ROOT),
                   "MAIL_URL": "memory://", "APP_URL": "http://127.0.0.1"}
    with served_site(environment, tmp_path, app="tests.support.openapi_site:app") as base:
        schema = schemathesis.openapi.from_url(base + "/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        labels = {operation.label for operation in operations}
        assert {"POST /register", "POST /login", "GET /account", "POST /api/writers", "DELETE /api/writers/{id}",
                "GET /api/writers/search"} <= labels
        statuses = {operation.label: fuzz(base, operation) for operation in operations}
    # Every error status the framework documents was answered somewhere, each matching its shape.
    seen = {status for counts in statuses.values() for status in counts}
    assert {400, 401, 403, 404, 409, 422, 429} <= seen, statuses
    # The fuzz reached past the guards: the logged-in visitor's writes got through somewhere.
    assert statuses["POST /api/writers"][201] > 0, statuses["POST /api/writers"]
    assert statuses["GET /account"][200] > 0, statuses["GET /account"]
