"""Two-factor authentication through the app: enrolment, the login step, recovery codes, turning it off."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

import settings as site_settings
from core.audit import flush
from core.auth import totp, two_factor
from core.auth.passwords import hash_password
from core.auth.remember import COOKIE as REMEMBER
from core.models.audit_log import AuditLog
from core.models.recovery_code import RecoveryCode
from models.user import User
from tests.support.web import csrf_token, fresh_limits  # noqa: F401  (a fixture)

JSON = {"Accept": "application/json"}
PASSWORD = "correct horse"


pytestmark = pytest.mark.usefixtures("fresh_limits")


async def ada() -> User:
    return await User.create(slug="ada", name="Ada", email="ada@example.com",
                             password_hash=await hash_password(PASSWORD))


async def ada_with_two_factor() -> tuple[User, str, list[str]]:
    """Ada with two-factor on, as the account page leaves her: her seed and her recovery codes."""
    user = await ada()
    setup = await two_factor.begin_setup(user)
    codes = await two_factor.confirm(user, totp.current_code(setup.secret))
    assert codes is not None
    return user, setup.secret, codes


def next_code(secret: str) -> str:
    """The code of the next step: accepted now (clock drift), and not the one `confirm` used."""
    return totp.current_code(secret, datetime.now(UTC) + timedelta(seconds=totp.STEP_SECONDS))


async def log_in(client: httpx.AsyncClient, **extra: str) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post("/login", data={"csrf_token": token, "email": "ada@example.com",
                                             "password": PASSWORD, **extra})


async def send_code(client: httpx.AsyncClient, code: str) -> httpx.Response:
    token = await csrf_token(client)  # the session's token, on a page that is there with or without a challenge
    return await client.post("/two-factor", data={"csrf_token": token, "code": code})


async def settings_post(client: httpx.AsyncClient, **data: str) -> httpx.Response:
    token = await csrf_token(client, "/account/two-factor")
    return await client.post("/account/two-factor", data={"csrf_token": token, **data})


async def actions() -> list[str]:
    await flush()
    return [row.action for row in await AuditLog.all().order_by("id")]


async def test_enrolment_shows_a_qr_code_and_turns_on_only_with_a_current_code(client: httpx.AsyncClient) -> None:
    user = await ada()
    await log_in(client)
    assert 'href="/account/two-factor"' in (await client.get("/account")).text
    off = await client.get("/account/two-factor")
    assert off.status_code == 200 and 'id="two-factor-enable"' in off.text

    assert (await settings_post(client, action="enable")).headers["location"] == "/account/two-factor"
    page = (await client.get("/account/two-factor")).text
    secret = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', page)[1]  # type: ignore[index]
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<path" in svg and "style=" not in svg and "<script" not in page  # nothing the CSP blocks
    await user.refresh_from_db()
    assert user.two_factor_secret and secret not in user.two_factor_secret  # sealed, not in clear
    assert two_factor.secret_of(user) == secret and user.two_factor_confirmed_at is None

    headers = {**JSON, "X-CSRF-Token": await csrf_token(client, "/account")}
    not_now = "000000" if totp.current_code(secret) != "000000" else "111111"
    wrong = await client.post("/account/two-factor", headers=headers, json={"action": "confirm", "code": not_now})
    assert wrong.status_code == 422 and "does not match" in wrong.json()["errors"]["code"][0]
    await user.refresh_from_db()
    assert not two_factor.is_enabled(user)

    confirmed = await settings_post(client, action="confirm", code=totp.current_code(secret))
    assert confirmed.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", confirmed.text)
    assert len(codes) == 10 == len(set(codes))
    stored = {row.code_hash for row in await RecoveryCode.filter(user_id=user.pk)}
    assert len(stored) == 10 and not stored & set(codes)  # hashed
    again = (await client.get("/account/two-factor")).text
    assert "10 recovery codes left" in again and codes[0] not in again  # shown once
    assert await actions() == ["two_factor.enabled"]


async def test_logging_in_asks_for_the_code_and_honours_next_and_remember_me(client: httpx.AsyncClient) -> None:
    _, secret, _ = await ada_with_two_factor()
    token = await csrf_token(client, "/login?next=/account/sessions")
    asked = await client.post("/login", data={"csrf_token": token, "email": "ada@example.com", "password": PASSWORD,
                                              "next": "/account/sessions", "remember": "1"})
    assert asked.status_code == 303 and asked.headers["location"] == "/two-factor"
    assert REMEMBER not in client.cookies
    assert (await client.get("/account")).status_code == 303  # not logged in yet
    assert 'autocomplete="one-time-code"' in (await client.get("/two-factor")).text

    refused = await send_code(client, "12345")
    assert refused.status_code == 401 and "That code is not right" in refused.text
    done = await send_code(client, next_code(secret))
    assert done.status_code == 303 and done.headers["location"] == "/account/sessions"
    assert client.cookies[REMEMBER]
    assert (await client.get("/account")).status_code == 200
    assert (await client.get("/two-factor")).headers["location"] == "/login"  # the challenge is over


async def test_a_code_works_once_even_when_two_requests_race(app: Any) -> None:
    user, secret, _ = await ada_with_two_factor()
    code = next_code(secret)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as first, \
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as second:
        await log_in(first)
        await log_in(second)
        assert (await send_code(first, code)).status_code == 303
        replayed = await send_code(second, code)
        assert replayed.status_code == 401 and "already used" in replayed.text
        older = totp.current_code(secret)  # the step `confirm` used: earlier, so refused too
        assert (await send_code(second, older)).status_code == 401

    # Two checks of one code at once: the compare-and-set lets exactly one through.
    await User.filter(pk=user.pk).update(two_factor_last_step=None)
    copies = [await User.get(pk=user.pk) for _ in range(4)]
    code = totp.current_code(secret)
    results = await asyncio.gather(*(two_factor.accept_code(copy, code) for copy in copies))
    assert sorted(results) == [False, False, False, True]


def test_a_code_is_accepted_one_step_either_side_and_no_further() -> None:
    secret, now = totp.new_secret(), datetime.now(UTC)
    step = totp.matching_step(secret, totp.current_code(secret, now), now)
    assert step is not None
    for offset, expected in ((-1, step - 1), (1, step + 1), (-2, None), (2, None)):
        at = now + timedelta(seconds=offset * totp.STEP_SECONDS)
        assert totp.matching_step(secret, totp.current_code(secret, at), now) == expected
    assert totp.matching_step(secret, "abcdef", now) is None and totp.matching_step(secret, "", now) is None


async def test_a_recovery_code_logs_in_once_and_is_audited(client: httpx.AsyncClient, app: Any) -> None:
    user, _, codes = await ada_with_two_factor()
    await log_in(client)
    assert (await send_code(client, f"  {codes[3].upper()} ")).status_code == 303
    assert (await client.get("/account")).status_code == 200
    assert await RecoveryCode.filter(user_id=user.pk).count() == 9
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await log_in(other)
        assert (await send_code(other, codes[3])).status_code == 401
    assert await actions() == ["two_factor.recovery_code_used"]
    [row] = await AuditLog.filter(action="two_factor.recovery_code_used")
    assert row.user_id == user.pk


async def test_json_clients_are_told_a_code_is_required(client: httpx.AsyncClient) -> None:
    _, secret, _ = await ada_with_two_factor()
    token = await csrf_token(client)
    headers = {**JSON, "X-CSRF-Token": token}
    asked = await client.post("/login", headers=headers, json={"email": "ada@example.com", "password": PASSWORD})
    assert asked.status_code == 200 and asked.json() == {"two_factor_required": True, "url": "/two-factor"}
    assert (await client.get("/two-factor", headers=JSON)).json() == {"two_factor_required": True}
    wrong = await client.post("/two-factor", headers=headers, json={"code": "abc"})
    assert wrong.status_code == 401 and wrong.json()["two_factor_required"] is True and wrong.json()["error"]
    missing = await client.post("/two-factor", headers=headers, json={})
    assert missing.status_code == 422 and "code" in missing.json()["errors"]
    done = await client.post("/two-factor", headers=headers, json={"code": next_code(secret)})
    assert done.status_code == 200 and done.json()["user"]["email"] == "ada@example.com"
    assert "two_factor_secret" not in done.json()["user"] and done.json()["user"]["two_factor_confirmed_at"]


async def test_without_a_pending_login_or_once_it_lapsed_there_is_no_challenge(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, secret, _ = await ada_with_two_factor()
    assert (await client.get("/two-factor", headers=JSON)).status_code == 401
    nobody = await send_code(client, next_code(secret))
    assert nobody.status_code == 303 and nobody.headers["location"] == "/login"
    assert "Log in with your password first" in (await client.get("/login")).text
    monkeypatch.setattr(two_factor, "CHALLENGE_SECONDS", -1)
    await log_in(client)
    assert (await send_code(client, next_code(secret))).headers["location"] == "/login"
    assert (await client.get("/account")).status_code == 303


async def test_code_guesses_are_throttled_per_pending_login(client: httpx.AsyncClient) -> None:
    _, secret, _ = await ada_with_two_factor()
    await log_in(client)
    for _ in range(5):
        assert (await send_code(client, "000000")).status_code == 401
    refused = await send_code(client, next_code(secret))
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert (await client.get("/account")).status_code == 303


async def test_forms_need_the_csrf_token_and_bad_requests_are_4xx(client: httpx.AsyncClient) -> None:
    await ada_with_two_factor()
    await log_in(client)
    assert (await client.post("/two-factor", data={"code": "123456"})).status_code == 403
    headers = {**JSON, "X-CSRF-Token": await csrf_token(client)}
    too_long = await client.post("/two-factor", headers=headers, json={"code": "9" * 65})
    assert too_long.status_code == 422 and "code" in too_long.json()["errors"]
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as fresh:
        await User.create(slug="bob", name="Bob", email="bob@example.com", password_hash=await hash_password(PASSWORD))
        token = await csrf_token(fresh)
        await fresh.post("/login", data={"csrf_token": token, "email": "bob@example.com", "password": PASSWORD})
        assert (await fresh.post("/account/two-factor", data={"action": "enable"})).status_code == 403
        headers = {**JSON, "X-CSRF-Token": await csrf_token(fresh, "/account/two-factor")}
        for body, status in (({"action": "dance"}, 400), ({"action": "confirm", "code": "123456"}, 409),
                             ({"action": "disable", "password": PASSWORD}, 409), ({"action": "disable"}, 422)):
            answer = await fresh.post("/account/two-factor", headers=headers, json=body)
            assert answer.status_code == status and answer.json(), (body, answer.text)
        started = await fresh.post("/account/two-factor", headers=headers, json={"action": "enable"})
        assert started.status_code == 200 and started.json()["setup"]["otpauth_url"].startswith("otpauth://totp/")
        assert "issuer=Nori" in started.json()["setup"]["otpauth_url"]
        too_long = {"action": "confirm", "code": "1" * 17}
        assert (await fresh.post("/account/two-factor", headers=headers, json=too_long)).status_code == 422
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as anonymous:
        away = await anonymous.get("/account/two-factor")
        assert away.headers["location"] == "/login?next=/account/two-factor"


async def test_turning_it_off_needs_the_password(client: httpx.AsyncClient) -> None:
    user, secret, _ = await ada_with_two_factor()
    await log_in(client)
    await send_code(client, next_code(secret))
    assert (await settings_post(client, action="enable")).status_code == 409
    headers = {**JSON, "X-CSRF-Token": await csrf_token(client, "/account/two-factor")}
    wrong = await client.post("/account/two-factor", headers=headers, json={"action": "disable", "password": "nope"})
    assert wrong.status_code == 422 and wrong.json()["errors"]["password"] == ["The password is not correct."]
    off = await settings_post(client, action="disable", password=PASSWORD)
    assert off.status_code == 303 and off.headers["location"] == "/account"
    await user.refresh_from_db()
    assert user.two_factor_secret is None and user.two_factor_confirmed_at is None
    assert await RecoveryCode.filter(user_id=user.pk).count() == 0
    await client.post("/logout", data={"csrf_token": await csrf_token(client, "/account")})
    assert (await log_in(client)).headers["location"] == "/account"  # straight in again
    assert await actions() == ["two_factor.disabled"]


async def test_new_recovery_codes_replace_the_old_ones(client: httpx.AsyncClient) -> None:
    user, secret, old_codes = await ada_with_two_factor()
    await log_in(client)
    await send_code(client, next_code(secret))
    headers = {**JSON, "X-CSRF-Token": await csrf_token(client, "/account")}
    wrong = {"action": "recovery-codes", "password": "x"}
    assert (await client.post("/account/two-factor", headers=headers, json=wrong)).status_code == 422
    page = await settings_post(client, action="recovery-codes", password=PASSWORD)
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page.text)
    assert page.status_code == 200 and len(codes) == 10 and not set(codes) & set(old_codes)
    assert not await two_factor.use_recovery_code(user, old_codes[0])
    assert await two_factor.use_recovery_code(user, codes[0])
    assert await actions() == ["two_factor.recovery_codes_replaced"]


async def test_changes_are_throttled_so_the_password_cannot_be_guessed_there(client: httpx.AsyncClient) -> None:
    _, secret, _ = await ada_with_two_factor()
    await log_in(client)
    await send_code(client, next_code(secret))
    headers = {**JSON, "X-CSRF-Token": await csrf_token(client, "/account")}
    for _ in range(10):
        wrong = await client.post("/account/two-factor", headers=headers, json={"action": "disable", "password": "x"})
        assert wrong.status_code == 422
    refused = await client.post("/account/two-factor", headers=headers,
                                json={"action": "disable", "password": PASSWORD})
    assert refused.status_code == 429 and refused.headers["retry-after"]


async def test_after_a_secret_key_rotation_recovery_codes_still_open_the_login(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, secret, codes = await ada_with_two_factor()
    monkeypatch.setattr(site_settings, "SECRET_KEY", "another key, long enough to sign with " * 2)
    await log_in(client)
    assert (await send_code(client, next_code(secret))).status_code == 401  # the seed no longer opens: no 500
    assert (await send_code(client, codes[0])).status_code == 303
