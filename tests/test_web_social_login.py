"""Social login end to end: the site against a local OpenID Connect provider the tests start.

The browser's part is played by hand: the site's redirect is followed to the provider with a
plain HTTP client, and the provider's redirect back is sent to the site's ASGI client, so each
hop (state, PKCE, nonce, the code) is the real one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

import settings as site_settings
from core.audit import flush
from core.auth import totp, two_factor
from core.auth.passwords import hash_password, verify_password
from core.models.audit_log import AuditLog
from core.models.social_account import SocialAccount
from models.user import User
from tests.support.oidc_provider import Provider, oidc_provider
from tests.support.server import free_port
from tests.support.web import csrf_token, fresh_limits  # noqa: F401  (a fixture)

PASSWORD = "correct horse"

pytestmark = pytest.mark.usefixtures("fresh_limits", "configured")


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with oidc_provider() as running:
        yield running


@pytest.fixture
def configured(provider: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site knows the local provider as `local`, and GitHub and Google not at all."""
    monkeypatch.setattr(site_settings, "OAUTH_PROVIDERS", {"local": {
        "client_id": provider.client_id, "client_secret": provider.client_secret, "issuer": provider.issuer,
        "label": "Local ID"}}, raising=False)
    for name in ("GITHUB", "GOOGLE"):
        monkeypatch.setattr(site_settings, f"OAUTH_{name}_CLIENT_ID", "", raising=False)


async def to_provider(client: httpx.AsyncClient, path: str = "/auth/local") -> str:
    """The site's redirect: the provider's authorization URL."""
    answer = await client.get(path)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


