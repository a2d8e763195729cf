"""A small OpenID Connect provider for tests, served by uvicorn on a free port in a thread.

It implements what a relying party uses: discovery, the authorization endpoint (which signs in
whoever the test named with `sign_in_as`, or answers `access_denied` after `deny_next`), the
token endpoint (client secret, single-use codes, the redirect URI and the PKCE S256 verifier all
checked), a JWKS and userinfo. ID tokens are RS256-signed with joserfc and carry the nonce.
Under /github/ it also answers as GitHub's API does (`user`, `user/emails`), for the GitHub preset,
which is plain OAuth 2: no ID token is issued unless the scope asks for `openid`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.support.server import free_port


class Provider:
    def __init__(self, issuer: str, client_id: str, client_secret: str) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.claims: dict[str, Any] = {}
        self.emails: list[dict[str, Any]] = []
        self.deny = False
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.token_errors: list[str] = []

    def sign_in_as(self, sub: str, email: str | None, *, verified: bool, name: str = "",
                   emails: list[dict[str, Any]] | None = None) -> None:
        """Who the next authorization signs in; `emails` is GitHub's list (default: `email`, primary)."""
        self.deny = False
        self.claims = {"sub": sub, "name": name, **({"email": email, "email_verified": verified} if email else {})}
        self.emails = emails if emails is not None else (
            [{"email": email, "primary": True, "verified": verified}] if email else [])

    def deny_next(self) -> None:
        self.deny = True

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["POST"]),
            Route("/jwks", self.jwks),
            Route("/userinfo", self.userinfo),
            Route("/github/user", self.github_user),
            Route("/github/user/emails", self.github_emails),
        ])

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo", "response_types_supported": ["code"],
            "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        })

    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        redirect_uri = query["redirect_uri"]
        if self.deny:
            self.deny = False
            params = {"error": "access_denied", "error_description": "The user said no", "state": query["state"]}
            return RedirectResponse(f"{redirect_uri}?{urlencode(params)}", status_code=302)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"redirect_uri": redirect_uri, "challenge": query.get("code_challenge"),
                            "method": query.get("code_challenge_method"), "nonce": query.get("nonce"),
                            "openid": "openid" in query.get("scope", "").split(), "claims": dict(self.claims),
                            "emails": list(self.emails)}
        params = {"code": code, "state": query["state"]}
        return RedirectResponse(f"{redirect_uri}?{urlencode(params)}", status_code=302)

    def _refuse(self, error: str, description: str, status: int = 400) -> Response:
        self.token_errors.append(description)
        return JSONResponse({"error": error, "error_description": description}, status_code=status)

    async def token(self, request: Request) -> Response:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if scheme.lower() != "basic" or credentials != expected:
            return self._refuse("invalid_client", "wrong client credentials", 401)
        form = await request.form()
        grant = self.codes.pop(str(form.get("code")), None)  # a code works once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self._refuse("invalid_grant", "unknown or used code")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._refuse("invalid_grant", "redirect_uri does not match")
        verifier = str(form.get("code_verifier") or "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant["method"] != "S256" or not verifier or digest != grant["challenge"]:
            return self._refuse("invalid_grant", "PKCE verification failed")
        now = int(time.time())
        claims = {**grant["claims"], "iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"]}
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": 300}
        if grant["openid"]:
            answer["id_token"] = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return JSONResponse(answer)

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    def _grant_of(self, request: Request) -> dict[str, Any] | None:
        _, _, access = request.headers.get("authorization", "").partition(" ")
        return self.tokens.get(access)

    async def userinfo(self, request: Request) -> Response:
        grant = self._grant_of(request)
        if grant is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse(grant["claims"])

    async def github_user(self, request: Request) -> Response:
        grant = self._grant_of(request)
        if grant is None:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        claims = grant["claims"]
        return JSONResponse({"id": int(claims["sub"]), "login": f"user{claims['sub']}", "name": claims["name"] or None,
                             "email": None})  # GitHub leaves out an address the user keeps private

    async def github_emails(self, request: Request) -> Response:
        grant = self._grant_of(request)
        if grant is None:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        return JSONResponse(grant["emails"])


@contextmanager
def oidc_provider(client_id: str = "nori-test", client_secret: str = "provider-secret") -> Iterator[Provider]:
    """A provider listening on 127.0.0.1 until the block ends."""
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}", client_id, client_secret)
    server = uvicorn.Server(uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test OpenID provider did not start on port {port}")
        time.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
