"""schemathesis against the served site's own `/openapi.json`: the framework's auth and account
endpoints and the sample CRUD API of tests/support/openapi_site.py.

Every operation the document lists is sent schema-generated requests, valid and invalid ones
(schemathesis' positive and negative modes), from a logged-in visitor with a CSRF token, so the
guarded endpoints are reached. For each answer: never a 5xx, its status is one the document
lists for the operation, its content type and body match what the document says. The document
is read over HTTP from the running server, as a client generator would read it.

Every status the document lists for an operation must be answered by that operation at least
once, and checked: a status it lists but never answers means the generator claims too much.
Random requests do not reach every one (a malformed body, a request without its CSRF token, a
link only a mail holds, a login waiting for its second factor, an API token with or without its
scope, a name already taken), so targeted cases, sent first and checked the same way, reach the
rest. A second server, with database sessions and a
rate-limit store that is down and fails closed, answers the 200s that need server-side
sessions and the 503s of the throttled routes; a third, whose database refuses connections,
the health probe's 503.

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
from pyotp import TOTP
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from core.compat.tortoise import forget_insert_statements
from core.database import DatabaseSettings, orm
from core.testing.databases import recreate_database
from core.testing.engines import engine_database
from tests.support.server import ROOT, database_environment, served_site
from tests.support.smtp import free_port, smtp_server

FUZZ_ENGINES = ("sqlite", "postgres")
MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
JSON = {"Accept": "application/json"}
SESSION_COOKIE = "nori_session"
PASSWORD = "correct horse"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOO_LARGE = 2**70  # for every engine's integer id column
Seen = dict[str, Counter[int]]


def site_config(db: DatabaseSettings) -> dict[str, Any]:
    """The served site's ORM configuration: the framework's and site's models, and the sample API's."""
    from dataclasses import replace

    from core.database import tortoise_config

    return tortoise_config(replace(db, extra_apps={"testapp": ("tests.support.api_models",)}))


def served_database(engine: str, tmp_path: Path) -> DatabaseSettings:
    db = engine_database(engine, "_openapi")
    if engine == "sqlite":
        db = db.with_name(str(tmp_path / "openapi.sqlite3"))

    async def create() -> None:
        from tortoise import Tortoise

        await recreate_database(db)
        async with orm(site_config(db)):
            await Tortoise.generate_schemas()

    asyncio.run(create())
    return db


def api_tokens(db: DatabaseSettings, email: str) -> tuple[str, str]:
    """Two personal tokens of a member whose role grants `labels.create`: one with that scope, one without."""

    async def create() -> tuple[str, str]:
        from core.acl import assign_role, grant
        from core.auth.tokens import create_personal_token
        from core.models import Role
        from models.user import User

        forget_insert_statements()  # compiled for the engine an earlier test ran on
        async with orm(site_config(db)):
            user = await User.get(email=email)
            await Role.create(name="labeller")
            await grant("labeller", "labels.create")
            await assign_role(user, "labeller")
            scoped = await create_personal_token(user, "labelling", ["labels.create"])
            return scoped.plain, (await create_personal_token(user, "reading")).plain

    return asyncio.run(create())


def visitor_session(base: str, page: str = "/register") -> tuple[requests.Session, dict[str, str]]:
    """A browser's session as `page` left it, and the headers its unsafe requests need (the CSRF token)."""
    visitor = requests.Session()
    token = TOKEN.search(visitor.get(base + page).text)
    assert token, f"no CSRF field on {page}"
    return visitor, {**JSON, "X-CSRF-Token": token.group(1)}


def logged_in_visitor(base: str, email: str | None = None) -> tuple[requests.Session, dict[str, str]]:
    """A new member's session and the headers its unsafe requests need (the CSRF token)."""
    visitor, headers = visitor_session(base)
    member = {"name": "Fuzz", "email": email or f"{uuid.uuid4().hex}@example.com", "password": PASSWORD}
    answer = visitor.post(base + "/register", json={**member, "password_confirmation": PASSWORD}, headers=headers)
    assert answer.status_code == 201, answer.text
    return visitor, visitor_session_token(base, visitor)


