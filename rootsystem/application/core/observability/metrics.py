"""`GET /metrics` in Prometheus' text format, on prometheus-client (METRICS_ENABLED=true).

What is counted: requests by method, route template and status; their latency; the database
time and the number of queries of each request (the query-timing layer measures them); read at
each scrape, the pooled database connections in use and the jobs per queue (queued, running and
scheduled from Redis with QUEUE_URL; failed from the failure records). Routes are labelled by template
(`/articles/{id:int}`), and a request no route matched by `unmatched`, so a scanner walking
random paths cannot grow the series without bound.

Several processes (gunicorn workers) add up when PROMETHEUS_MULTIPROC_DIR names a directory
that exists and is emptied before the server starts: prometheus-client then keeps each
process's figures in files there and a scrape of any worker reads them all. Without it each
process reports its own figures.

Who may read it: a bearer token (METRICS_TOKEN), clients from METRICS_ALLOW networks, and,
when neither is set, only this machine (loopback). Metrics name routes and traffic: they are
not for the public.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

from core.http.client import client_ip
from core.http.errors import error_response
from core.settings import settings

logger = logging.getLogger("nori.metrics")
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
UNMATCHED = "unmatched"

REQUESTS = Counter("nori_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("nori_http_request_duration_seconds", "Time to answer a request", ["method", "route"])
DB_TIME = Histogram("nori_http_request_db_seconds", "Database time of one request", ["route"],
                    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
QUERIES = Histogram("nori_http_request_queries", "Queries run by one request", ["route"],
                    buckets=(0, 1, 2, 3, 5, 10, 20, 50, 100, 200))
JOBS = Gauge("nori_jobs", "Jobs per queue and state: queued, running, scheduled (Redis) and failed (records)",
             ["queue", "state"], multiprocess_mode="livemax")
POOL_IN_USE = Gauge("nori_db_pool_connections_in_use", "Pooled database connections checked out",
                    ["connection"], multiprocess_mode="livesum")


def record_request(method: str, route: str | None, status: int, seconds: float, queries: int,
                   db_seconds: float) -> None:
    label = route or UNMATCHED
    REQUESTS.labels(method, label, str(status)).inc()
    LATENCY.labels(method, label).observe(seconds)
    DB_TIME.labels(label).observe(db_seconds)
    QUERIES.labels(label).observe(queries)


def allowed(request: Request) -> bool:
    """A matching bearer token, or a client address from METRICS_ALLOW (loopback when nothing is set)."""
    if settings.METRICS_TOKEN:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), settings.METRICS_TOKEN.encode()):
            return True
    networks = settings.METRICS_ALLOW or (() if settings.METRICS_TOKEN else LOOPBACK)
    address = client_ip(request)
    return address is not None and any(ipaddress.ip_address(address) in network for network in networks)


def update_pool_gauges() -> None:
    from tortoise import connections

    from core.compat.tortoise import pool_in_use

    for client in connections.all():
        in_use = pool_in_use(client)
        if in_use is not None:
            POOL_IN_USE.labels(client.connection_name).set(in_use)


async def update_job_gauges() -> None:
    """Failure records per queue, and with QUEUE_URL what waits and runs in Redis, read at the scrape."""
    from core.jobs.backend import current_backend
    from core.jobs.discovery import discover_jobs
    from core.jobs.failures import failures_per_queue

    failed = await failures_per_queue()
    queues = sorted({"default", *(job.queue for job in discover_jobs().values()), *failed})
    backend: Any = current_backend()
    for queue in queues:
        JOBS.labels(queue, "failed").set(failed.get(queue, 0))
        if hasattr(backend, "counts"):  # the Redis driver; in-process jobs cannot be counted across processes
            counts = await backend.counts(queue)
            for state in ("queued", "running", "scheduled"):
                JOBS.labels(queue, state).set(getattr(counts, state))


def render() -> bytes:
    """Every metric, summed over the server's processes in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


async def metrics(request: Request) -> Response:
    if not allowed(request):
        headers = {"WWW-Authenticate": "Bearer"} if settings.METRICS_TOKEN else None
        return error_response(request, 401 if settings.METRICS_TOKEN else 403, "Not allowed to read the metrics",
                              headers)
    update_pool_gauges()
    try:
        await update_job_gauges()
    except Exception as error:  # a queue store or table that does not answer leaves the other metrics readable
        logger.warning("metrics: job counts not read: %s", error)
    return Response(render(), media_type=CONTENT_TYPE_LATEST)
