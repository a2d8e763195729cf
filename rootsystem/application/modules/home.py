"""The welcome page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

import settings
from core.views import render


class HomeController:
    async def index(self, request: Request) -> Response:
        return render(request, "welcome.html", {"engine": settings.DB_ENGINE})