async def at_provider(url: str) -> str:
    """The provider's redirect back to the site, as a path and query for the ASGI client."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(url)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    return f"{back.path}?{back.query}"


async def sign_in(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get(await at_provider(await to_provider(client)))


async def actions() -> list[str]:
    await flush()
    return [row.action for row in await AuditLog.all().order_by("id")]


async def logged_in_as(client: httpx.AsyncClient) -> str | None:
    answer = await client.get("/account", headers={"Accept": "application/json"})
    return answer.json()["user"]["email"] if answer.status_code == 200 else None


async def ada() -> User:
    return await User.create(slug="ada", name="Ada", email="ada@example.com",
                             password_hash=await hash_password(PASSWORD))


async def test_the_login_page_offers_the_configured_providers(client: httpx.AsyncClient) -> None:
    page = (await client.get("/login?next=/account/sessions")).text
    assert 'href="/auth/local?next=/account/sessions"' in page and "Local ID" in page
    assert "/auth/github" not in page


async def test_the_redirect_carries_state_pkce_s256_and_a_nonce(client: httpx.AsyncClient, provider: Provider) -> None:
    url = urlsplit(await to_provider(client))
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/authorize"
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0] and "openid" in query["scope"][0].split()
    assert query["redirect_uri"] == [site_settings.APP_URL.rstrip("/") + "/auth/local/callback"]


async def test_a_new_user_is_created_verified_linked_and_logged_in(client: httpx.AsyncClient,
                                                                   provider: Provider) -> None:
    provider.sign_in_as("sub-grace", "Grace@Example.com", verified=True, name="Grace Hopper")
    done = await sign_in(client)
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert await logged_in_as(client) == "grace@example.com"
    user = await User.get(email="grace@example.com")
    assert user.name == "Grace Hopper" and user.email_verified_at is not None
    assert (await verify_password("", user.password_hash))[0] is False  # no password opens it
    link = await SocialAccount.get(provider="local", subject="sub-grace")
    assert link.user_id == user.pk
    assert await actions() == ["social.linked", "social.login"]
    assert "Local ID: linked" in (await client.get("/account")).text


async def test_an_unverified_email_makes_an_unverified_user(client: httpx.AsyncClient, provider: Provider) -> None:
    provider.sign_in_as("sub-new", "new@example.com", verified=False)
    assert (await sign_in(client)).status_code == 303
    assert (await User.get(email="new@example.com")).email_verified_at is None


async def test_an_existing_account_with_the_verified_email_is_linked(client: httpx.AsyncClient,
                                                                     provider: Provider) -> None:
    user = await ada()
    provider.sign_in_as("sub-ada", "ada@example.com", verified=True)
    assert (await sign_in(client)).status_code == 303
    assert await logged_in_as(client) == "ada@example.com"
    assert (await SocialAccount.get(provider="local", subject="sub-ada")).user_id == user.pk
    assert await User.all().count() == 1

    await client.post("/logout", data={"csrf_token": await csrf_token(client, "/account")})
    provider.sign_in_as("sub-ada", "ada@elsewhere.example", verified=True)  # the link, not the email, says who
    assert (await sign_in(client)).status_code == 303
    assert await logged_in_as(client) == "ada@example.com"
    assert await actions() == ["social.linked", "social.login", "social.login"]


async def test_an_existing_account_is_not_linked_by_an_unverified_email(client: httpx.AsyncClient,
                                                                         provider: Provider) -> None:
    await ada()
    provider.sign_in_as("sub-mallory", "ada@example.com", verified=False)
    refused = await sign_in(client)
    assert refused.status_code == 409
    assert "log in with your password, then link Local ID from your account page" in refused.text
    assert await logged_in_as(client) is None
    assert await SocialAccount.all().count() == 0 and await actions() == []


async def test_a_logged_in_user_links_the_provider_from_the_account_page(client: httpx.AsyncClient,
                                                                        provider: Provider) -> None:
    user = await ada()
    token = await csrf_token(client)
    await client.post("/login", data={"csrf_token": token, "email": "ada@example.com", "password": PASSWORD})
    assert 'href="/auth/local">Link Local ID' in (await client.get("/account")).text
    provider.sign_in_as("sub-ada-work", "ada@work.example", verified=False)  # linking needs no verified email
    linked = await sign_in(client)
    assert linked.status_code == 303 and linked.headers["location"] == "/account"
    assert (await SocialAccount.get(provider="local", subject="sub-ada-work")).user_id == user.pk
    assert "Local ID: linked" in (await client.get("/account")).text
    assert await actions() == ["social.linked"]


async def test_a_user_with_two_factor_is_asked_for_the_code(client: httpx.AsyncClient, provider: Provider) -> None:
    user = await ada()
    setup = await two_factor.begin_setup(user)
    assert await two_factor.confirm(user, totp.current_code(setup.secret))
    await SocialAccount.create(user_id=user.pk, provider="local", subject="sub-ada")
    provider.sign_in_as("sub-ada", "ada@example.com", verified=True)
    asked = await sign_in(client)
    assert asked.status_code == 303 and asked.headers["location"] == "/two-factor"
    assert await logged_in_as(client) is None
    assert 'autocomplete="one-time-code"' in (await client.get("/two-factor")).text
    code = totp.current_code(setup.secret, datetime.now(UTC) + timedelta(seconds=totp.STEP_SECONDS))
    done = await client.post("/two-factor", data={"csrf_token": await csrf_token(client), "code": code})
    assert done.status_code == 303 and await logged_in_as(client) == "ada@example.com"


async def test_a_tampered_state_is_refused(client: httpx.AsyncClient, provider: Provider) -> None:
    provider.sign_in_as("sub-grace", "grace@example.com", verified=True)
    back = urlsplit(await at_provider(await to_provider(client)))
    query = {key: values[0] for key, values in parse_qs(back.query).items()}
    refused = await client.get(f"{back.path}?{urlencode({**query, 'state': query['state'] + 'x'})}")
    assert refused.status_code == 400 and "did not start in this browser" in refused.text
    assert await logged_in_as(client) is None and await User.all().count() == 0


async def test_a_callback_without_a_code_is_refused(client: httpx.AsyncClient) -> None:
    refused = await client.get("/auth/local/callback?state=abc")
    assert refused.status_code == 400 and "no authorization code" in refused.text


async def test_the_provider_checks_the_pkce_verifier(client: httpx.AsyncClient, provider: Provider) -> None:
    """A code asked for with another challenge is refused at the token endpoint: the site's verifier counts."""
    provider.sign_in_as("sub-grace", "grace@example.com", verified=True)
    url = urlsplit(await to_provider(client))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    forged = urlsplit(url.geturl())._replace(query=urlencode({**query, "code_challenge": "A" * 43})).geturl()
    refused = await client.get(await at_provider(forged))
    assert refused.status_code == 400 and "PKCE verification failed" in refused.text
    assert provider.token_errors[-1] == "PKCE verification failed"
    assert await logged_in_as(client) is None and await User.all().count() == 0


async def test_access_denied_at_the_provider_is_a_400_page(client: httpx.AsyncClient, provider: Provider) -> None:
    provider.deny_next()
    refused = await sign_in(client)
    assert refused.status_code == 400 and "Local ID did not sign you in (The user said no)" in refused.text


async def test_an_unconfigured_provider_is_a_404(client: httpx.AsyncClient) -> None:
    for path in ("/auth/github", "/auth/nope", "/auth/nope/callback?code=x&state=y"):
        missing = await client.get(path)
        assert missing.status_code == 404 and "There is no sign-in with" in missing.text


