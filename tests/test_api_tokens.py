"""API tokens: personal access tokens, JWT access tokens with key rotation, rotating refresh tokens,
`Authorization: Bearer` authentication and `token_required`, on every engine."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from datetime import timedelta
from types import ModuleType
from typing import Any

import httpx
import jwt
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise.timezone import now

from core.acl import assign_role, grant
from core.auth.decorators import login_required
from core.auth.identity import current_user
from core.auth.tokens import (
    TokenError,
    create_personal_token,
    issue_access_token,
    issue_token_pair,
    refresh_token_pair,
    revoke_personal_token,
    revoke_refresh_token,
    token_required,
    verify_access_token,
)
from core.auth.tokens.access import key_ring
from core.kernel import create_app
from core.models import ApiToken, RefreshToken, Role
from core.settings import settings
from core.testing.queries import count_queries

KEY_A = "a" * 40
KEY_B = "b" * 40


@token_required(scopes=["articles.edit"])
async def edit_article(request: Request) -> JSONResponse:
    user = await current_user(request)
    return JSONResponse({"edited_by": user.pk})


@token_required()
async def whoami(request: Request) -> JSONResponse:
    user = await current_user(request)
    return JSONResponse({"id": user.pk})


@login_required
async def account(request: Request) -> JSONResponse:
    user = await current_user(request)
    return JSONResponse({"id": user.pk})


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The site's settings with a known signing key, so tests can forge tokens the way an attacker would."""
    module = settings.module()
    monkeypatch.setattr(module, "JWT_KEY", KEY_A)
    monkeypatch.setattr(module, "JWT_KEY_ID", "a")
    monkeypatch.setattr(module, "JWT_PREVIOUS_KEYS", {})
    return module


@pytest.fixture
async def http(db: str, site: ModuleType) -> Any:
    app = create_app(routes=[
        Route("/api/articles", edit_article, methods=["GET", "POST"]),
        Route("/api/me", whoami),
        Route("/account", account),
    ])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


async def editor(factory: Any, *permissions: str, **fields: Any) -> Any:
    user = await factory("User", **fields)
    await Role.get_or_create(name="editor")
    if permissions:
        await grant("editor", *permissions)
    await assign_role(user, "editor")
    return user


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def forged(user_id: int, *, key: str = KEY_A, kid: str | None = "a", **claims: Any) -> str:
    """A token signed like the site's own, with `claims` overriding (None drops a claim)."""
    issued = int(time.time())
    body = {"sub": str(user_id), "iat": issued, "exp": issued + 60, "iss": settings.JWT_ISSUER,
            "aud": settings.JWT_AUDIENCE, "scope": "articles.edit", **claims}
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="HS256", headers=headers)


