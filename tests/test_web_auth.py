"""Accounts: register, login, logout, the protected page, passwords and login throttling."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from passlib.hash import bcrypt, pbkdf2_sha256

import settings
from core.auth.decorators import safe_next
from core.auth.passwords import hash_password, verify_password
from core.auth.throttle import LoginThrottle, login_throttle, normalise_identifier, set_login_throttle
from core.conf import Env, SettingError
from core.testing.redis import free_port
from models.user import User
from tests.support.web import csrf_token, register

JSON = {"Accept": "application/json"}


REDIS_URL = os.environ.get("NORI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def limits() -> dict[str, int]:
    return {"max_attempts": settings.LOGIN_MAX_ATTEMPTS, "max_ip_attempts": settings.LOGIN_IP_MAX_ATTEMPTS,
            "window_seconds": settings.LOGIN_LOCKOUT_SECONDS}


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """Each test starts with no failures counted (in-process store)."""
    set_login_throttle(LoginThrottle(**limits()))
    yield
    set_login_throttle(None)


async def redis_throttle(**overrides: int) -> LoginThrottle:
    """A Redis throttle under this test run's own key prefix; skips (or fails in CI) without Redis."""
    from core.testing.redis import require_redis

    prefix = f"{os.environ.get('NORI_TEST_DB_NAME', 'nori_test')}:login"
    store = LoginThrottle(require_redis(), prefix=prefix, **{**limits(), **overrides})
    await store.reset()
    return store


@pytest.fixture(params=["memory", "redis"])
async def throttle(request: pytest.FixtureRequest) -> AsyncIterator[LoginThrottle]:
    """The site's throttle on each store; Redis is used for real (NORI_TEST_REDIS=required in CI)."""
    store = LoginThrottle(**limits()) if request.param == "memory" else await redis_throttle()
    set_login_throttle(store)
    yield store
    await store.reset()


async def json_login(client: httpx.AsyncClient, token: str, email: str, password: str) -> httpx.Response:
    return await client.post("/login", json={"email": email, "password": password},
                             headers={**JSON, "X-CSRF-Token": token})


async def test_register_login_logout_and_account_pages(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    created = await register(client, email="  Ada@Example.COM ", password="correct horse")
    assert created.status_code == 303 and created.headers["location"] == "/account"
    account = await client.get("/account")
    assert account.status_code == 200 and "ada@example.com" in account.text
    assert "Welcome, Ada: your account is ready." in account.text
    assert "your account is ready" not in (await client.get("/account")).text  # flash shown once

    user = await User.get(email="ada@example.com")
    assert user.password_hash.startswith("$argon2id$") and "correct horse" not in user.password_hash
    assert "password_hash" not in user.to_dict() and "correct horse" not in str(user.to_dict())
    assert "correct horse" not in caplog.text

    token = await csrf_token(client, "/account")
    out = await client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303
    home = await client.get("/")
    assert "You have been logged out." in home.text
    assert (await client.get("/account")).status_code == 303

    token = await csrf_token(client)
    failed = await client.post("/login", data={"csrf_token": token, "email": "ada@example.com", "password": "wrong"})
    assert failed.status_code == 303
    page = await client.get(failed.headers["location"])
    assert "These credentials do not match our records." in page.text
    assert 'value="ada@example.com"' in page.text and "wrong" not in page.text  # old email, never the password

    token = await csrf_token(client)
    ok = await client.post(
        "/login", data={"csrf_token": token, "email": "ADA@example.com ", "password": "correct horse"}
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/account"
    assert "Welcome back, Ada." in (await client.get("/account")).text


async def test_register_errors_re_render_with_old_input(client: httpx.AsyncClient) -> None:
    await register(client, email="taken@example.com")
    await client.post("/logout", data={"csrf_token": await csrf_token(client, "/account")})
    token = await csrf_token(client, "/register")
    response = await client.post("/register", data={
        "csrf_token": token, "name": "Bob", "email": "taken@example.com", "password": "short",
        "password_confirmation": "other",
    }, headers={"Referer": "http://testserver/register"})
    assert response.status_code == 303 and response.headers["location"] == "/register"
    page = await client.get("/register")
    assert "The email has already been taken." in page.text
    assert "The password field must be at least 8 characters." in page.text
    assert 'value="Bob"' in page.text and "short" not in page.text
    api = await client.post("/register", json={"name": "", "email": "bad"}, headers={**JSON, "X-CSRF-Token": token})
    assert api.status_code == 422
    assert set(api.json()["errors"]) == {"name", "email", "password"}


async def test_session_is_rotated_at_login_and_cleared_at_logout(client: httpx.AsyncClient) -> None:
    await register(client)
    await client.post("/logout", data={"csrf_token": await csrf_token(client, "/account")})
    anonymous_token = await csrf_token(client)
    anonymous_cookie = client.cookies[settings.SESSION_COOKIE]
    response = await json_login(client, anonymous_token, "ada@example.com", "correct horse")
    assert response.status_code == 200
    assert client.cookies[settings.SESSION_COOKIE] != anonymous_cookie
    # the token minted before login is worth nothing after it
    stale = await client.post("/logout", headers={**JSON, "X-CSRF-Token": anonymous_token})
    assert stale.status_code == 403
    token = await csrf_token(client, "/account")
    assert token != anonymous_token
    logged_out = await client.post("/logout", headers={**JSON, "X-CSRF-Token": token})
    assert logged_out.status_code == 200
    assert "_auth_user_id" not in str(logged_out.headers.get("set-cookie"))
    assert (await client.get("/account", headers=JSON)).status_code == 401


async def test_login_required_redirects_pages_with_a_local_next_and_answers_401_to_json(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/account?tab=1")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/account%3Ftab%3D1"
    api = await client.get("/account", headers=JSON)
    assert api.status_code == 401 and api.json()["error"] == "Authentication required"
    assert api.headers["www-authenticate"] == "Session"
    await register(client)
    token = await csrf_token(client, "/account")
    await client.post("/logout", data={"csrf_token": token})
    token = await csrf_token(client)
    back = await client.post("/login", data={"csrf_token": token, "email": "ada@example.com",
                                             "password": "correct horse", "next": "/account?tab=1"})
    assert back.headers["location"] == "/account?tab=1"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)",
    "evil", "", None,
])
def test_next_only_allows_local_paths(target: str | None) -> None:
    assert safe_next(target, "/home") == "/home"
    assert safe_next("/account?x=1") == "/account?x=1"


