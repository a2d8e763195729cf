#!/usr/bin/env python3
"""CPU cost of the framework's layers on one request, in process, without a server or a network.

    python3 bench/front.py --requests 5000 --rounds 15

Builds the bench site (bench/nori_app.py) twice: as shipped, and with Starlette's own error and
exception layers only (no front layer, no security headers). Calls `GET /bench/ping` on each
through raw ASGI, round after round, alternating, and prints the median and the best CPU µs per
request of each and their difference: what the front layer (core/http/front.py) costs a request
that uses none of its concerns. The HTTP figures (bench/http.py) include the server's work too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP_DIR = ROOT / "rootsystem" / "application"
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[:1] = [str(ROOT), str(APP_DIR)]


async def call(app: Any, headers: list[tuple[bytes, bytes]]) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/bench/ping", "raw_path": b"/bench/ping", "query_string": b"", "root_path": "",
             "headers": list(headers), "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        status = message.get("status", status)

    await app(scope, receive, send)
    return status


async def cpu_us(app: Any, headers: list[tuple[bytes, bytes]], requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        await call(app, headers)
    return (time.process_time() - started) / requests * 1e6


async def measure(args: argparse.Namespace) -> None:
    from starlette.applications import Starlette

    import bench.nori_app
    from core.settings import settings

    shipped = bench.nori_app.app
    bare = Starlette(routes=shipped.routes, exception_handlers=shipped.exception_handlers)
    host = settings.APP_URL.split("//", 1)[-1].split("/", 1)[0].encode()
    headers = [(b"host", host), (b"user-agent", b"wrk"), (b"accept", b"*/*")]
    for app in (shipped, bare):
        if await call(app, headers) != 200:
            raise SystemExit("GET /bench/ping did not answer 200")
        await cpu_us(app, headers, args.requests // 5)  # warm-up
    results: dict[str, list[float]] = {"layers": [], "none": []}
    for number in range(args.rounds):
        order = [("layers", shipped), ("none", bare)]
        for name, app in order if number % 2 else order[::-1]:
            results[name].append(await cpu_us(app, headers, args.requests))
    medians = {name: statistics.median(values) for name, values in results.items()}
    best = {name: min(values) for name, values in results.items()}
    print(f"{args.rounds} alternating rounds of {args.requests} requests, CPU µs per GET /bench/ping; "
          f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}\n")
    print("| stack | median | best |\n|---|---:|---:|")
    print(f"| Starlette's error and exception layers only | {medians['none']:.1f} | {best['none']:.1f} |")
    print(f"| the shipped stack | {medians['layers']:.1f} | {best['layers']:.1f} |")
    print(f"| the framework's layers cost | {medians['layers'] - medians['none']:.1f} "
          f"| {best['layers'] - best['none']:.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests per round and stack")
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds (medians and bests are printed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nori-front-") as tmp:
        env_file = Path(tmp) / "empty.env"
        env_file.write_text("")
        os.environ.update({"NORI_ENV_FILE": str(env_file), "DEBUG": "false", "SECRET_KEY": "f" * 48,
                           "DB_ENGINE": "sqlite", "DB_NAME": str(Path(tmp) / "front.sqlite3")})
        asyncio.run(measure(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
