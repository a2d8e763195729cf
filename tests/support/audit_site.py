"""The site plus a few routes that write and audit, served by the audit tests and bench/audit.py.

Serve it with `uvicorn tests.support.audit_site:app` from `rootsystem/application` with the
project root on PYTHONPATH; the shipped site's routes are left untouched.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from core.audit import audit
from core.kernel import create_app
from core.logs import configure_logging
from routes import routes
from tests.support.audit_models import AuditedMember, BatchedMember, MemberFields, PlainMember, member_config

MEMBER_MODELS: dict[str, type[MemberFields]] = {
    "plain": PlainMember, "transactional": AuditedMember, "batched": BatchedMember,
}

_numbers = itertools.count(1)


async def audit_burst(request: Request) -> JSONResponse:
    """Queue `n` audit rows in one request (load for the shutdown-flush test)."""
    count = int(request.query_params.get("n", "1"))
    for number in range(count):
        audit(request, "burst", model_name="Burst", record_id=number)
    return JSONResponse({"queued": count})


async def _sign_up(model: type[MemberFields]) -> MemberFields:
    number = f"{os.getpid()}-{next(_numbers)}"
    return await model.create(slug=f"u-{number}", name="Bench", email=f"{number}@example.com", password_hash="x")


def sign_up(model: type[MemberFields]) -> Callable[[Request], Awaitable[JSONResponse]]:
    """A sign-up endpoint storing `model`: plain, audited in the change's transaction, or batched."""

    async def endpoint(request: Request) -> JSONResponse:
        member = await _sign_up(model)
        return JSONResponse({"id": member.id}, status_code=201)

    return endpoint


async def audit_cost(request: Request) -> JSONResponse:
    """CPU microseconds, inside the served process, of the parts the req/s ratios are made of:
    one audit() call and the batched write of its row, a plain sign-up's insert, and a sign-up
    whose audit row is written in its own transaction."""
    from core.audit import flush

    calls = int(request.query_params.get("n", "2000"))
    start = time.process_time()
    for number in range(calls):
        audit(request, "cost", model_name="User", record_id=number, changes={"slug": {"before": None, "after": "x"}})
    queued = time.process_time()
    await flush()
    written = time.process_time()
    inserts = {}
    for name, model in (("plain_insert", PlainMember), ("transactional_insert", AuditedMember)):
        began = time.process_time()
        for _ in range(calls // 10):
            await _sign_up(model)
        inserts[name] = (time.process_time() - began) / (calls // 10) * 1e6
    return JSONResponse({
        "audit_call": (queued - start) / calls * 1e6,
        "row_write": (written - queued) / calls * 1e6,
        **inserts,
    })


async def cpu_seconds(request: Request) -> JSONResponse:
    """The server process's CPU time so far, so the bench can report CPU per request (and its pid,
    so the bench can pin it to a core)."""
    return JSONResponse({"cpu": time.process_time(), "pid": os.getpid()})


configure_logging(settings.LOG_LEVEL)
# Load generators post without a session, like an API client; CSRF is not what these measure.
app = create_app(tortoise_config=member_config(settings.DATABASE), routes=[
    Route("/_audit/burst", audit_burst, methods=["POST"], name="audit.burst"),
    *(Route(f"/_audit/members/{name}", sign_up(model), methods=["POST"], name=f"audit.members.{name}")
      for name, model in MEMBER_MODELS.items()),
    Route("/_bench/cpu", cpu_seconds),
    Route("/_bench/audit-cost", audit_cost),
    *routes,
], csrf_exempt=["audit.burst", *(f"audit.members.{name}" for name in MEMBER_MODELS)])
