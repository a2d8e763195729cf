"""Run the real site under uvicorn in a subprocess, for tests that need a served process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from core.database import DatabaseSettings

ROOT = Path(__file__).resolve().parents[2]
APP_DIR = ROOT / "rootsystem" / "application"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_environment(db: DatabaseSettings) -> dict[str, str]:
    """The `DB_*` settings that point a site at `db`."""
    return {"DB_ENGINE": db.engine, "DB_NAME": db.name, "DB_HOST": db.host, "DB_PORT": str(db.effective_port),
            "DB_USER": db.effective_user, "DB_PASSWORD": db.password}


def site_environment(settings: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The current environment minus the site's settings, plus `settings` from an empty env file."""
    env_file = tmp_path / "served.env"
    env_file.write_text("")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY"))}
    environ.update({"NORI_ENV_FILE": str(env_file), **settings})
    return environ


@contextmanager
def served_site(
    settings: dict[str, str], tmp_path: Path, timeout: float = 30, app: str = "asgi:app", *, via_serve: bool = False
) -> Iterator[str]:
    """Start the site with `settings` in its environment; yields its base URL, stops it after.

    `app` names another ASGI app to serve (e.g. a test module adding routes to the site).
    """
    with served_process(settings, tmp_path, timeout, app, via_serve=via_serve) as (_, base):
        yield base


@contextmanager
def served_process(
    settings: dict[str, str], tmp_path: Path, timeout: float = 30, app: str = "asgi:app", *, via_serve: bool = False
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`served_site`, also yielding the server process, for tests that kill it themselves.

    `via_serve` runs `nori.py serve --no-reload` instead of uvicorn's own command line, to test
    the options `serve` gives uvicorn.
    """
    port = free_port()
    log = open(tmp_path / f"uvicorn-{port}.log", "w")  # noqa: SIM115  (closed in the finally below)
    argv = ([sys.executable, str(ROOT / "nori.py"), "serve", "--no-reload", "--port", str(port)] if via_serve
            else [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"])
    process = subprocess.Popen(
        argv, cwd=APP_DIR, env=site_environment(settings, tmp_path), stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {(tmp_path / f'uvicorn-{port}.log').read_text()}")
            try:
                httpx.get(base + "/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield process, base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
