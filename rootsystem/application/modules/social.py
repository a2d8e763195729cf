"""Social login: `/auth/{provider}` sends the browser to the provider, `/auth/{provider}/callback`
takes it back (core/auth/oauth.py does the exchange; this module decides whose account it is).

Who the provider's account is, in order:

1. A logged-in visitor is linking it to their own account (the account page's buttons).
2. A link already made: that user logs in, through the same steps as a password login, so a user
   with two-factor on is asked for a code at /two-factor.
3. A user with the same email: linked only when the provider says it verified that address.
   Otherwise anyone who registers that address at the provider could take the account over, so
   the answer is a 409 telling the owner to log in and link from the account page.
4. Nobody: a new user, with the provider's verification carried over and an unusable password
   (a password reset gives one), is created, linked and logged in.

Every link is audited as `social.linked`, every login as `social.login`.
"""

from __future__ import annotations

import secrets

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from tortoise.exceptions import IntegrityError

from core.audit import audit
from core.auth import oauth, two_factor
from core.auth.decorators import safe_next
from core.auth.identity import current_user
from core.auth.verification import mark_verified
from core.http.errors import error_response
from core.http.flash import flash
from core.models.social_account import SocialAccount
from core.openapi import internal
from core.validation.emails import normalise_email
from models.user import User
from modules.auth import absolute_url, log_in_or_challenge, make_slug

NEXT_KEY = "_social_next"
DISABLED = "This account is disabled."


def provider_or_404(request: Request) -> oauth.Provider:
    name = request.path_params["provider"]
    found = oauth.provider(name)
    if found is None:
        raise HTTPException(404, f"There is no sign-in with {name[:50]!r} on this site.")
    return found


class SocialLoginController:
    """Both steps are left out of /openapi.json: they are a browser's round trip through another
    site, which no API client makes, and their answers depend on a provider the document cannot name."""

    @internal
    async def redirect(self, request: Request) -> Response:
        """To the provider; `?next=` is where a login lands afterwards."""
        provider = provider_or_404(request)
        next_path = safe_next(request.query_params.get("next"), "")
        try:
            response = await oauth.redirect(request, provider, absolute_url(request, "social.callback",
                                                                            provider=provider.name))
        except oauth.OAuthFailed as failed:
            return error_response(request, failed.status, failed.message)
        request.session.pop(NEXT_KEY, None)  # not the page of a sign-in started before and abandoned
        if next_path:
            request.session[NEXT_KEY] = next_path
        return response

    @internal
    async def callback(self, request: Request) -> Response:
        provider = provider_or_404(request)
        next_path = request.session.pop(NEXT_KEY, "") if "session" in request.scope else ""
        try:
            identity = await oauth.identity(request, provider)
        except oauth.OAuthFailed as failed:
            return error_response(request, failed.status, failed.message)
        user = await current_user(request)
        if user is not None:
            return await self._link_to(request, user, provider, identity)
        link = await SocialAccount.filter(provider=identity.provider, subject=identity.subject).first()
        if link is not None:
            user = await User.filter(pk=link.user_id).first()
            if user is None:  # the user was deleted; the link goes with them
                await link.delete()
        if user is None:
            try:
                user = await self._user_by_email(request, provider, identity)
            except IntegrityError:  # a twin request created the user or the link a moment ago
                return error_response(request, 409, "This sign-in was just handled by another request: "
                                                    "start again from the login page.")
            if isinstance(user, Response):
                return user
        if not user.status:
            return error_response(request, 403, DISABLED)
        audit(request, "social.login", model_name="User", record_id=user.pk, user_id=user.pk,
              changes={"provider": provider.name, "two_factor": two_factor.is_enabled(user)})
        return await log_in_or_challenge(request, user, remember=False, next_path=next_path or None)

    async def _user_by_email(self, request: Request, provider: oauth.Provider,
                             identity: oauth.Identity) -> User | Response:
        """Step 3 or 4 of the module docstring: the user, linked now, or the refusal to answer."""
        if not identity.email:
            return error_response(request, 400, f"{provider.label} did not give an email address, which an "
                                                "account here needs: allow it there, or register with a password.")
        email = normalise_email(identity.email)
        user = await User.filter(email=email).first()
        if user is not None and not user.status:
            return error_response(request, 403, DISABLED)
        if user is not None and not identity.email_verified:
            return error_response(request, 409, (
                f"An account here already uses {email}, and {provider.label} has not verified that address, "
                f"so it cannot be linked by itself: log in with your password, then link {provider.label} "
                "from your account page."))
        if user is None:
            user = await self._register(identity, email)
        await self._link(request, user, identity)
        return user

    async def _register(self, identity: oauth.Identity, email: str) -> User:
        name = (identity.name or email.split("@", 1)[0])[:100]
        # Not a hash any scheme reads, so no password opens it; "forgot password" sets one.
        user = await User.create(slug=make_slug(name), name=name, email=email,
                                 password_hash=f"!social:{secrets.token_urlsafe(24)}")
        if identity.email_verified:
            await mark_verified(user)
        return user

    async def _link(self, request: Request, user: User, identity: oauth.Identity) -> None:
        await SocialAccount.create(user_id=user.pk, provider=identity.provider, subject=identity.subject,
                                   email=identity.email)
        audit(request, "social.linked", model_name="User", record_id=user.pk, user_id=user.pk,
              changes={"provider": identity.provider, "email": identity.email})

    async def _link_to(self, request: Request, user: User, provider: oauth.Provider,
                       identity: oauth.Identity) -> Response:
        """Step 1: a logged-in user links the provider's account to their own."""
        link = await SocialAccount.filter(provider=identity.provider, subject=identity.subject).first()
        if link is not None and link.user_id != user.pk:
            return error_response(request, 409, f"That {provider.label} account is linked to another account here.")
        if link is None:
            try:
                await self._link(request, user, identity)
            except IntegrityError:  # the same account linked by a twin request a moment ago
                return error_response(request, 409, f"That {provider.label} account was just linked.")
            flash(request, f"{provider.label} is linked: you can log in with it from now on.", "success")
        else:
            flash(request, f"{provider.label} was already linked to your account.", "info")
        return RedirectResponse(request.url_for("account").path, status_code=303)

