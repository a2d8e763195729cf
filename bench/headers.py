#!/usr/bin/env python3
"""What the security headers cost the server per response, on a raw ASGI app under uvicorn.

    python3 bench/headers.py --rounds 8 --duration 3 --pin

Serves one tiny JSON answer three times over, each from its own uvicorn process: with no header
of the framework's, with the headers a JSON answer gets (core/http/headers.py), and with the
full set a page gets; each set with the request id. wrk drives one app and then the next,
swapping the order every round, and the server's CPU time per request is printed with the
difference to the bare answer: the price of each list, paid on every response, before any of
the framework's own code runs (uvicorn checks and writes every header in Python).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP_DIR = ROOT / "rootsystem" / "application"
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[:1] = [str(ROOT), str(APP_DIR)]

SETS = ("none", "json", "documents")
BODY = b'{"ok":true}'


def headers_for(name: str) -> list[tuple[bytes, bytes]]:
    from core.http.headers import security_headers

    own = [(b"content-length", b"%d" % len(BODY)), (b"content-type", b"application/json")]
    if name == "none":
        return own
    security = security_headers(debug=False)
    fixed = security.json if name == "json" else security.documents
    return [*own, *fixed, (b"x-request-id", os.urandom(16).hex().encode())]


HEADERS = headers_for(os.environ.get("BENCH_HEADER_SET", "none"))


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": list(HEADERS)})
    await send({"type": "http.response.body", "body": BODY})


def main() -> int:
    from bench.http import Server, free_port, pinned_cpus, start, stop, wrk

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--pin", action="store_true", help="the servers on the last CPU, wrk on the others")
    args = parser.parse_args()
    args.server_cpus, args.load_cpus = pinned_cpus(args.pin)
    uvicorn = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "info", "bench.headers:app",
               "--port"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(APP_DIR)])}
    servers = [Server(name, uvicorn, {**env, "BENCH_HEADER_SET": name}, cpus=args.server_cpus) for name in SETS]
    cpu: dict[str, list[float]] = {name: [] for name in SETS}
    running = {}
    with tempfile.TemporaryDirectory(prefix="nori-headers-") as tmp:
        try:
            for server in servers:
                port = free_port()
                running[server.name] = (start(server, port, Path(tmp) / f"{server.name}.log"), port)
            for number in range(args.rounds):
                for server in servers if number % 2 == 0 else servers[::-1]:
                    process, port = running[server.name]
                    url = f"http://127.0.0.1:{port}/bench/ping"
                    wrk(url, args, 1, process.pid)
                    cpu[server.name].append(wrk(url, args, args.duration, process.pid).cpu_us)
        finally:
            for process, _ in running.values():
                stop(process)
    bare = statistics.median(cpu["none"])
    print(f"{args.rounds} alternating rounds of wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
          f"uvicorn 1 worker each{', pinned' if args.pin else ''}; Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| headers | count | server CPU µs/request, median | best | vs none |")
    print("|---|---:|---:|---:|---:|")
    for name in SETS:
        median = statistics.median(cpu[name])
        print(f"| {name} | {len(headers_for(name)) - 2} | {median:.1f} | {min(cpu[name]):.1f} | {median - bare:+.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
