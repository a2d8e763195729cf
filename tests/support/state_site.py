"""The site plus routes that use the cache and a rate limit, served by tests/test_state_served.py.

Serve it with `uvicorn tests.support.state_site:app` from `rootsystem/application` with the
project root on PYTHONPATH; the shipped site's routes are left untouched.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.cache import cache
from core.http.throttle import throttle
from core.kernel import create_app
from routes import routes


async def cache_set(request: Request) -> JSONResponse:
    stored = await cache.set(request.query_params["key"], request.query_params["value"], 60)
    return JSONResponse({"stored": stored})


async def cache_get(request: Request) -> JSONResponse:
    return JSONResponse({"value": await cache.get(request.query_params["key"])})


@throttle("10/minute", name="state-limited")
async def limited(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


async def plain(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


app = create_app(routes=[
    Route("/state/cache/set", cache_set), Route("/state/cache/get", cache_get),
    Route("/state/limited", limited), Route("/state/plain", plain), *routes,
])
