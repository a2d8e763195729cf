"""The site's named routes; `url_for(name, **params)` builds their URLs."""

from __future__ import annotations

from starlette.routing import Mount, Route

import settings
from core.http.static import StaticFiles
from modules.account import AccountController
from modules.auth import AuthController, PasswordResetController, VerificationController
from modules.home import HomeController
from modules.social import SocialLoginController
from modules.two_factor import TwoFactorChallengeController, TwoFactorSettingsController

home = HomeController()
auth = AuthController()
account = AccountController()
passwords = PasswordResetController()
verification = VerificationController()
challenge = TwoFactorChallengeController()
two_factor = TwoFactorSettingsController()
social = SocialLoginController()

routes = [
    Route("/", home.index, name="home"),
    Route("/register", auth.register_form, methods=["GET"], name="register"),
    Route("/register", auth.register, methods=["POST"], name="register.store"),
    Route("/login", auth.login_form, methods=["GET"], name="login"),
    Route("/login", auth.login, methods=["POST"], name="login.store"),
    Route("/logout", auth.logout, methods=["POST"], name="logout"),
    Route("/account", auth.account, methods=["GET"], name="account"),
    Route("/account/sessions", account.sessions, methods=["GET"], name="account.sessions"),
    Route("/account/sessions/logout-others", account.end_other_sessions, methods=["POST"],
          name="account.sessions.end_others"),
    Route("/account/sessions/{session:str}/logout", account.end_session, methods=["POST"], name="account.sessions.end"),
    Route("/account/password", account.password_form, methods=["GET"], name="account.password"),
    Route("/account/password", account.change_password, methods=["POST"], name="account.password.store"),
    Route("/account/two-factor", two_factor.show, methods=["GET"], name="account.two_factor"),
    Route("/account/two-factor", two_factor.update, methods=["POST"], name="account.two_factor.update"),
    Route("/two-factor", challenge.form, methods=["GET"], name="two_factor.challenge"),
    Route("/two-factor", challenge.verify, methods=["POST"], name="two_factor.verify"),
    Route("/auth/{provider:str}", social.redirect, methods=["GET"], name="social.redirect"),
    Route("/auth/{provider:str}/callback", social.callback, methods=["GET"], name="social.callback"),
    Route("/forgot-password", passwords.request_form, methods=["GET"], name="password.request"),
    Route("/forgot-password", passwords.send_link, methods=["POST"], name="password.email"),
    Route("/reset-password/{token}", passwords.reset_form, methods=["GET"], name="password.reset"),
    Route("/reset-password/{token}", passwords.reset, methods=["POST"], name="password.update"),
    Route("/verify-email/resend", verification.resend, methods=["POST"], name="verification.send"),
    Route("/verify-email/{token}", verification.verify, methods=["GET"], name="verification.verify"),
    Mount("/static", app=StaticFiles(directory=settings.STATIC_DIR), name="static"),
]
