"""Register, log in, log out, the account page, password reset and email verification: the
site's own accounts on the `User` model.

A user with two-factor on is not logged in by the password (nor by a social login, in
modules/social.py): `log_in_or_challenge` hands over to the code step in modules/two_factor.py,
and both end in `complete_login`.

Pages and JSON share the controllers: a client that asks for JSON gets JSON, a browser gets a
page or a redirect with a flash message. The rates below are the site's to change.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from tortoise.exceptions import IntegrityError

from core.audit import audit
from core.auth import oauth, two_factor
from core.auth.decorators import login_required, safe_next
from core.auth.identity import current_user
from core.auth.password_reset import reset_password, reset_token, user_for_reset
from core.auth.passwords import hash_password, verify_password
from core.auth.remember import COOKIE as REMEMBER_COOKIE
from core.auth.remember import forget, remember_cookie
from core.auth.remember import remember as remember_user
from core.auth.sessions import login, logout
from core.auth.throttle import LoginThrottleUnavailable, login_throttle
from core.auth.verification import is_verified, mark_verified, user_for_verification, verification_token
from core.http.bodies import request_body
from core.http.client import client_ip
from core.http.errors import error_response
from core.http.flash import flash, flash_input
from core.http.negotiation import wants_json
from core.http.throttle import Limit, throttle
from core.mail import send_mail
from core.models.social_account import SocialAccount
from core.openapi import operation
from core.settings import settings
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
FORGOT_RULES = Validator({"email": "required|email|max:255"})
RESET_RULES = Validator({"password": "required|string|min:8|max:128|confirmed"})
# The JSON answers, for /openapi.json (docs/api.md#openapi).
USER_ANSWER = {"type": "object", "properties": {"user": {"type": "object"}}, "required": ["user"]}
MESSAGE_ANSWER = {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]}
# A right password of a user with two-factor on: the code step comes next (modules/two_factor.py).
CHALLENGE_ANSWER = {"type": "object", "properties": {"two_factor_required": {"const": True}, "url": {"type": "string"}},
                    "required": ["two_factor_required", "url"]}
LOGIN_ANSWER = {"oneOf": [USER_ANSWER, CHALLENGE_ANSWER]}
OK_ANSWER = {"type": "object", "properties": {"ok": {"const": True}}, "required": ["ok"]}
BAD_CREDENTIALS = "These credentials do not match our records."
RESET_SENT = "We have mailed {email} what to do next: follow the link in the message."
BAD_RESET_LINK = "This password reset link is invalid, has expired or was already used: ask for a new one."
BAD_VERIFY_LINK = "This verification link is invalid or has expired: ask for a new one."

# Reset requests per address and per client IP, and verification mails per user.
RESET_PER_EMAIL = "5/hour"
RESET_PER_IP = "20/hour"
RESEND_PER_USER = "5/hour"
CHECKED = {"1", "on", "true", "yes"}


def absolute_url(request: Request, name: str, **params: str) -> str:
    """A link for a mail: APP_URL and the route's path, never the Host the request came with."""
    return settings.APP_URL.rstrip("/") + request.url_for(name, **params).path


