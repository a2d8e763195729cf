"""Register, log in, log out and the account page: the site's own accounts on the `User` model.

Pages and JSON share the controllers: a client that asks for JSON gets JSON, a browser gets a
page or a redirect with a flash message.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from tortoise.exceptions import IntegrityError

from core.auth.decorators import login_required, safe_next
from core.auth.identity import current_user
from core.auth.passwords import hash_password, verify_password
from core.auth.sessions import login, logout
from core.auth.throttle import LoginThrottleUnavailable, login_throttle
from core.http.bodies import request_body
from core.http.client import client_ip
from core.http.errors import error_response
from core.http.flash import flash, flash_input
from core.http.negotiation import wants_json
from core.validation import Validator
from core.validation.emails import normalise_email
from core.views import render
from models.user import User

REGISTER_RULES = Validator({
    "name": "required|string|max:100",
    "email": "required|email|max:255|unique:users,email",
    "password": "required|string|min:8|max:128|confirmed",
})
LOGIN_RULES = Validator({"email": "required|string|max:255", "password": "required|string|max:128"})
BAD_CREDENTIALS = "These credentials do not match our records."


def make_slug(name: str) -> str:
    """A readable, unique handle: `ada-lovelace-3f9a1c2e`."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "user"
    return f"{base}-{secrets.token_hex(4)}"


async def form_data(request: Request) -> dict[str, str]:
    """A form or a JSON object, as one dict of its text fields (a malformed body is a 400)."""
    body = await request_body(request)
    return {key: value for key, value in (body or {}).items() if isinstance(value, str)}


class AuthController:
    async def register_form(self, request: Request) -> Response:
        return render(request, "auth/register.html")

    async def register(self, request: Request) -> Response:
        data = await form_data(request)
        clean = await REGISTER_RULES.validate(data)  # `email` gives the address in its normal form
        password_hash = await hash_password(clean["password"])
        try:
            user = await User.create(
                slug=make_slug(clean["name"]), name=clean["name"], email=clean["email"], password_hash=password_hash,
            )
        except IntegrityError:
            # Someone registered the address between the `unique` check and this insert; the
            # unique index stopped the twin. Checking again gives the usual "already taken" 422.
            await REGISTER_RULES.validate(data)
            raise
        await login(request, user)
        if wants_json(request):
            return JSONResponse({"user": user.to_dict()}, status_code=201)
        flash(request, f"Welcome, {user.name}: your account is ready.", "success")
        return RedirectResponse(request.url_for("account").path, status_code=303)

    async def login_form(self, request: Request) -> Response:
        return render(request, "auth/login.html", {"next": safe_next(request.query_params.get("next"), "")})

    async def login(self, request: Request) -> Response:
        data = await form_data(request)
        clean = await LOGIN_RULES.validate(data)
        identifier = normalise_email(clean["email"])
        throttle = login_throttle()
        ip = client_ip(request)
        try:
            wait = await throttle.attempt(identifier, ip)
        except LoginThrottleUnavailable as exc:
            raise HTTPException(503, str(exc), {"Retry-After": "5"}) from exc
        if wait is not None:
            raise HTTPException(
                429, f"Too many failed login attempts: try again in {wait} seconds.", {"Retry-After": str(wait)}
            )
        user = await User.filter(email=identifier).first()
        matches, new_hash = await verify_password(clean["password"], user.password_hash if user else None)
        if user is None or not matches or not user.status:
            return self._failed(request, data)
        if new_hash:  # an older scheme: store the argon2 hash now that we know the password
            user.password_hash = new_hash
            await user.save(update_fields=["password_hash"])
        await throttle.succeeded(identifier, ip)
        await login(request, user)
        if wants_json(request):
            return JSONResponse({"user": user.to_dict()})
        flash(request, f"Welcome back, {user.name}.", "success")
        return RedirectResponse(safe_next(data.get("next"), request.url_for("account").path), status_code=303)

    def _failed(self, request: Request, data: dict[str, str]) -> Response:
        if wants_json(request):
            return error_response(request, 401, BAD_CREDENTIALS)
        flash_input(request, data, {})
        flash(request, BAD_CREDENTIALS, "error")
        target = request.url_for("login").path
        next_path = safe_next(data.get("next"), "")
        return RedirectResponse(target + (f"?{urlencode({'next': next_path})}" if next_path else ""), status_code=303)

    async def logout(self, request: Request) -> Response:
        await logout(request)
        if wants_json(request):
            return JSONResponse({"ok": True})
        flash(request, "You have been logged out.", "info")
        return RedirectResponse(request.url_for("home").path, status_code=303)

    @login_required
    async def account(self, request: Request) -> Response:
        user = await current_user(request)
        if wants_json(request):
            return JSONResponse({"user": user.to_dict()})
        return render(request, "auth/account.html", {"user": user})
