"""`GET /health`: a probe for load balancers and container health checks. It never raises."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from core.openapi.markers import operation

logger = logging.getLogger("nori.health")
DB_TIMEOUT_SECONDS = 3.0
# The one body of both answers, 200 and 503, for the OpenAPI document.
HEALTH_ANSWER = {"type": "object", "required": ["status", "database"], "properties": {
    "status": {"enum": ["ok", "error"]}, "database": {"type": "string"},
    "replicas": {"type": "object", "additionalProperties": {"type": "string"}}}}


async def database_status(name: str = "default") -> str:
    """'ok', or a short reason that names the failure class but no host, password or SQL.

    A read replica is asked itself (`probe`): its usual fallback to the primary would hide it.
    """
    try:
        from tortoise import connections

        connection: Any = connections.get(name)
        probe = connection.probe() if hasattr(connection, "probe") else connection.execute_query("SELECT 1")
        await asyncio.wait_for(probe, DB_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"timeout after {DB_TIMEOUT_SECONDS:g}s"
    except Exception as exc:  # the probe reports every failure instead of raising it
        logger.warning("health check: database %s unreachable: %r", name, exc)
        return f"unreachable ({type(exc).__name__})"
    return "ok"


@operation(response=HEALTH_ANSWER, answers={503: HEALTH_ANSWER}, summary="Whether the database answers",
           tags=["health"])
async def health(request: Request) -> JSONResponse:
    """200 while the primary answers; each read replica's state is reported beside it, and one that
    is down does not fail the probe (its reads go to the primary meanwhile)."""
    from core.replicas.engine import replica_names

    database = await database_status()
    body: dict[str, Any] = {"status": "ok" if database == "ok" else "error", "database": database}
    names = replica_names()
    if names:
        body["replicas"] = dict(zip(names, await asyncio.gather(*(database_status(n) for n in names)), strict=True))
    return JSONResponse(body, status_code=200 if database == "ok" else 503)
