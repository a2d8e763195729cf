"""An app reporting its process's garbage collector, served by tests/test_gc_tuning.py under gunicorn.

Its lifespan notes what the collector looked like while the app was starting, so a test can tell
that the worker tuned it after start-up, not before.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

during_startup: dict[str, object] = {}


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    during_startup.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count())
    yield


async def state(request: Request) -> Response:
    return JSONResponse({"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count(),
                         "during_startup": during_startup})


app = Starlette(routes=[Route("/gc", state)], lifespan=lifespan)