def visitor_session_token(base: str, visitor: requests.Session) -> dict[str, str]:
    """The headers for a session that logged in (the CSRF token is renewed at login)."""
    token = TOKEN.search(visitor.get(base + "/account/password").text)
    assert token, "no CSRF field on /account/password"
    return {**JSON, "X-CSRF-Token": token.group(1)}


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


class Sender:
    """Targeted requests to the served operations, each answer checked as the fuzz checks it."""

    def __init__(self, base: str, operations: dict[str, Any], seen: Seen, checks: list[Any] = CHECKS) -> None:
        self.base, self.operations, self.seen, self.checks = base, operations, seen, checks

    def send(self, label: str, visitor: requests.Session, headers: dict[str, str], *,
             path: dict[str, Any] | None = None, query: dict[str, Any] | None = None, body: Any = None,
             raw: bytes | None = None, expect: int | None = None) -> requests.Response:
        operation = self.operations[label]
        path = path or {}
        url = self.base + operation.path.format(**path)
        sent = {"json": body} if body is not None else {}
        if raw is not None:
            sent = {"data": raw}
            headers = {**headers, "Content-Type": "application/json"}
        response = visitor.request(operation.method.upper(), url, headers=headers, params=query, timeout=30, **sent)
        case = operation.Case(path_parameters=path, query=query, **({"body": body, "media_type": "application/json"}
                                                       if body is not None else {}))
        case.validate_response(response, checks=self.checks)
        documented = operation.definition.raw["responses"].get(str(response.status_code), {})
        if "Retry-After" in documented.get("headers", {}):  # every 429, and the 503s but the health probe's
            assert response.headers.get("Retry-After", "").isdigit(), (label, response.headers)
        if expect is not None:
            assert response.status_code == expect, (label, response.status_code, response.text)
        self.seen.setdefault(label, Counter())[response.status_code] += 1
        return response


def link_in(inbox: Any, address: str, prefix: str) -> str:
    """The token of the last link to `prefix` mailed to `address`."""
    for message in reversed(inbox.received):
        if address in message["To"]:
            found = re.search(re.escape(prefix) + r"([^\"\s<>]+)", message.get_body(("html", "plain")).get_content())
            if found:
                return found.group(1)
    raise AssertionError(f"no {prefix} link mailed to {address}")


