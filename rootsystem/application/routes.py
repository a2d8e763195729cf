"""The site's named routes; `url_for(name, **params)` builds their URLs."""

from __future__ import annotations

from starlette.routing import Mount, Route

import settings
from core.http.static import StaticFiles
from modules.account import AccountController
from modules.auth import AuthController
from modules.home import HomeController

home = HomeController()
auth = AuthController()
account = AccountController()

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
    Mount("/static", app=StaticFiles(directory=settings.STATIC_DIR), name="static"),
]
