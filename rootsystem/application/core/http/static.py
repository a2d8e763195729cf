"""Static files: long-lived caching in production, with `static()` URLs that change with the file."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles as StarletteStaticFiles
from starlette.types import Scope

from core.settings import settings

PRODUCTION_CACHE = "public, max-age=604800"


class StaticFiles(StarletteStaticFiles):
    """Starlette's static files plus `Cache-Control`: a week in production, revalidate in DEBUG."""

    def __init__(self, *, directory: str | os.PathLike[str], debug: bool | None = None) -> None:
        if debug is None:
            debug = settings.DEBUG
        super().__init__(directory=directory)
        self.cache_control = "no-cache" if debug else PRODUCTION_CACHE

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers.setdefault("cache-control", self.cache_control)
        return response


def _mtime(file: Path) -> str:
    try:
        return str(int(file.stat().st_mtime))
    except OSError:
        return ""


_cached_mtime = lru_cache(maxsize=1024)(_mtime)


def static_url(path: str, directory: Path, debug: bool) -> str:
    """`/static/<path>?v=<mtime>`: a changed file gets a new URL, so week-long caching is safe.

    In DEBUG the version is read on every call (files change while you work); in production
    once per file and process.
    """
    relative = path.lstrip("/")
    version = (_mtime if debug else _cached_mtime)(directory / relative)
    return f"/static/{relative}" + (f"?v={version}" if version else "")