async def test_old_hashes_verify_and_are_upgraded_at_next_login(client: httpx.AsyncClient, factory) -> None:
    for old_hash in (bcrypt.hash("old secret"), pbkdf2_sha256.hash("old secret")):
        await User.all().delete()
        await factory("User", email="old@example.com", password_hash=old_hash)
        token = await csrf_token(client)
        assert (await json_login(client, token, "old@example.com", "nope")).status_code == 401
        assert (await User.get(email="old@example.com")).password_hash == old_hash
        token = await csrf_token(client)
        assert (await json_login(client, token, "old@example.com", "old secret")).status_code == 200
        upgraded = (await User.get(email="old@example.com")).password_hash
        assert upgraded.startswith("$argon2id$")
        assert (await verify_password("old secret", upgraded)) == (True, None)
        await client.post("/logout", headers={**JSON, "X-CSRF-Token": await csrf_token(client, "/account")})


async def test_unknown_hash_formats_are_a_mismatch_not_an_error() -> None:
    assert await verify_password("x", "") == (False, None)
    assert await verify_password("x", "not-a-hash") == (False, None)


async def test_hashing_runs_off_the_event_loop() -> None:
    ticks = 0
    task = asyncio.create_task(hash_password("a long password to hash"))
    started = time.perf_counter()
    while not task.done():
        await asyncio.sleep(0.001)
        ticks += 1
    elapsed = time.perf_counter() - started
    assert (await task).startswith("$argon2id$")
    # the loop kept turning all through the hash: roughly one tick per millisecond of hashing
    assert ticks >= 5 and ticks >= elapsed * 1000 * 0.3


async def test_the_site_keeps_answering_while_passwords_are_verified(client: httpx.AsyncClient) -> None:
    await register(client)
    token = await csrf_token(client, "/account")
    await client.post("/logout", data={"csrf_token": token})
    token = await csrf_token(client)
    login = asyncio.create_task(json_login(client, token, "ada@example.com", "correct horse"))
    health_answers = 0
    while not login.done():
        assert (await client.get("/health")).status_code == 200
        health_answers += 1
    assert (await login).status_code == 200 and health_answers >= 2


def test_identifiers_are_normalised() -> None:
    assert normalise_identifier("  Ada@Example.COM \t") == normalise_identifier("ada@example.com")
    assert normalise_identifier("a da@x.io") == "ada@x.io"


