"""Two-factor pages: the code asked for at login (`/two-factor`) and turning it on or off (`/account/two-factor`).

The login step answers JSON clients too: 401 with `"two_factor_required": true` while a code is
awaited and the one sent was wrong, and the logged-in user (200) when it is right. See
docs/authentication.md#two-factor-authentication. The rates below are the site's to change.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from core.audit import audit
from core.auth import two_factor
from core.auth.decorators import login_required
from core.auth.identity import current_user
from core.auth.passwords import verify_password
from core.http.errors import error_response
from core.http.flash import flash
from core.http.negotiation import wants_json
from core.http.throttle import Limit, throttle
from core.openapi import operation
from core.validation import ValidationError, Validator
from core.views import render
from models.user import User
from modules.auth import complete_login, form_data

# Codes tried per pending login (a second factor is worth little if it can be guessed quickly)
# and per client IP; changes per logged-in user (setup codes and passwords are guessed there too).
CODES_PER_USER = "5/5 minutes"
CODES_PER_IP = "30/hour"
CHANGES_PER_USER = "10/10 minutes"
CODE_RULES = Validator({"code": "required|string|max:64"})
CONFIRM_RULES = Validator({"code": "required|string|max:16"})
PASSWORD_RULES = Validator({"password": "required|string|max:128"})
NO_CHALLENGE = "Log in with your password first: no login is waiting for a code (or it took too long)."
BAD_CODE = "That code is not right, or was already used: enter the current code from your app, or a recovery code."
BAD_SETUP_CODE = "That code does not match: scan the QR code again and enter the code your app shows now."
WRONG_PASSWORD = "The password is not correct."
# What the settings form sends, for the API description: `action` says which fields count.
SETTINGS_RULES = Validator({"action": "required|in:enable,confirm,disable,recovery-codes", "code": "string|max:16",
                            "password": "string|max:128"})
ANSWER = {"type": "object"}


class TwoFactorChallengeController:
    """The code asked for after a correct password, when the user has two-factor on."""

    @operation(response={"type": "object", "properties": {"two_factor_required": {"const": True}}},
               summary="The second step of a login, when one is waiting", tags=["auth"], errors=[401])
    async def form(self, request: Request) -> Response:
        if await two_factor.challenged_user(request) is None:
            return self._no_challenge(request)
        if wants_json(request):
            return JSONResponse({"two_factor_required": True})
        return render(request, "auth/two_factor_challenge.html")

    @operation(body=CODE_RULES, response=ANSWER, summary="Finish a login with a code from the app or a recovery code",
               tags=["auth"], errors=[401, 429])
    @throttle(CODES_PER_IP, key="ip", name="two-factor:ip")
    async def verify(self, request: Request) -> Response:
        user = await two_factor.challenged_user(request)
        challenge = two_factor.pending_challenge(request)
        if user is None or challenge is None:
            return self._no_challenge(request)
        per_user = Limit(CODES_PER_USER, key=lambda _: str(user.pk), name="two-factor:user")
        refused = await per_user.check(request, "two-factor:user")
        if isinstance(refused, Response):
            return refused
        clean = await CODE_RULES.validate(await form_data(request))
        opened_by = await two_factor.verify_second_factor(user, clean["code"])
        if opened_by is None:
            if wants_json(request):
                return JSONResponse({"error": BAD_CODE, "status": 401, "two_factor_required": True}, status_code=401)
            return render(request, "auth/two_factor_challenge.html", {"error": BAD_CODE}, status_code=401)
        if opened_by == "recovery_code":
            audit(request, "two_factor.recovery_code_used", model_name="User", record_id=user.pk, user_id=user.pk,
                  changes={"left": await two_factor.recovery_codes_left(user)})
        return await complete_login(request, user, remember=challenge.remember, next_path=challenge.next)

    def _no_challenge(self, request: Request) -> Response:
        if wants_json(request):
            return error_response(request, 401, NO_CHALLENGE)
        flash(request, NO_CHALLENGE, "error")
        return RedirectResponse(request.url_for("login").path, status_code=303)


class TwoFactorSettingsController:
    """`/account/two-factor`: one page, and one POST whose `action` is `enable`, `confirm`, `disable`
    or `recovery-codes` (new codes in place of the old; like `disable`, it needs the password).

    The recovery codes are in the answer to `confirm` only (a page, not a flash message: a flash
    would put them in the session, which with signed cookies is readable in the browser).
    """

    @operation(response=ANSWER, summary="Whether two-factor is on, and a set-up in progress", tags=["account"])
    @login_required
    async def show(self, request: Request) -> Response:
        user = await current_user(request)
        setup = two_factor.enrolment(user)
        if wants_json(request):
            return JSONResponse(await self._state(user, setup))
        return render(request, "auth/two_factor.html", {
            "enabled": two_factor.is_enabled(user), "setup": setup,
            "codes_left": await two_factor.recovery_codes_left(user)})

    @operation(body=SETTINGS_RULES, response=ANSWER, summary="Turn two-factor on or off, or replace the recovery codes",
               tags=["account"], errors=[400, 409, 422, 429])
    @login_required
    @throttle(CHANGES_PER_USER, key="user", name="two-factor:settings")
    async def update(self, request: Request) -> Response:
        user = await current_user(request)
        data = await form_data(request)
        action = data.get("action", "")
        if action == "enable":
            return await self._enable(request, user)
        if action == "confirm":
            return await self._confirm(request, user, data)
        if action == "disable":
            return await self._disable(request, user, data)
        if action == "recovery-codes":
            return await self._new_recovery_codes(request, user, data)
        return error_response(request, 400, "Say what to do: action=enable, confirm, disable or recovery-codes.")

    async def _enable(self, request: Request, user: User) -> Response:
        if two_factor.is_enabled(user):
            return error_response(request, 409, "Two-factor is already on: turn it off first to set up another device.")
        setup = await two_factor.begin_setup(user)
        if wants_json(request):
            return JSONResponse(await self._state(user, setup))
        return RedirectResponse(request.url_for("account.two_factor").path, status_code=303)

    async def _confirm(self, request: Request, user: User, data: dict[str, str]) -> Response:
        if two_factor.is_enabled(user):
            return error_response(request, 409, "Two-factor is already on.")
        if two_factor.enrolment(user) is None:
            return error_response(request, 409, "Start the setup first: there is no new code to confirm.")
        clean = await CONFIRM_RULES.validate(data)
        codes = await two_factor.confirm(user, clean["code"])
        if codes is None:
            raise ValidationError({"code": [BAD_SETUP_CODE]})
        audit(request, "two_factor.enabled", model_name="User", record_id=user.pk)
        return self._show_codes(request, codes)

    async def _disable(self, request: Request, user: User, data: dict[str, str]) -> Response:
        await self._check_password(user, data)
        if not two_factor.is_enabled(user):
            return error_response(request, 409, "Two-factor is not on.")
        await two_factor.disable(user)
        audit(request, "two_factor.disabled", model_name="User", record_id=user.pk)
        if wants_json(request):
            return JSONResponse({"enabled": False})
        flash(request, "Two-factor authentication is off.", "success")
        return RedirectResponse(request.url_for("account").path, status_code=303)

    async def _new_recovery_codes(self, request: Request, user: User, data: dict[str, str]) -> Response:
        await self._check_password(user, data)
        if not two_factor.is_enabled(user):
            return error_response(request, 409, "Two-factor is not on.")
        codes = await two_factor.new_recovery_codes(user)
        audit(request, "two_factor.recovery_codes_replaced", model_name="User", record_id=user.pk)
        return self._show_codes(request, codes)

    async def _check_password(self, user: User, data: dict[str, str]) -> None:
        clean = await PASSWORD_RULES.validate(data)
        matches, _ = await verify_password(clean["password"], user.password_hash)
        if not matches:
            raise ValidationError({"password": [WRONG_PASSWORD]})

    def _show_codes(self, request: Request, codes: list[str]) -> Response:
        if wants_json(request):
            return JSONResponse({"enabled": True, "recovery_codes": codes})
        return render(request, "auth/two_factor.html", {"enabled": True, "recovery_codes": codes,
                                                        "codes_left": len(codes)})

    async def _state(self, user: User, setup: two_factor.Enrolment | None) -> dict[str, object]:
        state: dict[str, object] = {"enabled": two_factor.is_enabled(user),
                                    "recovery_codes_left": await two_factor.recovery_codes_left(user)}
        if setup is not None:
            state["setup"] = {"secret": setup.secret, "otpauth_url": setup.uri, "qr_svg": setup.qr_svg}
        return state
