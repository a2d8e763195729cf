"""Redis for a site's tests: the shared test server, and a private one a test may stop.

`NORI_TEST_REDIS_URL` names the server (default `redis://127.0.0.1:6379/15`); a test that needs it
is skipped when it is unreachable, or fails when `NORI_TEST_REDIS=required` (CI), so a missing
server never passes silently. `PrivateRedis` runs a `redis-server` of the test's own on a free
port, so an outage test can stop it and start it again without touching anyone else's data.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DEFAULT_URL = "redis://127.0.0.1:6379/15"
START_SECONDS = 10.0


def redis_url() -> str:
    return os.environ.get("NORI_TEST_REDIS_URL", DEFAULT_URL)


def unavailable(reason: str) -> None:
    """Skip the test, or fail it where Redis is required."""
    if os.environ.get("NORI_TEST_REDIS") == "required":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def require_redis(url: str | None = None) -> str:
    """`url` (default: the test server) after a ping; skips or fails the test when it does not answer."""
    import redis

    url = url or redis_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {url} is not reachable: {error}")
    finally:
        client.close()
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    """A `redis-server` on 127.0.0.1 and a free port, with no persistence; `stop()` and `start()` at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._folder = Path(tempfile.mkdtemp(prefix="nori-redis-"))
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed")
            return
        self._process = subprocess.Popen(  # same port each time: clients reconnect by themselves
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self._folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        unavailable(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._folder, ignore_errors=True)
