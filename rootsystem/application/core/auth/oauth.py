"""Social login: the providers the settings configure, the redirect to them and the answer back.

The only module that touches authlib (its Starlette client). What leaves it is an `Identity`
(provider, subject, email, whether the provider verified that email, a name) or `OAuthFailed`
(a status and a message for the user); deciding which account that is belongs to the caller.

The policy, stated once:

- Every redirect carries `state` (kept in the session, so the answer must come back to the
  browser that left), a PKCE S256 challenge (the code is worth nothing without the verifier
  the session keeps) and, for OpenID Connect, a `nonce` the signed ID token must repeat.
- OpenID Connect providers are found by discovery at ISSUER/.well-known/openid-configuration;
  the document must name that same issuer, and the ID token is checked against it, its JWKS and
  the client id. GitHub is plain OAuth 2: the user is read from api.github.com, and an email
  counts as verified only when GitHub says so in /user/emails.
- Whatever goes wrong in the exchange (a refusal, a stale state, a bad token) is a 400 with a
  message; a provider that cannot be reached is a 502. Never a 500.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from core.settings import settings

if TYPE_CHECKING:
    from authlib.integrations.starlette_client.apps import StarletteOAuth2App


@functools.cache
def _authlib() -> SimpleNamespace:
    """authlib, joserfc and the HTTP client, imported at the first sign-in rather than with the routes.

    Together they cost more to import than the rest of a command that lists routes; only the two
    steps of a social sign-in use them.
    """
    import httpx
    from joserfc.errors import JoseError

    try:  # authlib sends through httpx2 when it is installed, else through httpx: its errors are either's
        import httpx2

        http_errors: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError)
    except ImportError:
        http_errors = (httpx.HTTPError,)

    with warnings.catch_warnings():
        # authlib 1.9 warns at import when it sends through httpx (the client the project uses) rather
        # than httpx2, and turns its warnings on for good with a global "always" filter; this block
        # keeps both to itself, so neither a site's log nor its tests see that notice.
        import authlib.deprecate  # noqa: F401  (installs that filter now, so the next line comes before it)

        warnings.simplefilter("ignore", DeprecationWarning)
        from authlib.integrations.starlette_client import OAuth, OAuthError
    return SimpleNamespace(OAuth=OAuth, OAuthError=OAuthError, JoseError=JoseError, HTTP_ERRORS=http_errors)


logger = logging.getLogger("nori.auth.oauth")

# Seconds to wait for a provider's discovery, token and user endpoints.
TIMEOUT = 10
GOOGLE_ISSUER = "https://accounts.google.com"
GITHUB_AUTHORIZE_URL = "https://github.com/login/oauth/authorize"
GITHUB_TOKEN_URL = "https://github.com/login/oauth/access_token"
GITHUB_API = "https://api.github.com/"
OIDC_SCOPE = "openid email profile"
GITHUB_SCOPE = "read:user user:email"
STALE_STATE = "This sign-in did not start in this browser, or it took too long: start again from the login page."


@dataclass(frozen=True)
class Provider:
    """One configured provider: `issuer` for OpenID Connect, empty for GitHub's OAuth 2."""

    name: str
    label: str
    client_id: str
    client_secret: str = field(repr=False)
    issuer: str = ""


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in: `subject` is its stable id for them (never the email)."""

    provider: str
    subject: str
    email: str | None
    email_verified: bool
    name: str


class OAuthFailed(Exception):
    """The sign-in cannot go on; `message` is for the user, `status` for the answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def providers() -> dict[str, Provider]:
    """The providers with a client id and secret set, by name, in the order the login page shows them."""
    found: dict[str, Provider] = {}
    if settings.OAUTH_GITHUB_CLIENT_ID and settings.OAUTH_GITHUB_CLIENT_SECRET:
        found["github"] = Provider("github", "GitHub", settings.OAUTH_GITHUB_CLIENT_ID,
                                   settings.OAUTH_GITHUB_CLIENT_SECRET)
    if settings.OAUTH_GOOGLE_CLIENT_ID and settings.OAUTH_GOOGLE_CLIENT_SECRET:
        found["google"] = Provider("google", "Google", settings.OAUTH_GOOGLE_CLIENT_ID,
                                   settings.OAUTH_GOOGLE_CLIENT_SECRET, GOOGLE_ISSUER)
    for name, entry in settings.OAUTH_PROVIDERS.items():
        found[name] = Provider(name, entry.get("label") or name.replace("_", " ").title(), entry["client_id"],
                               entry["client_secret"], entry["issuer"].rstrip("/"))
    return found


def provider(name: str) -> Provider | None:
    return providers().get(name)


# One authlib app per provider configuration: it keeps the discovery document and JWKS it fetched.
# Keyed by the whole configuration, so changed settings (a test's, a reload's) get a new one.
_apps: dict[Provider, StarletteOAuth2App] = {}


