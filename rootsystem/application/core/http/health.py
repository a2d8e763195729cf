"""`GET /health`: a probe for load balancers and container health checks. It never raises."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

logger = logging.getLogger("nori.health")
DB_TIMEOUT_SECONDS = 3.0


async def database_status() -> str:
    """'ok', or a short reason that names the failure class but no host, password or SQL."""
    try:
        from tortoise import connections

        connection = connections.get("default")
        await asyncio.wait_for(connection.execute_query("SELECT 1"), DB_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"timeout after {DB_TIMEOUT_SECONDS:g}s"
    except Exception as exc:  # the probe reports every failure instead of raising it
        logger.warning("health check: database unreachable: %r", exc)
        return f"unreachable ({type(exc).__name__})"
    return "ok"


async def health(request: Request) -> JSONResponse:
    database = await database_status()
    if database == "ok":
        return JSONResponse({"status": "ok", "database": "ok"})
    return JSONResponse({"status": "error", "database": database}, status_code=503)
