"""Settings that cannot work are refused when the site starts, with one line naming them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.conf import Env, SettingError
from core.database import DatabaseSettings

ROOT = Path(__file__).resolve().parents[1]


def start(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """Import the served app (`asgi:app`, as uvicorn does) with `settings`, in a fresh process."""
    env_file = tmp_path / "start.env"
    env_file.write_text("")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY", "APP_URL"))}
    environ.update(NORI_ENV_FILE=str(env_file), DB_ENGINE="sqlite", DB_NAME=str(tmp_path / "s.sqlite3"), **settings)
    return subprocess.run([sys.executable, "-c", "import asgi"], cwd=ROOT / "rootsystem" / "application",
                          env=environ, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("settings", "message"), [
    ({"DB_POOL_MIN": "5", "DB_POOL_MAX": "2"}, "nori: DB_POOL_MIN=5 is above DB_POOL_MAX=2"),
    ({"APP_URL": "example.com"}, "nori: APP_URL='example.com' is not a URL"),
])
def test_the_site_refuses_to_start(tmp_path: Path, settings: dict[str, str], message: str) -> None:
    result = start(tmp_path, **settings)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr


def test_a_consistent_configuration_starts(tmp_path: Path) -> None:
    assert start(tmp_path, DB_POOL_MIN="2", DB_POOL_MAX="2", APP_URL="https://example.com/").returncode == 0


@pytest.mark.parametrize("value", ["https://", "ftp://example.com", "http://example.com:port", "/relative"])
def test_app_url_must_be_an_absolute_http_url(value: str) -> None:
    with pytest.raises(SettingError, match="is not a URL"):
        Env(None, {"APP_URL": value}).url("APP_URL")


def test_pool_bounds_are_checked_wherever_database_settings_are_built() -> None:
    with pytest.raises(SettingError, match="DB_POOL_MIN=3 is above DB_POOL_MAX=1"):
        DatabaseSettings(engine="postgres", pool_min=3, pool_max=1)