def assert_invalid(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == f"Invalid token: {reason}"
    assert response.headers["www-authenticate"] == f'Bearer error="invalid_token", error_description="{reason}"'


# Personal access tokens


async def test_a_personal_token_authenticates_as_its_user_and_only_its_hash_is_kept(
    http: httpx.AsyncClient, factory: Any
) -> None:
    user = await editor(factory, "articles.edit")
    created = await create_personal_token(user, "deploy", ["articles.edit"])
    assert created.plain.startswith("nori_pat_")
    row = await ApiToken.get(id=created.row.id)
    assert created.plain.split("_", 3)[3] not in {row.secret_hash, row.selector}
    assert created.plain not in str(await ApiToken.filter(id=row.id).values())
    response = await http.get("/api/articles", headers=bearer(created.plain))
    assert response.status_code == 200 and response.json() == {"edited_by": user.pk}
    assert response.headers["cache-control"] == "no-store"
    assert (await http.get("/account", headers=bearer(created.plain))).json() == {"id": user.pk}


async def test_tampered_unknown_and_malformed_personal_tokens_are_401(http: httpx.AsyncClient, factory: Any) -> None:
    user = await editor(factory, "articles.edit")
    plain = (await create_personal_token(user, "ci", ["articles.edit"])).plain
    tampered = plain[:-1] + ("A" if plain[-1] != "A" else "B")
    assert_invalid(await http.get("/api/articles", headers=bearer(tampered)), "the token is not valid")
    unknown = "nori_pat_" + "0" * 16 + plain[25:]
    assert_invalid(await http.get("/api/articles", headers=bearer(unknown)), "the token is not valid")
    assert_invalid(await http.get("/api/articles", headers=bearer("nori_pat_short")), "the token is malformed")
    assert_invalid(await http.get("/api/articles", headers={"Authorization": "Bearer "}),
                   "the Authorization header names no token")
    assert (await http.get("/account", headers=bearer(tampered), follow_redirects=False)).status_code == 303


async def test_no_bearer_token_is_401_with_a_bare_challenge(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/articles")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"error": "Authentication required: send Authorization: Bearer <token>",
                               "status": 401}
    basic = await http.get("/api/articles", headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401 and basic.headers["www-authenticate"] == "Bearer"


async def test_expired_and_revoked_personal_tokens_are_401(http: httpx.AsyncClient, factory: Any) -> None:
    user = await editor(factory, "articles.edit")
    expiring = await create_personal_token(user, "short", ["articles.edit"], expires_in=timedelta(days=1))
    assert (await http.get("/api/articles", headers=bearer(expiring.plain))).status_code == 200
    await ApiToken.filter(id=expiring.row.id).update(expires_at=now() - timedelta(seconds=1))
    assert_invalid(await http.get("/api/articles", headers=bearer(expiring.plain)), "the token has expired")

    revoked = await create_personal_token(user, "leaked", ["articles.edit"])
    assert await revoke_personal_token(revoked.row.id) is True
    assert await revoke_personal_token(revoked.row.id) is False
    assert_invalid(await http.get("/api/articles", headers=bearer(revoked.plain)), "the token was revoked")


async def test_a_disabled_users_token_is_401(http: httpx.AsyncClient, factory: Any) -> None:
    user = await editor(factory, "articles.edit")
    plain = (await create_personal_token(user, "ci", ["articles.edit"])).plain
    user.status = False
    await user.save()
    assert_invalid(await http.get("/api/articles", headers=bearer(plain)),
                   "the token's user no longer exists or is disabled")


async def test_last_used_is_written_at_most_once_a_minute(http: httpx.AsyncClient, factory: Any) -> None:
    user = await editor(factory)
    created = await create_personal_token(user, "poller")
    assert created.row.last_used_at is None
    with count_queries() as queries:
        for _ in range(3):
            assert (await http.get("/api/me", headers=bearer(created.plain))).status_code == 200
    writes = [sql for sql in queries.statements if sql.lstrip().upper().startswith("UPDATE") and "api_tokens" in sql]
    assert len(writes) == 1
    first = (await ApiToken.get(id=created.row.id)).last_used_at
    assert first is not None and abs(now() - first) < timedelta(seconds=30)

    long_ago = now() - timedelta(minutes=5)
    await ApiToken.filter(id=created.row.id).update(last_used_at=long_ago)
    assert (await http.get("/api/me", headers=bearer(created.plain))).status_code == 200
    assert (await ApiToken.get(id=created.row.id)).last_used_at > long_ago + timedelta(minutes=4)


async def test_a_missing_scope_is_403_and_a_token_never_outgrows_its_user(
    http: httpx.AsyncClient, factory: Any
) -> None:
    user = await editor(factory, "articles.edit")
    narrow = (await create_personal_token(user, "reader", ["articles.view"])).plain
    response = await http.get("/api/articles", headers=bearer(narrow))
    assert response.status_code == 403
    assert response.json()["error"] == "The token lacks the scope articles.edit"
    assert response.headers["www-authenticate"] == 'Bearer error="insufficient_scope", scope="articles.edit"'
    wildcard = (await create_personal_token(user, "all articles", ["articles.*"])).plain
    assert (await http.get("/api/articles", headers=bearer(wildcard))).status_code == 200

    bystander = await factory("User")
    overreaching = (await create_personal_token(bystander, "wishful", ["articles.edit"])).plain
    denied = await http.get("/api/articles", headers=bearer(overreaching))
    assert denied.status_code == 403 and denied.json()["error"] == "The token's user does not hold articles.edit"


async def test_a_bearer_post_without_a_session_needs_no_csrf_token(http: httpx.AsyncClient, factory: Any) -> None:
    user = await editor(factory, "articles.edit")
    plain = (await create_personal_token(user, "ci", ["articles.edit"])).plain
    response = await http.post("/api/articles", headers=bearer(plain), json={"title": "x"})
    assert response.status_code == 200 and response.json() == {"edited_by": user.pk}


async def test_bad_token_input_is_refused_with_a_message(db: str, factory: Any) -> None:
    user = await factory("User")
    with pytest.raises(ValueError, match="a token needs a name"):
        await create_personal_token(user, "  ")
    with pytest.raises(ValueError, match="is not a permission name"):
        await create_personal_token(user, "ci", ["not a scope"])
    with pytest.raises(ValueError, match="lifetime must be positive"):
        await create_personal_token(user, "ci", expires_in=timedelta(0))
    with pytest.raises(ValueError, match="is not a permission name"):
        token_required(scopes=["bad scope"])


# JWT access tokens


async def test_an_access_token_authenticates_and_carries_its_scopes(http: httpx.AsyncClient, factory: Any) -> None:
    user = await editor(factory, "articles.edit")
    token = issue_access_token(user, ["articles.edit"])
    assert jwt.get_unverified_header(token)["kid"] == "a"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(claims) == {"sub", "iat", "exp", "iss", "aud", "scope"}
    assert claims["exp"] - claims["iat"] == settings.JWT_ACCESS_TTL
    response = await http.get("/api/articles", headers=bearer(token))
    assert response.status_code == 200 and response.json() == {"edited_by": user.pk}
    assert (await http.get("/api/articles", headers=bearer(issue_access_token(user, ["x.y"])))).status_code == 403


@pytest.mark.parametrize(("change", "reason"), [
    ({"exp": int(time.time()) - 10}, "the token has expired"),
    ({"aud": "https://elsewhere.example"}, "the token is meant for another audience"),
    ({"iss": "https://elsewhere.example"}, "the token comes from another issuer"),
    ({"iat": None}, "the token lacks the iat claim"),
    ({"exp": None}, "the token lacks the exp claim"),
    ({"aud": None}, "the token lacks the aud claim"),
    ({"iss": None}, "the token lacks the iss claim"),
    ({"kid": "z"}, "the token is signed with an unknown key"),
    ({"kid": None}, "the token is signed with an unknown key"),
    ({"key": "c" * 40}, "the token is not valid"),
])
async def test_a_bad_access_token_is_401(
    http: httpx.AsyncClient, factory: Any, change: dict[str, Any], reason: str
) -> None:
    user = await editor(factory, "articles.edit")
    token = forged(user.pk, **change)
    assert_invalid(await http.get("/api/articles", headers=bearer(token)), reason)


async def test_a_tampered_or_unsigned_access_token_is_401(http: httpx.AsyncClient, factory: Any) -> None:
    user = await editor(factory, "articles.edit")
    other = await factory("User")
    header, payload, signature = issue_access_token(other, ["articles.edit"]).split(".")
    stolen_payload = forged(user.pk).split(".")[1]
    assert_invalid(await http.get("/api/articles", headers=bearer(f"{header}.{stolen_payload}.{signature}")),
                   "the token is not valid")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert_invalid(await http.get("/api/articles", headers=bearer(f"{header}.{payload}.{flipped}")),
                   "the token is not valid")
    unsigned = jwt.encode(jwt.decode(f"{header}.{payload}.{signature}", options={"verify_signature": False}),
                          None, algorithm="none", headers={"kid": "a"})
    assert_invalid(await http.get("/api/articles", headers=bearer(unsigned)), "the token is not valid")
    assert_invalid(await http.get("/api/articles", headers=bearer("not.a.jwt")), "the token is not valid")


async def test_a_previous_key_still_verifies_while_it_is_listed(
    http: httpx.AsyncClient, factory: Any, site: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await editor(factory, "articles.edit")
    signed_with_a = issue_access_token(user, ["articles.edit"])
    monkeypatch.setattr(site, "JWT_KEY", KEY_B)
    monkeypatch.setattr(site, "JWT_KEY_ID", "b")
    monkeypatch.setattr(site, "JWT_PREVIOUS_KEYS", {"a": KEY_A})
    signed_with_b = issue_access_token(user, ["articles.edit"])
    assert jwt.get_unverified_header(signed_with_b)["kid"] == "b"
    for token in (signed_with_a, signed_with_b):
        assert (await http.get("/api/articles", headers=bearer(token))).status_code == 200
    monkeypatch.setattr(site, "JWT_PREVIOUS_KEYS", {})
    assert_invalid(await http.get("/api/articles", headers=bearer(signed_with_a)),
                   "the token is signed with an unknown key")
    assert (await http.get("/api/articles", headers=bearer(signed_with_b))).status_code == 200


def test_an_empty_key_is_derived_from_the_secret_key(site: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "JWT_KEY", "")
    derived = key_ring().current
    assert len(derived) == 32 and site.SECRET_KEY.encode() not in derived
    assert verify_access_token(issue_access_token(7)).user_id == 7


def test_a_short_signing_key_stops_the_settings_with_one_line() -> None:
    from core.conf import Env, SettingError

    assert Env(environ={}).signing_key("JWT_KEY") == ""
    assert Env(environ={"JWT_KEY": KEY_A}).signing_key("JWT_KEY") == KEY_A
    with pytest.raises(SettingError, match="JWT_KEY is 5 characters long: use at least 32"):
        Env(environ={"JWT_KEY": "short"}).signing_key("JWT_KEY")
    with pytest.raises(SettingError, match="JWT_PREVIOUS_KEYS: the key of 'old' is 3 characters long"):
        Env(environ={"JWT_PREVIOUS_KEYS": "old:abc"}).key_ring("JWT_PREVIOUS_KEYS")


CLAIM_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12),
                         st.lists(st.text(max_size=6), max_size=3))


@examples(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claims=st.dictionaries(st.sampled_from(["sub", "iat", "exp", "iss", "aud", "scope", "nbf"]), CLAIM_VALUES),
       garbage=st.text(max_size=60))
def test_any_claims_signed_with_our_key_and_any_text_give_claims_or_a_token_error(
    site: ModuleType, claims: dict[str, Any], garbage: str
) -> None:
    """Odd claim types in a correctly signed token (and plain garbage) never escape as another exception."""
    signed = jwt.PyJWS().encode(json.dumps(claims).encode(), KEY_A, algorithm="HS256", headers={"kid": "a"})
    for token in (signed, garbage):
        with contextlib.suppress(TokenError):
            verify_access_token(token)


def test_previous_keys_are_read_as_id_key_pairs() -> None:
    from core.conf import Env, SettingError

    env = Env(environ={"JWT_PREVIOUS_KEYS": f"2026-01:{KEY_A}, 2025-07:{KEY_B}", "BROKEN": "nokey"})
    assert env.key_ring("JWT_PREVIOUS_KEYS") == {"2026-01": KEY_A, "2025-07": KEY_B}
    with pytest.raises(SettingError, match="BROKEN has 'nokey' without an id and a key"):
        env.key_ring("BROKEN")


# Refresh tokens


async def test_a_refresh_rotates_and_a_reused_token_revokes_its_family(
    http: httpx.AsyncClient, factory: Any
) -> None:
    user = await editor(factory, "articles.edit")
    first = await issue_token_pair(user, ["articles.edit"])
    assert first.as_json()["token_type"] == "Bearer" and first.expires_in == settings.JWT_ACCESS_TTL
    assert (await http.get("/api/articles", headers=bearer(first.access_token))).status_code == 200
    assert_invalid(await http.get("/api/articles", headers=bearer(first.refresh_token)), "the token is not valid")

    second = await refresh_token_pair(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert (await http.get("/api/articles", headers=bearer(second.access_token))).status_code == 200
    third = await refresh_token_pair(second.refresh_token)

    with pytest.raises(TokenError, match="already used; its whole family is now revoked"):
        await refresh_token_pair(first.refresh_token)  # a copy kept by someone else
    with pytest.raises(TokenError, match="was revoked"):
        await refresh_token_pair(third.refresh_token)  # the owner's live token went with it
    rows = await RefreshToken.filter(user_id=user.pk).values_list("revoked_at", flat=True)
    assert len(rows) == 3 and all(rows)

    other_family = await issue_token_pair(user)
    assert (await refresh_token_pair(other_family.refresh_token)).refresh_token  # untouched by the revocation


async def test_two_refreshes_at_once_with_one_token_let_at_most_one_through(db: str, factory: Any) -> None:
    user = await factory("User")
    pair = await issue_token_pair(user)
    results = await asyncio.gather(*(refresh_token_pair(pair.refresh_token) for _ in range(2)),
                                   return_exceptions=True)
    assert sum(isinstance(result, TokenError) for result in results) >= 1
    assert sum(not isinstance(result, BaseException) for result in results) <= 1


async def test_bad_expired_and_logged_out_refresh_tokens_are_refused(db: str, factory: Any) -> None:
    user = await factory("User")
    pair = await issue_token_pair(user)
    with pytest.raises(TokenError, match="the refresh token is malformed"):
        await refresh_token_pair(pair.access_token)
    with pytest.raises(TokenError, match="the refresh token is not valid"):
        await refresh_token_pair(pair.refresh_token[:-1] + ("A" if pair.refresh_token[-1] != "A" else "B"))
    await RefreshToken.filter(user_id=user.pk).update(expires_at=now() - timedelta(seconds=1))
    with pytest.raises(TokenError, match="the refresh token has expired"):
        await refresh_token_pair(pair.refresh_token)

    live = await issue_token_pair(user)
    assert await revoke_refresh_token(live.refresh_token) == 1
    with pytest.raises(TokenError, match="the refresh token was revoked"):
        await refresh_token_pair(live.refresh_token)

    disabled = await issue_token_pair(user)
    user.status = False
    await user.save()
    with pytest.raises(TokenError, match="user no longer exists or is disabled"):
        await refresh_token_pair(disabled.refresh_token)


async def test_require_permission_also_asks_the_tokens_scopes(db: str, site: ModuleType, factory: Any) -> None:
    from core.acl import require_permission

    @require_permission("users.ban")
    async def ban(request: Request) -> JSONResponse:
        return JSONResponse({"banned": True})

    user = await editor(factory, "users.ban", "articles.edit")
    narrow = (await create_personal_token(user, "articles only", ["articles.edit"])).plain
    broad = issue_access_token(user, ["users.*"])
    app = create_app(routes=[Route("/api/ban", ban)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        refused = await client.get("/api/ban", headers=bearer(narrow))
        assert refused.status_code == 403 and refused.json()["error"] == "The token's scopes do not allow this"
        assert (await client.get("/api/ban", headers=bearer(broad))).json() == {"banned": True}
        assert (await client.get("/api/ban", headers=bearer("nori_pat_bad"))).status_code == 401


async def test_the_front_layer_passes_lifespan_events_through() -> None:
    from core.kernel import default_middleware

    seen: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    entrance = default_middleware(debug=False, csrf_exempt=())[-1]
    await entrance.cls(inner, *entrance.args, **entrance.kwargs)({"type": "lifespan"}, None, None)  # type: ignore[arg-type]
    assert seen == ["lifespan"]


async def test_the_testing_kit_gives_bearer_headers(http: httpx.AsyncClient, factory: Any) -> None:
    from core.testing.tokens import bearer_headers

    user = await editor(factory, "articles.edit")
    assert (await http.get("/api/articles", headers=bearer_headers(user, ["articles.edit"]))).status_code == 200
    assert (await http.get("/api/articles", headers=bearer_headers(user))).status_code == 403


async def test_a_bearer_token_is_the_requests_only_credential(client: httpx.AsyncClient, factory: Any) -> None:
    """Beside a logged-in session cookie, a bad token makes the request anonymous, a good one is its user."""
    from tests.support.web import register

    assert (await register(client, name="Ada")).status_code == 303
    assert "Ada" in (await client.get("/account")).text
    refused = await client.get("/account", headers=bearer("nori_pat_forged"), follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    grace = await factory("User", name="Grace")
    page = await client.get("/account", headers=bearer(issue_access_token(grace)))
    assert page.status_code == 200 and "Grace" in page.text and "Ada" not in page.text