async def send_verification(request: Request, user: User) -> None:
    url = absolute_url(request, "verification.verify", token=verification_token(user))
    await send_mail(user.email, "Verify your email address", template="emails/verify_email.html",
                    context={"user": user, "url": url, "hours": settings.EMAIL_VERIFICATION_TTL // 3600})


def make_slug(name: str) -> str:
    """A readable, unique handle: `ada-lovelace-3f9a1c2e`."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "user"
    return f"{base}-{secrets.token_hex(4)}"


async def form_data(request: Request) -> dict[str, str]:
    """A form or a JSON object, as one dict of its text fields (a malformed body is a 400)."""
    body = await request_body(request)
    return {key: value for key, value in (body or {}).items() if isinstance(value, str)}


async def complete_login(request: Request, user: User, *, remember: bool, next_path: str | None) -> Response:
    """Log `user` in and answer: JSON with the user, or a redirect to `next` (or the account page);
    "remember me" sets its cookie. The password login and the two-factor step both end here."""
    await login(request, user)
    response: Response
    if wants_json(request):
        response = JSONResponse({"user": user.to_dict()})
    else:
        flash(request, f"Welcome back, {user.name}.", "success")
        response = RedirectResponse(safe_next(next_path, request.url_for("account").path), status_code=303)
    if remember:
        response.headers.append("set-cookie", remember_cookie(await remember_user(user), secure=not request.app.debug))
    return response


async def log_in_or_challenge(request: Request, user: User, *, remember: bool, next_path: str | None) -> Response:
    """The user proved who they are (a password, a social login): log them in, or, with two-factor
    on, ask for the code at /two-factor first, with nobody logged in until it is right."""
    if not two_factor.is_enabled(user):
        return await complete_login(request, user, remember=remember, next_path=next_path)
    two_factor.start_challenge(request, user, remember=remember, next=safe_next(next_path, ""))
    target = request.url_for("two_factor.challenge").path
    if wants_json(request):
        return JSONResponse({"two_factor_required": True, "url": target})
    return RedirectResponse(target, status_code=303)


class AuthController:
    async def register_form(self, request: Request) -> Response:
        return render(request, "auth/register.html")

    @operation(body=REGISTER_RULES, response=USER_ANSWER, status=201, summary="Create an account and log in",
               tags=["auth"])
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
        await send_verification(request, user)
        await login(request, user)
        if wants_json(request):
            return JSONResponse({"user": user.to_dict()}, status_code=201)
        flash(request, f"Welcome, {user.name}: your account is ready.", "success")
        return RedirectResponse(request.url_for("account").path, status_code=303)

    async def login_form(self, request: Request) -> Response:
        return render(request, "auth/login.html", {"next": safe_next(request.query_params.get("next"), ""),
                                                   "social_providers": list(oauth.providers().values())})

    @operation(body=LOGIN_RULES, response=LOGIN_ANSWER, errors=[401, 429, 503], summary="Log in", tags=["auth"])
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
        remember_me = data.get("remember", "").lower() in CHECKED
        return await log_in_or_challenge(request, user, remember=remember_me, next_path=data.get("next"))

    def _failed(self, request: Request, data: dict[str, str]) -> Response:
        if wants_json(request):
            return error_response(request, 401, BAD_CREDENTIALS)
        flash_input(request, data, {})
        flash(request, BAD_CREDENTIALS, "error")
        target = request.url_for("login").path
        next_path = safe_next(data.get("next"), "")
        return RedirectResponse(target + (f"?{urlencode({'next': next_path})}" if next_path else ""), status_code=303)

    @operation(response=OK_ANSWER, summary="Log out", tags=["auth"])
    async def logout(self, request: Request) -> Response:
        await logout(request)
        remembered = request.cookies.get(REMEMBER_COOKIE)
        response: Response
        if wants_json(request):
            response = JSONResponse({"ok": True})
        else:
            flash(request, "You have been logged out.", "info")
            response = RedirectResponse(request.url_for("home").path, status_code=303)
        if remembered is not None:
            await forget(remembered)
            response.headers.append("set-cookie", remember_cookie(None, secure=not request.app.debug))
        return response

    @operation(response=USER_ANSWER, summary="The logged-in user", tags=["account"])
    @login_required
    async def account(self, request: Request) -> Response:
        user = await current_user(request)
        if wants_json(request):
            return JSONResponse({"user": user.to_dict()})
        linked = {link.provider for link in await SocialAccount.filter(user_id=user.pk)}
        return render(request, "auth/account.html", {"user": user, "social_providers": [
            (provider, provider.name in linked) for provider in oauth.providers().values()]})


class PasswordResetController:
    """Forgot password, then the link mailed to the address: see docs/authentication.md#password-reset.

    The request answers the same whether or not an account has the address, and does the same
    work either way (one lookup, one rendered mail, one audit row), so neither the page nor its
    timing tells who has an account. An unknown address gets a mail saying so, as
    django-allauth does: its owner learns why no link came, and nobody else learns anything.
    """

    async def request_form(self, request: Request) -> Response:
        return render(request, "auth/forgot_password.html")

    @operation(body=FORGOT_RULES, response=MESSAGE_ANSWER, status=202, errors=[429],
               summary="Mail a password reset link", tags=["auth"])
    @throttle(RESET_PER_IP, key="ip", name="password-reset:ip")
    async def send_link(self, request: Request) -> Response:
        clean = await FORGOT_RULES.validate(await form_data(request))
        email = clean["email"]
        per_email = Limit(RESET_PER_EMAIL, key=lambda _: email, name="password-reset:email")
        refused = await per_email.check(request, "password-reset:email")
        if isinstance(refused, Response):
            return refused
        user = await User.filter(email=email, status=True).first()
        if user is not None:
            url = absolute_url(request, "password.reset", token=reset_token(user))
            template = "emails/reset_password.html"
            context = {"user": user, "url": url, "minutes": settings.PASSWORD_RESET_TTL // 60}
        else:
            template = "emails/unknown_account.html"
            context = {"email": email, "url": absolute_url(request, "register")}
        await send_mail(email, "Reset your password", template=template, context=context)
        audit(request, "password_reset.requested", model_name="User", record_id=user.pk if user else None)
        message = RESET_SENT.format(email=email)
        if wants_json(request):
            return JSONResponse({"message": message}, status_code=202)
        flash(request, message, "info")
        return RedirectResponse(request.url_for("password.request").path, status_code=303)

    @operation(errors=[400], summary="The new password form of a reset link (a page)", tags=["auth"])
    async def reset_form(self, request: Request) -> Response:
        token = request.path_params["token"]
        if await user_for_reset(token) is None:
            return self._bad_link(request)
        return render(request, "auth/reset_password.html", {"token": token})

    @operation(body=RESET_RULES, response=MESSAGE_ANSWER, errors=[400], summary="Set a new password from a reset link",
               tags=["auth"])
    async def reset(self, request: Request) -> Response:
        user = await user_for_reset(request.path_params["token"])
        if user is None:
            return self._bad_link(request)
        clean = await RESET_RULES.validate(await form_data(request))
        await reset_password(request, user, clean["password"])
        audit(request, "password_reset.done", model_name="User", record_id=user.pk, user_id=user.pk)
        message = "Your password has been reset: log in with the new one."
        if wants_json(request):
            return JSONResponse({"message": message})
        flash(request, message, "success")
        return RedirectResponse(request.url_for("login").path, status_code=303)

    def _bad_link(self, request: Request) -> Response:
        if wants_json(request):
            return error_response(request, 400, BAD_RESET_LINK)
        return render(request, "auth/reset_password.html", {"invalid": BAD_RESET_LINK}, status_code=400)


class VerificationController:
    """The verification link mailed at registration, and a new one on request."""

    @operation(response=MESSAGE_ANSWER, errors=[400], summary="Verify an email address", tags=["auth"])
    async def verify(self, request: Request) -> Response:
        user = await user_for_verification(request.path_params["token"])
        if user is None:
            if wants_json(request):
                return error_response(request, 400, BAD_VERIFY_LINK)
            return render(request, "auth/verify_email.html", {"invalid": BAD_VERIFY_LINK}, status_code=400)
        newly = await mark_verified(user)
        if newly:
            audit(request, "email.verified", model_name="User", record_id=user.pk, user_id=user.pk)
        message = "Your email address is verified." if newly else "Your email address was already verified."
        if wants_json(request):
            return JSONResponse({"message": message})
        flash(request, message, "success")
        return RedirectResponse(request.url_for("account").path, status_code=303)

    @operation(response=MESSAGE_ANSWER, status=202, errors=[429], summary="Mail a new verification link",
               tags=["auth"])
    @login_required
    @throttle(RESEND_PER_USER, key="user", name="verify-email:resend")
    async def resend(self, request: Request) -> Response:
        user = await current_user(request)
        if is_verified(user):
            message = "Your email address is already verified."
        else:
            await send_verification(request, user)
            message = f"We have sent a new link to {user.email}."
        if wants_json(request):
            return JSONResponse({"message": message}, status_code=202)
        flash(request, message, "info")
        return RedirectResponse(request.url_for("account").path, status_code=303)