def targeted(sender: Sender, inbox: Any, db: DatabaseSettings) -> None:
    """The statuses random requests do not reach: see the module docstring."""
    base, send = sender.base, sender.send
    email = f"{uuid.uuid4().hex}@example.com"
    member, headers = logged_in_visitor(base, email)
    scoped, unscoped = api_tokens(db, email)
    bearer = {**headers, "Authorization": f"Bearer {scoped}"}

    def credentials(operation: Any) -> dict[str, str]:
        """The member's headers, plus the scoped token for an operation that takes a bearer token."""
        return bearer if operation.definition.raw.get("security") == [{"bearer": []}] else headers

    anonymous, anonymous_headers = visitor_session(base)
    writer = send("POST /api/writers", member, headers, body={"name": "Ada"}, expect=201).json()
    paths = {"id": writer["id"], "session": "none", "token": "none"}
    for label, operation in sender.operations.items():
        names = {param.name for param in operation.path_parameters}
        path = {name: paths[name] for name in names}
        if operation.method.upper() in UNSAFE:  # the CSRF check: the member's cookie, no token
            send(label, member, JSON, path=path, expect=403)
        if operation.definition.raw.get("security"):  # a session with a CSRF token, nobody logged in
            send(label, anonymous, anonymous_headers, path=path, expect=401)
        if "requestBody" in operation.definition.raw and label != "POST /two-factor":  # that one: below
            send(label, member, credentials(operation), path=path, raw=b'{"name": ', expect=400)
        if "id" in names:
            send(label, member, headers, path={"id": TOO_LARGE}, body={"name": "Ada"}, expect=400)

    for label, operation in sender.operations.items():  # what a member reads without parameters
        plain = not any(param["required"] for param in operation.definition.raw.get("parameters", ()))
        if operation.method.upper() == "GET" and plain and label != "GET /two-factor":  # that one: below
            send(label, member, credentials(operation), expect=200)

    # The sample API: pages, a search, one writer, renamed and removed; a missing id is a 404.
    missing = {"id": 2**31 - 1}
    send("GET /api/writers", member, headers, query={"page": "0"}, expect=400)
    send("GET /api/articles", member, headers, query={"per_page": "many"}, expect=400)
    send("GET /api/writers/search", member, headers, query={"name": "A"}, expect=200)
    send("GET /api/writers/search", member, headers, query={"name": "A", "limit": "many"}, expect=422)
    send("POST /api/writers", member, headers, body={"name": "x" * 51}, expect=422)
    send("GET /api/writers/{id}", member, headers, path={"id": writer["id"]}, expect=200)
    send("PUT /api/writers/{id}", member, headers, path={"id": writer["id"]}, body={"name": ""}, expect=422)
    send("PUT /api/writers/{id}", member, headers, path={"id": writer["id"]}, body={"name": "Grace"}, expect=200)
    send("DELETE /api/writers/{id}", member, headers, path={"id": writer["id"]}, expect=204)
    for label in ("GET /api/writers/{id}", "PUT /api/writers/{id}", "DELETE /api/writers/{id}"):
        send(label, member, headers, path=missing, body={"name": "Ada"}, expect=404)

    # Labels (any token reads them, above): adding one takes the `labels.create` scope, and names are unique.
    send("POST /api/labels", member, {**headers, "Authorization": f"Bearer {unscoped}"}, body={"name": "red"},
         expect=403)
    send("POST /api/labels", member, bearer, body={"name": ""}, expect=422)
    send("POST /api/labels", member, bearer, body={"name": "red"}, expect=201)
    send("POST /api/labels", member, bearer, body={"name": "red"}, expect=409)

    # The member's account, with signed-cookie sessions: no other session to list or end.
    send("POST /account/sessions/logout-others", member, headers, expect=409)
    send("POST /account/sessions/{session}/logout", member, headers, path={"session": "none"}, expect=404)
    send("POST /account/password", member, headers, expect=422,
         body={"current_password": "wrong", "password": "battery staple", "password_confirmation": "battery staple"})
    for _ in range(5):
        send("POST /verify-email/resend", member, headers, expect=202)
    send("POST /verify-email/resend", member, headers, expect=429)  # 5 an hour
    send("GET /two-factor", anonymous, anonymous_headers, expect=401)  # no login waiting for a code
    send("GET /reset-password/{token}", anonymous, anonymous_headers, path={"token": "forged"}, expect=400)
    send("GET /verify-email/{token}", anonymous, anonymous_headers, path={"token": "forged"}, expect=400)
    send("POST /login", anonymous, anonymous_headers, body={"email": "", "password": PASSWORD}, expect=422)
    leaving, leaving_headers = logged_in_visitor(base)
    send("POST /logout", leaving, leaving_headers, expect=200)

    # A registration, its verification link, a password login and a password change.
    email = f"{uuid.uuid4().hex}@example.com"
    visitor, visitor_headers = visitor_session(base)
    account = {"name": "Ada", "email": email, "password": PASSWORD, "password_confirmation": PASSWORD}
    send("POST /register", visitor, visitor_headers, body=account, expect=201)
    send("POST /register", anonymous, anonymous_headers, body=account, expect=422)  # the address is taken
    changer, changer_headers = visitor, visitor_session_token(base, visitor)
    visitor, visitor_headers = visitor_session(base)
    send("POST /login", visitor, visitor_headers, body={"email": email, "password": PASSWORD}, expect=200)
    send("POST /account/password", changer, changer_headers, expect=200,
         body={"current_password": PASSWORD, "password": "battery staple", "password_confirmation": "battery staple"})
    token = link_in(inbox, email, "/verify-email/")
    send("GET /verify-email/{token}", anonymous, anonymous_headers, path={"token": token}, expect=200)

    # A reset link, from the mail.
    send("POST /forgot-password", anonymous, anonymous_headers, body={"email": "not an address"}, expect=422)
    send("POST /forgot-password", anonymous, anonymous_headers, body={"email": email}, expect=202)
    token = link_in(inbox, email, "/reset-password/")
    for _ in range(4):  # 5 an hour per address
        send("POST /forgot-password", anonymous, anonymous_headers, body={"email": email}, expect=202)
    send("POST /forgot-password", anonymous, anonymous_headers, body={"email": email}, expect=429)
    send("GET /reset-password/{token}", anonymous, anonymous_headers, path={"token": token}, expect=200)
    send("POST /reset-password/{token}", anonymous, anonymous_headers, path={"token": token}, expect=422,
         body={"password": "horse battery", "password_confirmation": "a different one"})
    send("POST /reset-password/{token}", anonymous, anonymous_headers, path={"token": token}, expect=200,
         body={"password": "horse battery", "password_confirmation": "horse battery"})

    # Two-factor: set up (a second `enable` conflicts), then a login that waits for its code.
    email = f"{uuid.uuid4().hex}@example.com"
    owner, owner_headers = logged_in_visitor(base, email)
    settings_path = "POST /account/two-factor"
    send(settings_path, owner, owner_headers, body={"action": "neither"}, expect=400)
    secret = send(settings_path, owner, owner_headers, body={"action": "enable"}, expect=200).json()["setup"]["secret"]
    send(settings_path, owner, owner_headers, body={"action": "confirm", "code": "not-a-code"}, expect=422)
    confirmed = send(settings_path, owner, owner_headers, body={"action": "confirm", "code": TOTP(secret).now()},
                     expect=200)
    recovery_code = confirmed.json()["recovery_codes"][0]  # the app's current code is used up (no replay)
    send(settings_path, owner, owner_headers, body={"action": "enable"}, expect=409)
    for _ in range(5):
        send(settings_path, owner, owner_headers, body={"action": "enable"}, expect=409)
    send(settings_path, owner, owner_headers, body={"action": "enable"}, expect=429)  # 10 changes in 10 minutes
    visitor, visitor_headers = visitor_session(base)
    answer = send("POST /login", visitor, visitor_headers, body={"email": email, "password": PASSWORD}, expect=200)
    assert answer.json()["two_factor_required"] is True
    send("GET /two-factor", visitor, visitor_headers, expect=200)
    send("POST /two-factor", visitor, visitor_headers, raw=b'{"code": ', expect=400)
    send("POST /two-factor", visitor, visitor_headers, body={"code": ""}, expect=422)
    send("POST /two-factor", visitor, visitor_headers, body={"code": "not a code"}, expect=401)
    send("POST /two-factor", visitor, visitor_headers, body={"code": recovery_code}, expect=200)
    visitor, visitor_headers = visitor_session(base)
    send("POST /login", visitor, visitor_headers, body={"email": email, "password": PASSWORD}, expect=200)
    send("POST /two-factor", visitor, visitor_headers, body={"code": "not a code"}, expect=401)
    send("POST /two-factor", visitor, visitor_headers, body={"code": "nor this"}, expect=429)  # 5 per user

    # Wrong passwords for one account, until the login throttle stops them.
    for _ in range(5):
        send("POST /login", visitor, visitor_headers, body={"email": email, "password": "wrong"}, expect=401)
    send("POST /login", visitor, visitor_headers, body={"email": email, "password": "wrong"}, expect=429)


