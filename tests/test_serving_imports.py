"""A served worker keeps only what its requests use: what a few routes need loads at their first use.

Every module a worker imports stays in its memory for its whole life, in every worker
(docs/performance.md, "Memory"). These tests start the site as a server does (`asgi.py`, DEBUG
off, the start-up run) in a fresh process and list what it imported, so a module made lazy
cannot come back into every worker unnoticed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.server import APP_DIR, ROOT, site_environment
from tests.support.site_copy import TEST_SECRET

# What the site's start-up leaves unloaded, with the requests that load it.
LAZY = {
    "aerich": "the migration engine: a server with DEBUG off reads the history with plain SQL",
    "asyncclick": "Aerich's command-line toolkit",
    "core.admin.views": "the admin's pages, loaded by the first admin request",
    "core.openapi.document": "the OpenAPI builder, loaded by the first /openapi.json",
    "pyotp": "two-factor codes, loaded by a user's two-factor step",
    "difflib": "the 'did you mean' of a model name that is not registered",
    "core.mail.text": "the text part read off a mail's HTML, loaded by the first mail that needs one",
    "core.search": "the search indexes, built at start-up in DEBUG only",
}

PROBE = """
import asyncio, json, sys

import httpx

from asgi import app

LAZY = json.loads(sys.argv[1])


def loaded():
    return sorted(name for name in LAZY if name in sys.modules)


async def main():
    seen = {}
    async with app.router.lifespan_context(app):
        seen["start"] = loaded()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            assert (await client.get("/health")).status_code < 500
            seen["page"] = loaded()
            assert (await client.get("/openapi.json")).status_code == 200
            assert (await client.get("/admin/")).status_code in (302, 303, 403)
            seen["used"] = loaded()
    print(json.dumps(seen))


asyncio.run(main())
"""


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """What the served site had imported at start-up, after a request, and after the lazy routes."""
    tmp_path = tmp_path_factory.mktemp("serving-imports")
    env = site_environment({"DEBUG": "false", "SECRET_KEY": TEST_SECRET, "ALLOWED_HOSTS": "testserver",
                            "DB_ENGINE": "sqlite", "DB_NAME": str(tmp_path / "served.sqlite3")}, tmp_path)
    env["PYTHONPATH"] = f"{ROOT}:{APP_DIR}"
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(sorted(LAZY))], cwd=APP_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_started_site_leaves_what_few_requests_use_unloaded(seen: dict[str, list[str]]) -> None:
    assert seen["start"] == []


def test_a_request_that_does_not_use_them_loads_none_of_them(seen: dict[str, list[str]]) -> None:
    assert seen["page"] == []


def test_the_admin_and_the_openapi_document_load_at_their_first_request(seen: dict[str, list[str]]) -> None:
    assert {"core.admin.views", "core.openapi.document"} <= set(seen["used"])
    assert not set(seen["used"]) & {"aerich", "asyncclick"}
