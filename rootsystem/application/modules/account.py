"""The account's security pages: where the user is logged in, and changing the password.

The sessions page lists every live session of the user (device, IP, last seen) with a "log out"
button for each, which needs server-side sessions (SESSION_BACKEND=redis or database): signed
cookies leave nothing on the server to list or end, and the page says so. Changing the password
ends every other session of the user (a thief who had the old password, or a copied cookie, is
out) and gives the current one a new id.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from core.audit import audit
from core.auth.decorators import login_required
from core.auth.identity import current_user
from core.auth.password_reset import reset_password
from core.auth.passwords import verify_password
from core.auth.sessions import active_sessions, current_handle, end_session, logout, logout_everywhere
from core.http.flash import flash
from core.http.negotiation import wants_json
from core.http.session_store import ActiveSession, session_store
from core.openapi import operation
from core.validation import ValidationError, Validator
from core.views import render
from modules.auth import form_data

PASSWORD_RULES = Validator({
    "current_password": "required|string|max:128",
    "password": "required|string|min:8|max:128|confirmed",
})
SESSION_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "ip": {"type": ["string", "null"]},
                   "user_agent": {"type": ["string", "null"]}, "last_seen": {"type": "string", "format": "date-time"},
                   "current": {"type": "boolean"}},
    "required": ["id", "ip", "user_agent", "last_seen", "current"],
}
SESSIONS_ANSWER = {"type": "object", "required": ["sessions", "tracked"], "properties": {
    "sessions": {"type": "array", "items": SESSION_SCHEMA}, "tracked": {"type": "boolean"}}}
DONE_ANSWER = {"type": "object", "properties": {"ok": {"const": True}, "ended": {"type": "integer"}},
               "required": ["ok"]}
WRONG_PASSWORD = "The current password is not correct."


def session_json(session: ActiveSession, current: str | None) -> dict[str, object]:
    return {"id": session.handle, "ip": session.ip, "user_agent": session.user_agent,
            "last_seen": session.last_seen.isoformat(), "current": session.handle == current}


class AccountController:
    @operation(response=SESSIONS_ANSWER, summary="Where the user is logged in", tags=["account"])
    @login_required
    async def sessions(self, request: Request) -> Response:
        user = await current_user(request)
        server_side = session_store() is not None
        listed = await active_sessions(user) if server_side else []
        current = current_handle(request)
        if wants_json(request):
            return JSONResponse({"sessions": [session_json(s, current) for s in listed], "tracked": server_side})
        return render(request, "auth/sessions.html", {"sessions": listed, "current": current, "tracked": server_side})

    @operation(response=DONE_ANSWER, summary="Log one session out", tags=["account"], errors=[404])
    @login_required
    async def end_session(self, request: Request) -> Response:
        user = await current_user(request)
        handle = request.path_params["session"]
        if session_store() is None or not await end_session(user, handle):
            raise HTTPException(404, "No such session: it has ended already, or it is not yours.")
        audit(request, "session.ended", model_name="User", record_id=user.pk)
        if handle == current_handle(request):  # ended from its own page: that is a logout
            await logout(request)
        return self._done(request, "That session has been logged out.")

    @operation(response=DONE_ANSWER, summary="Log every other session out", tags=["account"],
               errors=[409])  # with SESSION_BACKEND=cookie
    @login_required
    async def end_other_sessions(self, request: Request) -> Response:
        user = await current_user(request)
        if session_store() is None:
            raise HTTPException(409, "Other sessions cannot be listed or ended with SESSION_BACKEND=cookie.")
        ended = await logout_everywhere(user, keep=request)
        audit(request, "session.ended_others", model_name="User", record_id=user.pk, changes={"ended": ended})
        return self._done(request, f"Logged out of {ended} other session{'s' if ended != 1 else ''}.", ended=ended)

    @login_required
    async def password_form(self, request: Request) -> Response:
        return render(request, "auth/password.html")

    @operation(body=PASSWORD_RULES, response=DONE_ANSWER, summary="Change the password", tags=["account"])
    @login_required
    async def change_password(self, request: Request) -> Response:
        user = await current_user(request)
        clean = await PASSWORD_RULES.validate(await form_data(request))
        matches, _ = await verify_password(clean["current_password"], user.password_hash)
        if not matches:
            raise ValidationError({"current_password": [WRONG_PASSWORD]})
        ended = await reset_password(request, user, clean["password"])
        audit(request, "password.changed", model_name="User", record_id=user.pk, changes={"sessions_ended": ended})
        return self._done(request, "Your password has been changed; your other sessions are logged out.",
                          ended=ended, back="account")

    def _done(self, request: Request, message: str, *, ended: int | None = None,
              back: str = "account.sessions") -> Response:
        if wants_json(request):
            return JSONResponse({"ok": True, **({"ended": ended} if ended is not None else {})})
        flash(request, message, "success")
        target = request.url_for(back if "session" in request.scope and request.session else "login").path
        return RedirectResponse(target, status_code=303)
