"""The site plus a few routes that write and audit, served by the audit tests and bench/audit.py.

Serve it with `uvicorn tests.support.audit_site:app` from `rootsystem/application` with the
project root on PYTHONPATH; the shipped site's routes are left untouched.
"""

from __future__ import annotations

import itertools
import os
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from core.audit import audit
from core.kernel import create_app
from core.logs import configure_logging
from models.user import User
from routes import routes

_numbers = itertools.count(1)


async def audit_burst(request: Request) -> JSONResponse:
    """Queue `n` audit rows in one request (load for the shutdown-flush test)."""
    count = int(request.query_params.get("n", "1"))
    for number in range(count):
        audit(request, "burst", model_name="Burst", record_id=number)
    return JSONResponse({"queued": count})


async def _create_user() -> User:
    number = f"{os.getpid()}-{next(_numbers)}"
    return await User.create(slug=f"u-{number}", name="Bench", email=f"{number}@example.com", password_hash="x")


async def write_plain(request: Request) -> JSONResponse:
    user = await _create_user()
    return JSONResponse({"id": user.id}, status_code=201)


async def write_audited(request: Request) -> JSONResponse:
    user = await _create_user()
    changes = {"slug": {"before": None, "after": user.slug}}
    audit(request, "create", model_name="User", record_id=user.id, changes=changes)
    return JSONResponse({"id": user.id}, status_code=201)


async def audit_cost(request: Request) -> JSONResponse:
    """CPU microseconds, inside the served process, of one audit() call, of writing one queued
    row, and of the plain endpoint's user insert: the parts the req/s ratio is made of."""
    from core.audit import flush

    calls = int(request.query_params.get("n", "2000"))
    start = time.process_time()
    for number in range(calls):
        audit(request, "cost", model_name="User", record_id=number, changes={"slug": {"before": None, "after": "x"}})
    queued = time.process_time()
    await flush()
    written = time.process_time()
    for _ in range(calls // 10):
        await _create_user()
    inserted = time.process_time()
    return JSONResponse({
        "audit_call": (queued - start) / calls * 1e6,
        "row_write": (written - queued) / calls * 1e6,
        "user_insert": (inserted - written) / (calls // 10) * 1e6,
    })


async def cpu_seconds(request: Request) -> JSONResponse:
    """The server process's CPU time so far, so the bench can report CPU per request (and its pid,
    so the bench can pin it to a core)."""
    return JSONResponse({"cpu": time.process_time(), "pid": os.getpid()})


configure_logging(settings.LOG_LEVEL)
# Load generators post without a session, like an API client; CSRF is not what these measure.
app = create_app(routes=[
    Route("/_audit/burst", audit_burst, methods=["POST"], name="audit.burst"),
    Route("/_bench/write", write_plain, methods=["POST"], name="bench.write"),
    Route("/_bench/write-audited", write_audited, methods=["POST"], name="bench.write_audited"),
    Route("/_bench/cpu", cpu_seconds),
    Route("/_bench/audit-cost", audit_cost),
    *routes,
], csrf_exempt=["audit.burst", "bench.write", "bench.write_audited"])
