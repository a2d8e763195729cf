"""The site's named routes; `url_for(name, **params)` builds their URLs."""

from __future__ import annotations

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import settings
from modules.home import HomeController

home = HomeController()

routes = [
    Route("/", home.index, name="home"),
    Mount("/static", app=StaticFiles(directory=settings.STATIC_DIR), name="static"),
]
