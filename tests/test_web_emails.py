"""One account per address: a normal form for emails, no lookalike twins, no race past `unique`."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from core.auth.throttle import LoginThrottle, normalise_identifier, set_login_throttle
from core.validation import ValidationError, validate
from core.validation.emails import mixed_scripts, normalise_email
from models.user import User
from tests.support.web import csrf_token, register

JSON = {"Accept": "application/json"}
TAKEN = ["The email has already been taken."]


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    set_login_throttle(LoginThrottle())


@pytest.mark.parametrize(("typed", "normal"), [
    ("  Ada@Example.COM ", "ada@example.com"),
    ("\uff41\uff44\uff41@example.com", "ada@example.com"),  # fullwidth letters
    ("ad\u200ba@example.com", "ada@example.com"),  # a zero-width space
    ("\u2060ada\ufeff@exa\u00admple.com", "ada@example.com"),  # word joiner, BOM, soft hyphen
    ("ada@ex\u202eample.com", "ada@example.com"),  # a bidirectional override
    ("jose\u0301@example.com", "jos\u00e9@example.com"),  # a combining accent composes
    ("Stra\u00dfe@example.com", "strasse@example.com"),  # case-folded, not only lowercased
])
def test_addresses_have_one_normal_form(typed: str, normal: str) -> None:
    assert normalise_email(typed) == normal


@pytest.mark.parametrize(("local", "mixed"), [
    ("ada", False), ("\u0430\u043d\u043d\u0430", False),  # Cyrillic only
    ("ad\u0430", True),  # Latin with a Cyrillic U+0430
    ("\u03b1da", True),  # Greek alpha with Latin
    ("tanaka\u7530\u4e2d\u3072\u308d", False),  # Latin, Han and Hiragana: Japanese
    ("kim\uae40", False),  # Latin and Hangul: Korean
    ("\u0430\u03b1", True),  # Cyrillic with Greek
    ("ada.99+news", False),
])
def test_mixed_scripts(local: str, mixed: bool) -> None:
    assert mixed_scripts(local) is mixed


async def test_the_email_rule_returns_the_normal_form_and_refuses_mixed_scripts() -> None:
    assert await validate({"email": "\uff21\uff24\uff21@Example.com"}, {"email": "email"}) == {
        "email": "ada@example.com"}
    with pytest.raises(ValidationError) as caught:
        await validate({"email": "ad\u0430@example.com"}, {"email": "email"})
    assert "mixes letters of different scripts" in caught.value.errors["email"][0]
    with pytest.raises(ValidationError):
        await validate({"email": "ada @example.com"}, {"email": "email"})  # a space inside is no address


async def test_input_far_longer_than_an_address_is_refused_before_it_is_normalised() -> None:
    padded = "\u200b" * 990 + "ada@example.com"  # would normalise to a valid address
    with pytest.raises(ValidationError):
        await validate({"email": padded}, {"email": "email"})


def test_the_login_throttle_counts_lookalikes_as_the_account() -> None:
    assert normalise_identifier("\uff41da@example.com") == normalise_identifier("ada@example.com")


def visitor(app: Any) -> httpx.AsyncClient:
    """Another browser on the same site: its own cookies, so its own session."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def json_register(client: httpx.AsyncClient, email: str) -> httpx.Response:
    token = await csrf_token(client, "/register")
    return await client.post("/register", headers={**JSON, "X-CSRF-Token": token}, json={
        "name": "Twin", "email": email, "password": "correct horse", "password_confirmation": "correct horse"})


@pytest.mark.parametrize("lookalike", [
    "ADA@example.com", "\uff41\uff44\uff41@example.com", "ad\u200ba@example.com", "ada\u034f@example.com",
])
async def test_a_lookalike_of_an_account_is_already_taken(client: httpx.AsyncClient, app: Any, lookalike: str) -> None:
    assert (await register(client)).status_code == 303
    async with visitor(app) as other:
        response = await json_register(other, lookalike)
    assert response.status_code == 422 and response.json()["errors"]["email"] == TAKEN
    assert await User.all().count() == 1


async def test_a_decomposed_accent_is_the_same_address(client: httpx.AsyncClient, app: Any) -> None:
    assert (await json_register(client, "jos\u00e9@example.com")).status_code == 201
    async with visitor(app) as other:
        twin = await json_register(other, "jose\u0301@example.com")
    assert twin.status_code == 422 and twin.json()["errors"]["email"] == TAKEN


async def test_mixed_script_addresses_are_refused_at_registration(client: httpx.AsyncClient) -> None:
    response = await json_register(client, "ad\u0430@example.com")
    assert response.status_code == 422 and "different scripts" in response.json()["errors"]["email"][0]
    assert await User.all().count() == 0


async def test_a_lookalike_logs_in_to_the_account_it_looks_like(client: httpx.AsyncClient, app: Any) -> None:
    await register(client, email="Ada@Example.com")
    assert (await User.get()).email == "ada@example.com"
    async with visitor(app) as other:
        token = await csrf_token(other)
        response = await other.post("/login", headers={**JSON, "X-CSRF-Token": token},
                                    json={"email": "\uff41da@example.com", "password": "correct horse"})
    assert response.status_code == 200 and response.json()["user"]["email"] == "ada@example.com"


async def test_the_database_refuses_a_second_row_with_the_same_email(db: str) -> None:
    from tortoise.exceptions import IntegrityError

    await User.create(slug="a", name="A", email="ada@example.com", password_hash="x")
    with pytest.raises(IntegrityError):
        await User.create(slug="b", name="B", email="ada@example.com", password_hash="x")


async def test_concurrent_registrations_of_one_email_make_one_account(client: httpx.AsyncClient, app: Any) -> None:
    """Eight clients pass the `unique` check together (argon2 runs in threads between the check
    and the insert); the index lets one in, and the others get the usual 422."""
    clients = [visitor(app) for _ in range(8)]
    try:
        tokens = [await csrf_token(each, "/register") for each in clients]
        responses = await asyncio.gather(*(
            each.post("/register", headers={**JSON, "X-CSRF-Token": token}, json={
                "name": f"Racer {n}", "email": "race@example.com", "password": "correct horse",
                "password_confirmation": "correct horse"})
            for n, (each, token) in enumerate(zip(clients, tokens, strict=True))
        ))
    finally:
        for each in clients:
            await each.aclose()
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [422] * 7, [response.text for response in responses]
    assert all(r.json()["errors"]["email"] == TAKEN for r in responses if r.status_code == 422)
    assert await User.filter(email="race@example.com").count() == 1
