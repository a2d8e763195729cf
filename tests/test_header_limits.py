"""Request heads are bounded in the served configuration: 431 past MAX_HEADER_SIZE or MAX_HEADER_COUNT.

Through a real `nori.py serve` process and raw sockets, because the limit lives in the HTTP
protocol (core/compat/uvicorn.py), below anything an ASGI test client reaches.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.support.server import served_process

MIB = 1024 * 1024


def exchange(base: str, head: bytes, body: bytes = b"") -> bytes:
    """Send a raw request (ignoring a server that hangs up mid-send); return the status line."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=20) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head + body)
        try:
            return sock.recv(4096).split(b"\r\n", 1)[0]
        except ConnectionResetError:
            return b""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_heads_past_the_limits_get_431_and_do_not_grow_the_server(tmp_path: Path) -> None:
    settings = {"DB_ENGINE": "sqlite", "DB_NAME": str(tmp_path / "heads.sqlite3"), "DEBUG": "true"}
    with served_process(settings, tmp_path, via_serve=True) as (process, base):
        huge = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * MIB + b"\r\n\r\n"
        assert exchange(base, huge) == b"HTTP/1.1 431 Request Header Fields Too Large"

        many = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(
            b"X-H%d: v\r\n" % number for number in range(150)) + b"\r\n"
        assert exchange(base, many) == b"HTTP/1.1 431 Request Header Fields Too Large"

        # a large body after a normal head is not a large head
        body = b"x" * MIB
        post = (b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
        assert exchange(base, post, body) not in (b"HTTP/1.1 431 Request Header Fields Too Large", b"")
        assert httpx.get(base + "/health", headers={f"X-H{n}": "v" for n in range(50)}).status_code == 200

        before = rss_kib(process.pid)
        big = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (32 * MIB) + b"\r\n\r\n"
        senders = [threading.Thread(target=exchange, args=(base, big)) for _ in range(3)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=60)
        grown = rss_kib(process.pid) - before
        assert grown < 20 * 1024, f"three 32 MiB heads grew the server by {grown} KiB"