async def test_the_window_closes_after_its_seconds(throttle: LoginThrottle) -> None:
    throttle.max_attempts, throttle.window_seconds = 2, 1
    assert await throttle.attempt("a@x.io", "1.1.1.1") is None and await throttle.attempt("A@x.io ", "1.1.1.1") is None
    assert await throttle.attempt("a@x.io", "2.2.2.2") == 1  # the account is locked, from any address
    await asyncio.sleep(1.1)
    assert await throttle.attempt("a@x.io", "1.1.1.1") is None


async def test_throttle_gives_429_with_retry_after_per_identifier(
    client: httpx.AsyncClient, throttle: LoginThrottle
) -> None:
    await register(client)
    await client.post("/logout", data={"csrf_token": await csrf_token(client, "/account")})
    token = await csrf_token(client)
    for attempt in range(settings.LOGIN_MAX_ATTEMPTS):
        email = "ADA@example.com" if attempt % 2 else " ada@EXAMPLE.com"
        assert (await json_login(client, token, email, "wrong")).status_code == 401
    blocked = await json_login(client, token, "ada@example.com", "correct horse")
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= settings.LOGIN_LOCKOUT_SECONDS
    page = await client.post("/login", data={"csrf_token": token, "email": "ada@example.com", "password": "x"})
    assert page.status_code == 429 and "Too many failed login attempts" in page.text


async def test_success_clears_the_account_counter(
    client: httpx.AsyncClient, throttle: LoginThrottle
) -> None:
    await register(client)
    for _ in range(3):
        await client.post("/logout", headers={**JSON, "X-CSRF-Token": await csrf_token(client, "/account")})
        token = await csrf_token(client)
        for _ in range(settings.LOGIN_MAX_ATTEMPTS - 1):
            assert (await json_login(client, token, "ada@example.com", "wrong")).status_code == 401
        assert (await json_login(client, token, "ada@example.com", "correct horse")).status_code == 200


async def test_throttle_per_client_ip_across_accounts(
    client: httpx.AsyncClient, throttle: LoginThrottle
) -> None:
    token = await csrf_token(client)
    statuses = [(await json_login(client, token, f"user{i}@example.com", "x")).status_code
                for i in range(settings.LOGIN_IP_MAX_ATTEMPTS + 1)]
    assert statuses[:-1] == [401] * settings.LOGIN_IP_MAX_ATTEMPTS and statuses[-1] == 429


