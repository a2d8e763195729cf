"""Commands import only what they use: each library a command does not need stays out of its process.

Start-up time is what a user waits for at every command (bench/cli.py measures it); these tests
keep it from creeping back, by listing what the real process imported (`python3 -X importtime`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import site_environment
from tests.support.site_copy import TEST_SECRET, copy_site

# Libraries the routes' controllers use only inside a request: a sign-in, a page, a mail, an upload,
# a rate counted (limits: a declared rate is checked against its grammar without it), a code checked,
# a form's CSRF field (markupsafe).
REQUEST_TIME = ("authlib", "httpx", "joserfc", "jinja2", "cryptography", "passlib", "segno", "puremagic",
                "imagesize", "cashews", "saq", "aiosmtplib", "redis", "limits", "pyotp", "markupsafe")
# The framework's own request-time modules: composing and delivering a mail, changing and syncing
# roles (the admin reads grants only), the broadcast hub (the front layer checks origins only),
# read replicas (only with DB_READ_URLS), paginating (the admin's list pages).
FRAMEWORK_REQUEST_TIME = ("core.mail.delivery", "core.mail.message", "core.mail.transports", "core.acl.changes",
                          "core.acl.sync", "core.realtime.hub", "core.replicas", "core.pagination")


def imported(site: Path, *args: str, settings: dict[str, str] | None = None) -> set[str]:
    """The modules `python3 nori.py ARGS` imported, read from `-X importtime`, and their top-level packages.

    An import that was tried and failed is listed too (`numpy`, hidden from Aerich's differ, shows
    alone): a package that really loaded shows with its submodules.
    """
    env = site_environment({"DEBUG": "true", "SECRET_KEY": TEST_SECRET, **(settings or {})}, site.parent)
    result = subprocess.run([sys.executable, "-X", "importtime", "nori.py", *args], cwd=site, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            names.update((name, name.split(".")[0]))
    return names


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_site(tmp_path_factory.mktemp("imports"))


def test_the_help_imports_neither_the_orm_nor_starlette(site: Path) -> None:
    loaded = imported(site)
    assert not loaded & {"tortoise", "starlette", "argparse", "asyncio"}


def test_routes_list_builds_the_app_without_request_time_libraries(site: Path) -> None:
    loaded = imported(site, "routes:list")
    assert "starlette" in loaded and "tortoise" in loaded
    assert not loaded & {*REQUEST_TIME, *FRAMEWORK_REQUEST_TIME}
    assert "aerich" not in loaded
    assert "core.openapi.document" not in loaded  # the generator loads with the first document
    assert "core.http.front" not in loaded  # the routes are listed without building the app's middleware


def test_openapi_export_links_the_models_without_the_migration_engine(site: Path) -> None:
    loaded = imported(site, "openapi:export")
    assert not loaded & {"aerich", "asyncclick", *REQUEST_TIME, *FRAMEWORK_REQUEST_TIME}


def test_a_database_command_keeps_numpy_out_of_the_migration_engine(site: Path, tmp_path: Path) -> None:
    """Aerich's differ (dictdiffer) imports numpy when it is installed; the framework hides it there."""
    loaded = imported(site, "migrate:status",
                      settings={"DB_ENGINE": "sqlite", "DB_NAME": str(tmp_path / "status.sqlite3")})
    assert {"aerich", "dictdiffer"} <= loaded
    assert not any(name.startswith("numpy.") for name in loaded)
