"""GET /metrics: Prometheus' format, who may read it, route templates as labels, several processes adding up."""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from core.kernel import create_app
from tests.support.models import Owner

ROOT = Path(__file__).resolve().parent.parent


async def owner_page(request: Request) -> JSONResponse:
    return JSONResponse({"owners": await Owner.filter(id=request.path_params["id"]).count()})


def client_of(app: object, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 4000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in the exposition text (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(wanted)}\}} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


@pytest.fixture
def metrics_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "METRICS_ENABLED", True)
    monkeypatch.setattr(settings, "METRICS_TOKEN", "")
    monkeypatch.setattr(settings, "METRICS_ALLOW", [])


async def test_requests_are_counted_by_route_template_with_their_queries(db: str, metrics_on: None) -> None:
    app = create_app(routes=[Route("/owners/{id:int}", owner_page)], debug=False)
    async with client_of(app) as client:
        before = (await client.get("/metrics")).text
        for owner in (1, 2):
            assert (await client.get(f"/owners/{owner}")).status_code == 200
        await client.get("/no/such/page")
        answer = await client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    route = {"method": "GET", "route": "/owners/{id:int}", "status": "200"}
    assert sample(text, "nori_http_requests_total", **route) - sample(before, "nori_http_requests_total", **route) == 2
    assert sample(text, "nori_http_requests_total", method="GET", route="unmatched", status="404") >= 1
    assert "/owners/1" not in text  # paths never become labels
    queries = sample(text, "nori_http_request_queries_sum", route="/owners/{id:int}")
    assert queries - sample(before, "nori_http_request_queries_sum", route="/owners/{id:int}") == 2  # one each
    assert sample(text, "nori_http_request_duration_seconds_count", method="GET", route="/owners/{id:int}") >= 2
    if db != "sqlite":  # pooled engines report the connections checked out at the scrape
        assert re.search(r'^nori_db_pool_connections_in_use\{connection="default"\} \d', text, re.M)


async def test_without_token_or_networks_only_this_machine_may_read(db: str, metrics_on: None) -> None:
    app = create_app(routes=[], debug=False)
    async with client_of(app, "203.0.113.9") as outsider, client_of(app) as local:
        assert (await outsider.get("/metrics")).status_code == 403
        assert (await local.get("/metrics")).status_code == 200


async def test_a_token_or_an_allowed_network_opens_it(db: str, metrics_on: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "METRICS_TOKEN", "scrape-secret")
    monkeypatch.setattr(settings, "METRICS_ALLOW", [ipaddress.ip_network("10.0.0.0/8")])
    app = create_app(routes=[], debug=False)
    async with client_of(app, "203.0.113.9") as outsider, client_of(app, "10.1.2.3") as cluster:
        refused = await outsider.get("/metrics", headers={"accept": "application/json"})
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert (await outsider.get("/metrics", headers={"authorization": "Bearer wrong"})).status_code == 401
        assert (await outsider.get("/metrics", headers={"authorization": "Bearer scrape-secret"})).status_code == 200
        assert (await cluster.get("/metrics")).status_code == 200
        assert (await client_of(app).get("/metrics")).status_code == 401  # a token set: loopback is not enough


async def test_off_by_default(db: str) -> None:
    async with client_of(create_app(routes=[], debug=False)) as client:
        assert (await client.get("/metrics")).status_code == 404


def test_worker_processes_add_up(tmp_path: Path) -> None:
    """Two processes count requests; a third, scraping, sees their sum (gunicorn's workers in production)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
           "PYTHONPATH": f"{ROOT / 'rootsystem' / 'application'}:{ROOT}"}
    count = ("from core.observability.metrics import record_request\n"
             "for _ in range(3): record_request('GET', '/articles', 200, 0.01, 2, 0.001)\n")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True, timeout=60)
    scrape = "import sys; from core.observability.metrics import render; sys.stdout.write(render().decode())"
    text = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, timeout=60, capture_output=True,
                          text=True).stdout
    assert sample(text, "nori_http_requests_total", method="GET", route="/articles", status="200") == 6
    assert sample(text, "nori_http_request_queries_sum", route="/articles") == 12


async def test_jobs_are_counted_per_queue_and_state(db: str, metrics_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from core.jobs.backend import current_backend, use_backend
    from core.models import FailedJob
    from core.testing.redis import require_redis
    from tests.support.queue_jobs import slow_step

    await FailedJob.create(job_id="j1", name="x", queue="nori-test-crash", kwargs={}, exception="E", traceback="T",
                           attempts=1, failed_at=datetime.now(UTC))
    monkeypatch.setattr(settings, "QUEUE_URL", require_redis())
    use_backend(None)
    try:
        backend = current_backend()
        for key in await backend.queue("nori-test-crash").redis.keys("saq:nori-test-crash:*"):  # type: ignore[attr-defined]
            await backend.queue("nori-test-crash").redis.delete(key)  # type: ignore[attr-defined]
        await slow_step.dispatch(n=1)  # no worker runs: it stays queued
        await slow_step.dispatch(n=2, delay=600)
        async with client_of(create_app(routes=[], debug=False)) as client:
            text = (await client.get("/metrics")).text
        assert sample(text, "nori_jobs", queue="nori-test-crash", state="failed") == 1
        assert sample(text, "nori_jobs", queue="nori-test-crash", state="queued") == 1
        assert sample(text, "nori_jobs", queue="nori-test-crash", state="scheduled") == 1
        assert sample(text, "nori_jobs", queue="nori-test-crash", state="running") == 0
    finally:
        for key in await backend.queue("nori-test-crash").redis.keys("saq:nori-test-crash:*"):  # type: ignore[attr-defined]
            await backend.queue("nori-test-crash").redis.delete(key)  # type: ignore[attr-defined]
        await backend.close()  # type: ignore[attr-defined]
        use_backend(None)
