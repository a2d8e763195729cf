"""`serve` with DEBUG on restarts when a controller changes; run in a copy of the project."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.server import free_port, site_environment
from tests.support.site_copy import copy_site, nori

CONTROLLER = '''from starlette.responses import PlainTextResponse


class HomeController:
    async def index(self, request):
        return PlainTextResponse("{text}")
'''


def wait_for_text(url: str, text: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early: {log.read_text()}")
        try:
            last = httpx.get(url, timeout=2).text
            if last == text:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"never served {text!r} (last: {last!r}); log: {log.read_text()}")


def test_serve_reloads_when_a_controller_changes(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    controller = site / "rootsystem" / "application" / "modules" / "home.py"
    controller.write_text(CONTROLLER.format(text="first version"))
    port = free_port()
    env = site_environment({"DEBUG": "true", "SECRET_KEY": "s" * 40, "DB_ENGINE": "sqlite",
                            "DB_NAME": str(tmp_path / "serve.sqlite3")}, tmp_path)
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "nori.py", "serve", "--port", str(port)], cwd=site, env=env,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for_text(url, "first version", process, log)
            controller.write_text(CONTROLLER.format(text="second version"))
            wait_for_text(url, "second version", process, log)
            text = log.read_text()
            assert "WatchFiles detected changes in 'rootsystem/application/modules/home.py'. Reloading..." in text
            templates = str(site / "rootsystem" / "templates")
            assert any("Will watch for changes" in line and templates in line for line in text.splitlines())
        finally:
            os.killpg(process.pid, signal.SIGINT)  # the reloader and its worker share the session
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_serve_rejects_impossible_options_in_one_line(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    port = nori(site, "serve", "--port", "70000")
    assert (port.returncode, port.stderr.strip()) == (1, "serve: --port 70000 is not a TCP port: use 1-65535")
    workers = nori(site, "serve", "--workers", "0")
    assert (workers.returncode, workers.stderr.strip()) == (1, "serve: --workers 0 must be at least 1")