def _app(provider: Provider) -> StarletteOAuth2App:
    app = _apps.get(provider)
    if app is None:
        client_kwargs: dict[str, Any] = {"code_challenge_method": "S256", "timeout": TIMEOUT}
        options: dict[str, Any]
        if provider.issuer:
            options = {"server_metadata_url": f"{provider.issuer}/.well-known/openid-configuration"}
            client_kwargs["scope"] = OIDC_SCOPE
        else:
            options = {"authorize_url": GITHUB_AUTHORIZE_URL, "access_token_url": GITHUB_TOKEN_URL,
                       "api_base_url": GITHUB_API}
            client_kwargs["scope"] = GITHUB_SCOPE
        app = _authlib().OAuth().register(provider.name, client_id=provider.client_id,
                                          client_secret=provider.client_secret, client_kwargs=client_kwargs, **options)
        _apps[provider] = app
    return app


async def _metadata(provider: Provider, app: StarletteOAuth2App) -> None:
    """Discovery, once per app; a document naming another issuer is refused (OpenID Connect Discovery 4.3)."""
    if not provider.issuer:
        return
    metadata = await app.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer:
        app.server_metadata.clear()
        raise OAuthFailed(502, f"{provider.label} answered discovery for another issuer: check its ISSUER setting.")


async def redirect(request: Request, provider: Provider, redirect_uri: str) -> Response:
    """The redirect to `provider`'s authorization page; state, PKCE verifier and nonce go to the session."""
    app = _app(provider)
    with _failures(provider):
        await _metadata(provider, app)
        response: Response = await app.authorize_redirect(request, redirect_uri)
    return response


async def identity(request: Request, provider: Provider) -> Identity:
    """Finish the sign-in `provider` sent the browser back from: the code for tokens, then who it is."""
    query = request.query_params
    if query.get("error"):
        reason = query.get("error_description") or query["error"]
        raise OAuthFailed(400, f"{provider.label} did not sign you in ({reason[:200]}).")
    if not query.get("code") or not query.get("state"):
        raise OAuthFailed(400, f"{provider.label} sent no authorization code back: start again from the login page.")
    app = _app(provider)
    with _failures(provider):
        await _metadata(provider, app)
        token = await app.authorize_access_token(request)
        if provider.issuer:
            return await _oidc_identity(provider, app, token)
        return await _github_identity(provider, app, token)


@contextmanager
def _failures(provider: Provider) -> Iterator[None]:
    """authlib's, joserfc's and the HTTP client's errors as `OAuthFailed`, with the user's message."""
    library = _authlib()
    try:
        yield
    except library.OAuthError as error:
        if error.error == "mismatching_state":
            raise OAuthFailed(400, STALE_STATE) from error
        raise OAuthFailed(400, f"{provider.label} refused the sign-in ({error.description or error.error}).") from error
    except library.JoseError as error:
        raise OAuthFailed(400, f"{provider.label} sent an ID token that does not check out ({error}).") from error
    except library.HTTP_ERRORS as error:
        response = getattr(error, "response", None)  # a status error carries the answer; a connection error has none
        logger.warning("%s: %s: %s", provider.name, type(error).__name__, error)
        if response is not None:
            raise OAuthFailed(502, f"{provider.label} answered {response.status_code}: try again later.") from error
        raise OAuthFailed(502, f"{provider.label} cannot be reached right now: try again later.") from error
    except (ValueError, KeyError, TypeError) as error:  # not JSON, or JSON without the fields every provider sends
        logger.warning("%s answered something unexpected: %s: %s", provider.name, type(error).__name__, error)
        raise OAuthFailed(502, f"{provider.label} gave an answer this site cannot read: try again later.") from error


async def _oidc_identity(provider: Provider, app: StarletteOAuth2App, token: dict[str, Any]) -> Identity:
    """The verified ID token's claims, completed from the userinfo endpoint when it has no email."""
    claims = token.get("userinfo")
    if not claims:
        raise OAuthFailed(400, f"{provider.label} sent no ID token.")
    claims = dict(claims)
    if not claims.get("email") and app.server_metadata.get("userinfo_endpoint"):
        extra = dict(await app.userinfo(token=token))
        if extra.get("sub") == claims["sub"]:  # a userinfo answer about someone else is ignored (OIDC Core 5.3.2)
            claims = {**extra, **claims}
    verified = claims.get("email_verified")
    return Identity(provider.name, str(claims["sub"]), claims.get("email") or None,
                    verified is True or verified == "true", str(claims.get("name") or ""))


async def _github_identity(provider: Provider, app: StarletteOAuth2App, token: dict[str, Any]) -> Identity:
    """/user gives the id and name; /user/emails says which addresses GitHub verified (primary first)."""
    user = await app.get("user", token=token)
    user.raise_for_status()
    profile = user.json()
    emails = await app.get("user/emails", token=token)
    emails.raise_for_status()
    listed = [entry for entry in emails.json() if isinstance(entry, dict) and entry.get("email")]
    listed.sort(key=lambda entry: (not entry.get("verified"), not entry.get("primary")))
    best = listed[0] if listed else {"email": profile.get("email"), "verified": False}
    return Identity(provider.name, str(profile["id"]), best.get("email") or None, best.get("verified") is True,
                    str(profile.get("name") or profile.get("login") or ""))