@pytest.fixture
def github(configured: None, provider: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    """The GitHub preset, with GitHub's addresses pointed at the local provider's look-alike."""
    from core.auth import oauth

    monkeypatch.setattr(oauth, "_apps", {})
    monkeypatch.setattr(oauth, "GITHUB_AUTHORIZE_URL", f"{provider.issuer}/authorize")
    monkeypatch.setattr(oauth, "GITHUB_TOKEN_URL", f"{provider.issuer}/token")
    monkeypatch.setattr(oauth, "GITHUB_API", f"{provider.issuer}/github/")
    monkeypatch.setattr(site_settings, "OAUTH_GITHUB_CLIENT_ID", provider.client_id, raising=False)
    monkeypatch.setattr(site_settings, "OAUTH_GITHUB_CLIENT_SECRET", provider.client_secret, raising=False)


@pytest.mark.usefixtures("github")
async def test_github_signs_in_with_its_verified_address(client: httpx.AsyncClient, provider: Provider) -> None:
    url = parse_qs(urlsplit(await to_provider(client, "/auth/github")).query)
    assert url["code_challenge_method"] == ["S256"] and "nonce" not in url  # OAuth 2, not OpenID Connect
    assert url["scope"] == ["read:user user:email"]
    provider.sign_in_as("583231", "octo@old.example", verified=False, name="Octo Cat", emails=[
        {"email": "octo@old.example", "primary": True, "verified": False},
        {"email": "octo@example.com", "primary": False, "verified": True},
    ])
    done = await client.get(await at_provider(await to_provider(client, "/auth/github")))
    assert done.status_code == 303 and await logged_in_as(client) == "octo@example.com"
    user = await User.get(email="octo@example.com")
    assert user.name == "Octo Cat" and user.email_verified_at is not None
    assert (await SocialAccount.get(provider="github", subject="583231")).user_id == user.pk


@pytest.mark.usefixtures("github")
async def test_github_s_unverified_address_does_not_link_an_account(client: httpx.AsyncClient,
                                                                    provider: Provider) -> None:
    await ada()
    provider.sign_in_as("583232", "ada@example.com", verified=False)
    refused = await client.get(await at_provider(await to_provider(client, "/auth/github")))
    assert refused.status_code == 409 and "GitHub has not verified that address" in refused.text
    assert await SocialAccount.all().count() == 0


async def test_next_is_where_the_login_lands(client: httpx.AsyncClient, provider: Provider) -> None:
    provider.sign_in_as("sub-grace", "grace@example.com", verified=True)
    done = await client.get(await at_provider(await to_provider(client, "/auth/local?next=/account/sessions")))
    assert done.status_code == 303 and done.headers["location"] == "/account/sessions"


async def test_a_provider_without_an_email_is_refused(client: httpx.AsyncClient, provider: Provider) -> None:
    provider.sign_in_as("sub-anon", None, verified=False)
    refused = await sign_in(client)
    assert refused.status_code == 400 and "did not give an email address" in refused.text
    assert await User.all().count() == 0


async def test_a_link_whose_user_was_deleted_is_dropped(client: httpx.AsyncClient, provider: Provider) -> None:
    await SocialAccount.create(user_id=999_999, provider="local", subject="sub-gone")
    provider.sign_in_as("sub-gone", "gone@example.com", verified=True)
    assert (await sign_in(client)).status_code == 303
    user = await User.get(email="gone@example.com")
    assert [link.user_id for link in await SocialAccount.filter(subject="sub-gone")] == [user.pk]


async def test_a_provider_that_cannot_be_reached_is_a_502_page(client: httpx.AsyncClient,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_settings, "OAUTH_PROVIDERS", {"down": {
        "client_id": "x", "client_secret": "y", "issuer": f"http://127.0.0.1:{free_port()}", "label": ""}})
    answer = await client.get("/auth/down")
    assert answer.status_code == 502 and "Down cannot be reached right now" in answer.text


async def test_a_disabled_user_is_neither_logged_in_nor_linked(client: httpx.AsyncClient, provider: Provider) -> None:
    user = await ada()
    user.status = False
    await user.save(update_fields=["status"])
    provider.sign_in_as("sub-ada", "ada@example.com", verified=True)
    refused = await sign_in(client)
    assert refused.status_code == 403 and "This account is disabled" in refused.text
    assert await SocialAccount.all().count() == 0 and await logged_in_as(client) is None


async def test_an_issuer_without_discovery_is_a_502_page(client: httpx.AsyncClient, provider: Provider,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_settings, "OAUTH_PROVIDERS", {"wrong": {
        "client_id": "x", "client_secret": "y", "issuer": f"{provider.issuer}/nothing-here", "label": ""}})
    answer = await client.get("/auth/wrong")
    assert answer.status_code == 502 and "Wrong answered 404" in answer.text