async def test_throttle_sees_each_client_behind_a_dual_stack_proxy(
    app: Any, throttle: LoginThrottle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proxy's address arrives IPv4-mapped and it appends its own X-Forwarded-For line after the
    client's forged one: the attacker is limited as one address, and a neighbour is not locked out."""
    import ipaddress

    monkeypatch.setattr(settings, "TRUSTED_PROXIES", [ipaddress.ip_network("10.0.0.0/8")])
    transport = httpx.ASGITransport(app=app, client=("::ffff:10.0.0.1", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as proxied:
        token = await csrf_token(proxied)

        async def attempt(n: int, forwarded: list[str]) -> int:
            headers = [("Accept", "application/json"), ("X-CSRF-Token", token)]
            headers += [("X-Forwarded-For", value) for value in forwarded]
            body = {"email": f"user{n}@example.com", "password": "x"}
            return (await proxied.post("/login", json=body, headers=headers)).status_code

        limit = settings.LOGIN_IP_MAX_ATTEMPTS
        statuses = [await attempt(n, [f"6.6.6.{n}", "203.0.113.5"]) for n in range(limit + 1)]
        assert statuses == [401] * limit + [429]
        assert await attempt(limit + 1, ["198.51.100.9"]) == 401


async def test_one_thousand_parallel_wrong_passwords_cannot_slip_past(
    client: httpx.AsyncClient, throttle: LoginThrottle
) -> None:
    await register(client)
    await client.post("/logout", data={"csrf_token": await csrf_token(client, "/account")})
    token = await csrf_token(client)
    results = await asyncio.gather(*(json_login(client, token, "ada@example.com", f"guess {n}") for n in range(1000)))
    statuses = [response.status_code for response in results]
    assert statuses.count(401) == settings.LOGIN_MAX_ATTEMPTS
    assert statuses.count(429) == 1000 - settings.LOGIN_MAX_ATTEMPTS
    assert (await json_login(client, token, "ada@example.com", "correct horse")).status_code == 429


async def test_malformed_bodies_are_4xx_never_500(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    headers = {**JSON, "X-CSRF-Token": token}
    bad_json = await client.post("/login", content=b"{oops", headers={**headers, "Content-Type": "application/json"})
    assert bad_json.status_code == 400
    array = await client.post("/register", json=["a"], headers=headers)
    assert array.status_code == 422
    no_boundary = await client.post("/login", content=b"--x\r\n", headers={
        **JSON, "Content-Type": "multipart/form-data"})
    assert no_boundary.status_code == 400
    typed = await client.post("/login", json={"email": 5, "password": ["x"]}, headers=headers)
    assert typed.status_code == 422 and set(typed.json()["errors"]) == {"email", "password"}


async def test_the_user_is_loaded_for_pages_but_not_for_static_files(client: httpx.AsyncClient) -> None:
    from tortoise import connections

    await register(client)
    connection = connections.get("default")
    queries: list[str] = []
    original = connection.execute_query

    async def counting(query: str, values: list | None = None):  # type: ignore[no-untyped-def]
        queries.append(query)
        return await original(query, values)

    connection.execute_query = counting
    try:
        assert (await client.get("/static/css/app.css")).status_code == 200
        assert not [q for q in queries if "users" in q]
        assert "Log out" in (await client.get("/")).text  # the layout knows the user
        assert [q for q in queries if "users" in q]
    finally:
        del connection.execute_query


async def test_the_site_uses_redis_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "LOGIN_THROTTLE_REDIS_URL", REDIS_URL)
    set_login_throttle(None)
    built = login_throttle()
    assert built.url == REDIS_URL and built.max_attempts == settings.LOGIN_MAX_ATTEMPTS
    set_login_throttle(None)


async def test_successful_logins_do_not_use_up_the_ip_limit(
    client: httpx.AsyncClient, throttle: LoginThrottle
) -> None:
    await register(client)
    throttle.max_ip_attempts = 2
    for _ in range(4):
        await client.post("/logout", headers={**JSON, "X-CSRF-Token": await csrf_token(client, "/account")})
        token = await csrf_token(client)
        assert (await json_login(client, token, "ada@example.com", "correct horse")).status_code == 200
    token = await csrf_token(client, "/account")
    assert (await json_login(client, token, "other@example.com", "x")).status_code == 401
    assert (await json_login(client, token, "other2@example.com", "x")).status_code == 401
    assert (await json_login(client, token, "other3@example.com", "x")).status_code == 429


async def test_the_login_throttle_follows_throttle_url_and_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "LOGIN_THROTTLE_REDIS_URL", "")
    monkeypatch.setattr(settings, "THROTTLE_URL", "")
    monkeypatch.setattr(settings, "REDIS_URL", REDIS_URL)
    set_login_throttle(None)
    assert login_throttle().url == REDIS_URL
    monkeypatch.setattr(settings, "THROTTLE_URL", "memory://")
    set_login_throttle(None)
    assert login_throttle().url == "memory://"
    set_login_throttle(None)


def test_a_bogus_login_throttle_url_stops_start_up() -> None:
    with pytest.raises(SettingError, match="LOGIN_THROTTLE_REDIS_URL"):
        Env(environ={"LOGIN_THROTTLE_REDIS_URL": "bogus://x"}).store_url("LOGIN_THROTTLE_REDIS_URL")


async def test_redis_down_counts_logins_in_process_and_logs_once(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    set_login_throttle(LoginThrottle(f"redis://127.0.0.1:{free_port()}/9", **limits()))
    token = await csrf_token(client)
    answers = [await json_login(client, token, "nobody@example.com", "wrong password")
               for _ in range(settings.LOGIN_MAX_ATTEMPTS + 1)]
    assert [r.status_code for r in answers] == [401] * settings.LOGIN_MAX_ATTEMPTS + [429]
    assert len([r for r in caplog.records if "not answering" in r.getMessage()]) == 1


async def test_redis_down_answers_503_when_the_fallback_is_closed(client: httpx.AsyncClient) -> None:
    set_login_throttle(LoginThrottle(f"redis://127.0.0.1:{free_port()}/9", fallback="closed", **limits()))
    token = await csrf_token(client)
    response = await json_login(client, token, "nobody@example.com", "wrong password")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "not answering" in response.text
