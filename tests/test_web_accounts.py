"""Account flows through the app: password reset, email verification and remember me."""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import settings as site_settings
from core.audit import flush
from core.auth.decorators import require_verified
from core.auth.passwords import hash_password
from core.auth.remember import COOKIE as REMEMBER
from core.auth.signed_links import VERIFY_EMAIL, make_token
from core.http.session_store import close_session_store
from core.http.throttle import limiter
from core.mail.transports import set_mail_transport, transport_from_url
from core.models.audit_log import AuditLog
from core.models.remember_token import RememberToken
from models.user import User
from tests.support.smtp import Inbox, smtp_server
from tests.support.web import csrf_token, fresh_limits, register  # noqa: F401  (a fixture)

JSON = {"Accept": "application/json"}
PASSWORD = "correct horse"


pytestmark = pytest.mark.usefixtures("fresh_limits")


def plant(client: httpx.AsyncClient, value: str) -> None:
    """Give a browser a remember cookie, as the site set it (same domain, so it replaces, not doubles)."""
    client.cookies.set(REMEMBER, value, domain="testserver.local")


@pytest.fixture
async def site(db: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """The site with database sessions, so ending a user's other sessions can be seen."""
    from core.kernel import create_app

    monkeypatch.setattr(site_settings, "SESSION_BACKEND", "database")
    await close_session_store()
    yield create_app()
    await close_session_store()


def browser(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def ada() -> User:
    return await User.create(slug="ada", name="Ada", email="ada@example.com",
                             password_hash=await hash_password(PASSWORD))


async def log_in(client: httpx.AsyncClient, password: str = PASSWORD, **extra: str) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post("/login", data={"csrf_token": token, "email": "ada@example.com",
                                             "password": password, **extra})


async def ask_reset(client: httpx.AsyncClient, email: str) -> httpx.Response:
    token = await csrf_token(client, "/forgot-password")
    return await client.post("/forgot-password", data={"csrf_token": token, "email": email})


def link_path(outbox: Any, message: Any) -> str:
    [url] = [url for url in outbox.links(message) if "/reset-password/" in url or "/verify-email/" in url]
    assert url.startswith(site_settings.APP_URL)
    return urlsplit(url).path


async def actions() -> list[str]:
    await flush()
    return [row.action for row in await AuditLog.all().order_by("id")]


async def test_a_reset_link_sets_a_new_password_once(
    client: httpx.AsyncClient, outbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    user = await ada()
    await RememberToken.create(selector="s", validator_hash="h", user_id=user.pk, expires_at=user.created_at)
    asked = await ask_reset(client, "ADA@example.com ")
    assert asked.status_code == 303
    assert "We have mailed ada@example.com" in (await client.get(asked.headers["location"])).text
    [mail] = outbox
    assert mail["To"] == "ada@example.com" and mail["Subject"] == "Reset your password"
    path = link_path(outbox, mail)
    form = await client.get(path)
    assert form.status_code == 200 and 'name="password_confirmation"' in form.text

    token = await csrf_token(client, path)
    done = await client.post(path, data={"csrf_token": token, "password": "new horse battery",
                                         "password_confirmation": "new horse battery"})
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert await RememberToken.all().count() == 0  # signed-cookie sessions: the tokens still end, and it says why
    assert "signed-cookie sessions cannot be ended server-side" in caplog.text
    assert (await log_in(client, "new horse battery")).headers["location"] == "/account"

    used = await client.get(path)
    assert used.status_code == 400 and "invalid, has expired or was already used" in used.text
    token = await csrf_token(client, "/account")
    again = await client.post(path, data={"csrf_token": token, "password": "third horse x",
                                          "password_confirmation": "third horse x"})
    assert again.status_code == 400
    assert await actions() == ["password_reset.requested", "password_reset.done"]


async def test_bad_expired_and_foreign_tokens_are_400(
    client: httpx.AsyncClient, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await ada()
    foreign = make_token(VERIFY_EMAIL, user.pk, user.email)  # a verification token opens no reset page
    for token in ("nonsense", foreign, "a" * 2000):
        answer = await client.get(f"/reset-password/{token}", headers=JSON)
        assert answer.status_code == 400 and "invalid" in answer.json()["error"]
    await ask_reset(client, "ada@example.com")
    path = link_path(outbox, outbox[0])
    monkeypatch.setattr(site_settings, "PASSWORD_RESET_TTL", -1)  # every token is now past its age
    expired = await client.get(path)
    assert expired.status_code == 400 and "has expired" in expired.text


async def test_an_unknown_address_gets_the_same_answer_in_the_same_time(
    client: httpx.AsyncClient, outbox: Any
) -> None:
    await ada()
    known = await ask_reset(client, "ada@example.com")
    unknown = await ask_reset(client, "nobody@example.com")
    assert (known.status_code, known.headers["location"]) == (unknown.status_code, unknown.headers["location"])
    page = (await client.get(unknown.headers["location"])).text
    assert "We have mailed nobody@example.com what to do next" in page
    assert [mail["To"] for mail in outbox] == ["ada@example.com", "nobody@example.com"]
    assert "no\naccount uses it" in outbox.body(outbox[1], "html")

    token = await csrf_token(client, "/forgot-password")
    timings: dict[str, list[float]] = {"ada@example.com": [], "nobody@example.com": []}
    for _ in range(15):
        for email, runs in timings.items():
            await limiter.reset()
            started = time.perf_counter()
            answer = await client.post("/forgot-password", data={"csrf_token": token, "email": email})
            runs.append(time.perf_counter() - started)
            assert answer.status_code == 303
    medians = [statistics.median(runs) for runs in timings.values()]
    assert abs(medians[0] - medians[1]) < 0.005, medians


async def test_reset_requests_are_throttled_per_address_and_per_ip(client: httpx.AsyncClient, outbox: Any) -> None:
    for _ in range(5):
        assert (await ask_reset(client, "ada@example.com")).status_code == 303
    refused = await ask_reset(client, "Ada@example.com")
    assert refused.status_code == 429 and "Too many requests" in refused.text and refused.headers["retry-after"]
    for number in range(13):
        assert (await ask_reset(client, f"user{number}@example.com")).status_code == 303
    assert (await ask_reset(client, "fresh@example.com")).status_code == 303  # the 20th from this IP, refusal included
    assert (await ask_reset(client, "another@example.com")).status_code == 429
    assert len(outbox) == 19


async def test_a_reset_ends_every_other_login_of_the_user(site: Any, outbox: Any) -> None:
    await ada()
    async with browser(site) as laptop, browser(site) as phone, browser(site) as visitor:
        await log_in(laptop)
        await log_in(phone, remember="on")
        assert (await phone.get("/account")).status_code == 200
        assert await RememberToken.all().count() == 1
        await ask_reset(visitor, "ada@example.com")
        path = link_path(outbox, outbox[-1])
        token = await csrf_token(visitor, path)
        await visitor.post(path, data={"csrf_token": token, "password": "new horse battery",
                                       "password_confirmation": "new horse battery"})
        assert (await laptop.get("/account")).status_code == 303
        phone.cookies.delete("nori_session")
        assert (await phone.get("/account")).status_code == 303  # the remember cookie opens nothing either
        assert await RememberToken.all().count() == 0


async def test_a_short_password_is_refused_with_a_message(client: httpx.AsyncClient, outbox: Any) -> None:
    await ada()
    await ask_reset(client, "ada@example.com")
    path = link_path(outbox, outbox[0])
    token = await csrf_token(client, path)
    answer = await client.post(path, json={"password": "short", "password_confirmation": "short"},
                               headers={**JSON, "X-CSRF-Token": token})
    assert answer.status_code == 422 and "password" in answer.json()["errors"]
    missing = await client.post("/forgot-password", json={}, headers={**JSON, "X-CSRF-Token": token})
    assert missing.status_code == 422 and "email" in missing.json()["errors"]
    forged = await client.post("/forgot-password", data={"email": "ada@example.com"})
    assert forged.status_code == 403


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    for inbox, port in smtp_server():
        previous = set_mail_transport(transport_from_url(f"smtp://127.0.0.1:{port}?starttls=false"))
        yield inbox
        set_mail_transport(previous)


async def test_the_reset_mail_goes_through_a_real_smtp_server(client: httpx.AsyncClient, smtp: Inbox) -> None:
    await ada()
    await ask_reset(client, "ada@example.com")
    [mail] = smtp.received
    assert mail["To"] == "ada@example.com"
    html = mail.get_body(("html",)).get_content()
    [url] = [part.split('"')[0] for part in html.split('href="')[1:] if "/reset-password/" in part]
    assert "/reset-password/" in mail.get_body(("plain",)).get_content()
    path = urlsplit(url).path
    token = await csrf_token(client, path)
    done = await client.post(path, data={"csrf_token": token, "password": "new horse battery",
                                         "password_confirmation": "new horse battery"})
    assert done.status_code == 303
    assert (await log_in(client, "new horse battery")).headers["location"] == "/account"


async def test_registering_mails_a_link_that_verifies_the_address(client: httpx.AsyncClient, outbox: Any) -> None:
    await register(client)
    user = await User.get(email="ada@example.com")
    assert user.email_verified_at is None
    assert 'id="verify-resend"' in (await client.get("/account")).text
    [mail] = outbox
    assert mail["Subject"] == "Verify your email address"
    path = link_path(outbox, mail)
    opened = await client.get(path)
    assert opened.status_code == 303
    assert "Your email address is verified." in (await client.get("/account")).text
    await user.refresh_from_db()
    assert user.email_verified_at is not None
    await client.get(path)
    assert "already verified" in (await client.get("/account")).text
    assert await actions() == ["email.verified"]


async def test_a_link_for_an_old_address_or_a_bad_token_verifies_nothing(
    client: httpx.AsyncClient, outbox: Any
) -> None:
    await register(client)
    path = link_path(outbox, outbox[0])
    user = await User.get(email="ada@example.com")
    user.email = "ada@new.example.com"
    await user.save()
    stale = await client.get(path)
    assert stale.status_code == 400 and "invalid or has expired" in stale.text
    assert (await client.get("/verify-email/garbage", headers=JSON)).status_code == 400
    await user.refresh_from_db()
    assert user.email_verified_at is None


async def test_resend_mails_a_new_link_and_is_throttled(client: httpx.AsyncClient, outbox: Any) -> None:
    await register(client)
    token = await csrf_token(client, "/account")
    for _ in range(5):
        sent = await client.post("/verify-email/resend", headers={**JSON, "X-CSRF-Token": token})
        assert sent.status_code == 202
    refused = await client.post("/verify-email/resend", headers={**JSON, "X-CSRF-Token": token})
    assert refused.status_code == 429 and "Too many requests" in refused.json()["error"]
    assert len(outbox) == 6 and {mail["To"] for mail in outbox} == {"ada@example.com"}
    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with anonymous:
        token = await csrf_token(anonymous)
        assert (await anonymous.post("/verify-email/resend", headers={**JSON, "X-CSRF-Token": token})).status_code \
            == 401


async def test_require_verified_lets_only_verified_users_in(db: str, outbox: Any) -> None:
    from core.kernel import create_app
    from routes import routes

    @require_verified
    async def reports(request: Request) -> PlainTextResponse:
        return PlainTextResponse("reports")

    app = create_app(routes=[Route("/reports", reports), *routes])
    async with browser(app) as client:
        assert (await client.get("/reports")).headers["location"] == "/login?next=/reports"
        await register(client)
        refused = await client.get("/reports")
        assert refused.status_code == 403 and "Verify your email address first" in refused.text
        await client.get(link_path(outbox, outbox[0]))
        assert (await client.get("/reports")).text == "reports"


async def test_remember_me_logs_a_returning_browser_in_and_rotates_the_token(site: Any) -> None:
    await ada()
    async with browser(site) as first:
        logged_in = await log_in(first, remember="1")
        assert "max-age=2592000" in logged_in.headers["set-cookie"].lower()
        cookie = first.cookies[REMEMBER]
    [row] = await RememberToken.all()
    selector, validator = cookie.split(".")
    assert row.selector == selector and row.validator_hash == hashlib.sha256(validator.encode()).hexdigest()
    assert validator not in row.validator_hash

    async with browser(site) as returning:
        plant(returning, cookie)
        page = await returning.get("/account")
        assert page.status_code == 200 and "ada@example.com" in page.text
        rotated = returning.cookies[REMEMBER]
        assert rotated != cookie and rotated.startswith(selector + ".")
        assert (await returning.get("/account")).status_code == 200  # now on its session

    async with browser(site) as plain:
        await log_in(plain)
        assert REMEMBER not in plain.cookies  # no box ticked, no token
    assert await RememberToken.all().count() == 1

    await RememberToken.all().update(expires_at=row.created_at)  # past its REMEMBER_ME_TTL
    async with browser(site) as late:
        plant(late, rotated)
        assert (await late.get("/account")).status_code == 303
    assert await RememberToken.all().count() == 0
    await RememberToken.create(selector="never-back", validator_hash="x", user_id=row.user_id,
                               expires_at=row.created_at)
    async with browser(site) as again:
        await log_in(again, remember="on")
    assert "never-back" not in [token.selector for token in await RememberToken.all()]  # purged on the next login


async def test_reusing_a_rotated_token_logs_the_user_out_everywhere(site: Any) -> None:
    await ada()
    async with browser(site) as owner, browser(site) as thief, browser(site) as desk:
        await log_in(owner, remember="on")
        stolen = owner.cookies[REMEMBER]
        await log_in(desk)
        plant(thief, stolen)
        assert (await thief.get("/account")).status_code == 200  # the thief comes first and rotates it
        owner.cookies.delete("nori_session")
        back = await owner.get("/account")  # the owner's copy is now an old token: theft
        assert back.status_code == 303 and owner.cookies.get(REMEMBER) is None
        assert (await thief.get("/account")).status_code == 303
        assert (await desk.get("/account")).status_code == 303
    assert await RememberToken.all().count() == 0
    assert "remember.reused" in await actions()


async def test_logout_revokes_the_token_and_a_bad_cookie_is_dropped(site: Any) -> None:
    await ada()
    async with browser(site) as client:
        await log_in(client, remember="on")
        cookie = client.cookies[REMEMBER]
        token = await csrf_token(client, "/account")
        out = await client.post("/logout", data={"csrf_token": token})
        assert out.status_code == 303 and client.cookies.get(REMEMBER) is None
    assert await RememberToken.all().count() == 0
    async with browser(site) as stranger:
        for value in (cookie, "no-dot", "x." + "y" * 500):
            plant(stranger, value)
            answer = await stranger.get("/account")
            assert answer.status_code == 303 and stranger.cookies.get(REMEMBER) is None