def unavailable(sender: Sender) -> None:
    """Database sessions, and a rate-limit store that is down: the limits fail closed."""
    base, send = sender.base, sender.send
    member, headers = logged_in_visitor(base)
    visitor, visitor_headers = visitor_session(base)
    send("POST /login", visitor, visitor_headers, body={"email": "a@example.com", "password": PASSWORD}, expect=503)
    send("POST /forgot-password", visitor, visitor_headers, body={"email": "a@example.com"}, expect=503)
    send("POST /two-factor", visitor, visitor_headers, body={"code": "123456"}, expect=503)
    send("POST /account/two-factor", member, headers, body={"action": "enable"}, expect=503)
    send("POST /verify-email/resend", member, headers, expect=503)
    send("POST /account/sessions/logout-others", member, headers, expect=200)
    sessions = member.get(base + "/account/sessions", headers=JSON).json()["sessions"]
    current = next(session["id"] for session in sessions if session["current"])
    send("POST /account/sessions/{session}/logout", member, headers, path={"session": current}, expect=200)


def served_operations(base: str) -> dict[str, Any]:
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    return {operation.label: operation for operation in (result.ok() for result in schema.get_all_operations())}


def test_every_operation_answers_each_status_it_documents(nori_engine: str, tmp_path: Path) -> None:
    if nori_engine not in FUZZ_ENGINES:
        pytest.skip(f"the fuzz runs on {' and '.join(FUZZ_ENGINES)}")
    db = served_database(nori_engine, tmp_path)
    # DEBUG: the session cookie is not `Secure`, so it comes back over plain http.
    environment = {**database_environment(db), "DEBUG": "true", "SECRET_KEY": "s" * 48, "PYTHONPATH": str(ROOT),
                   "APP_URL": "http://127.0.0.1"}
    seen: Seen = {}
    for inbox, port in smtp_server():
        mail = {"MAIL_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "site@example.com"}
        with served_site({**environment, **mail}, tmp_path, app="tests.support.openapi_site:app") as base:
            operations = served_operations(base)
            assert {"POST /register", "POST /login", "GET /account", "POST /api/writers", "DELETE /api/writers/{id}",
                    "GET /api/writers/search"} <= set(operations)
            targeted(Sender(base, operations, seen), inbox, db)
            for label, operation in operations.items():
                seen.setdefault(label, Counter()).update(fuzz(base, operation))
    down = f"redis://127.0.0.1:{free_port()}/0"
    closed = {"SESSION_BACKEND": "database", "THROTTLE_URL": down, "THROTTLE_FAIL_OPEN": "false",
              "LOGIN_THROTTLE_REDIS_URL": down, "LOGIN_THROTTLE_FALLBACK": "closed", "MAIL_URL": "memory://"}
    with served_site({**environment, **closed}, tmp_path, app="tests.support.openapi_site:app") as base:
        # A documented 503 is the answer wanted here; everything else is checked as before.
        checks = [check for check in CHECKS if check is not not_a_server_error]
        unavailable(Sender(base, served_operations(base), seen, checks))
    # A database that refuses connections (a closed port): the health probe says so.
    refused = {"DB_ENGINE": "postgres", "DB_HOST": "127.0.0.1", "DB_PORT": str(free_port()), "DB_NAME": "nori"}
    with served_site({**environment, **refused, "MAIL_URL": "memory://"}, tmp_path,
                     app="tests.support.openapi_site:app") as base:
        Sender(base, operations, seen, checks).send("GET /health", requests.Session(), JSON, expect=503)
    missing = {label: sorted(set(map(int, operation.definition.raw["responses"])) - set(seen.get(label, ())))
               for label, operation in operations.items()}
    assert not {label: statuses for label, statuses in missing.items() if statuses}, seen
    # The fuzz reached past the guards: the logged-in visitor's writes got through somewhere.
    assert seen["POST /api/writers"][201] > 1, seen["POST /api/writers"]
    assert seen["GET /account"][200] > 0, seen["GET /account"]
