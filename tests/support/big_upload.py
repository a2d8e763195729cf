"""A large upload to a served site, with the server's peak RSS sampled while it is received.

Used by tests/test_uploads_served.py and bench/uploads.py.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx
import psutil

BOUNDARY = "nori-big-upload"
CHUNK = 1024 * 1024
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def multipart_body(token: str, megabytes: int) -> Iterator[bytes]:
    """The CSRF field first, as a form sends it, then one file of `megabytes`, made as it is sent."""
    yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
           f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n").encode()
    block = bytes(range(256)) * (CHUNK // 256)
    for _ in range(megabytes):
        yield block
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


class PeakRSS(threading.Thread):
    """Samples a process's RSS every 10 ms until stopped; `peak` is the highest seen."""

    def __init__(self, process: psutil.Process) -> None:
        super().__init__(daemon=True)
        self.process = process
        self.peak = process.memory_info().rss
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


def upload(base: str, server: psutil.Process, megabytes: int, path: str = "/upload/store") -> tuple[
        httpx.Response, int, int]:
    """(the answer, RSS before, peak RSS during) for one upload of `megabytes` to `path`."""
    with httpx.Client(base_url=base, timeout=300) as client:
        page = client.get("/login")
        token = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
        # With DEBUG off the session cookie is Secure, which a client keeps only for https: send it back by hand.
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        before = server.memory_info().rss
        sampler = PeakRSS(server)
        sampler.start()
        try:
            answer = client.post(path, content=multipart_body(token, megabytes), headers={
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Accept": "application/json",
                "Cookie": cookie})
        finally:
            peak = sampler.stop()
    return answer, before, peak
