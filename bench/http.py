#!/usr/bin/env python3
"""HTTP throughput of the Nori site against bare Starlette + Tortoise + Jinja2, side by side.

    python3 bench/http.py --engines sqlite,postgres --rounds 3

For each engine: seed 10,000 `articles` rows, start the bare app and the Nori site (uvicorn, one
worker each), check both answer the same bodies, then drive each endpoint with wrk on loopback
(a warm-up, then a measured run) on one app and then the other, swapping the order every round,
so drift on a shared machine hits both alike. Prints medians of req/s, p50, p99 and the
server's CPU time per request as a markdown table, with the ratio Nori/bare and its target.
Needs `wrk` (apt-get install -y wrk) and, for PostgreSQL, a server (default 127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Run as a script, this file's folder heads sys.path, where its name would shadow the standard
# library's `http` package (urllib needs it): the repository root takes that place.
ROOT = Path(__file__).resolve().parents[1]
APP_DIR = ROOT / "rootsystem" / "application"
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[:1] = [str(ROOT), str(APP_DIR)]

import urllib.request  # noqa: E402

from bench.workload import ROWS, seed  # noqa: E402
from core.database import DatabaseSettings  # noqa: E402
from core.testing.databases import create_database  # noqa: E402

ENDPOINTS = {"ping": "/bench/ping", "articles": "/bench/articles?page={page}", "page": "/bench/page?page={page}"}
TARGETS = {"ping": 0.70, "articles": 0.85, "page": 0.85}
TIME_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float = 0.0  # server CPU time per request: steadier than req/s on a busy machine


@dataclass
class Server:
    name: str
    argv: list[str]
    env: dict[str, str]
    results: dict[str, list[Measure]] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def start(server: Server, port: int, log: Path) -> subprocess.Popen[bytes]:
    argv = [*server.argv, "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=server.env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{server.name} exited at start; see {log}")
        try:
            if get(f"http://127.0.0.1:{port}/bench/ping", 0.5)[0] == 200:
                return process
        except OSError:
            time.sleep(0.05)
    stop(process)
    raise SystemExit(f"{server.name} did not answer within 30s; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def to_ms(token: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", token)
    if match is None:
        raise ValueError(f"unreadable wrk latency {token!r}")
    return float(match[1]) * TIME_UNITS_MS[match[2]]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, args: argparse.Namespace, seconds: int, server_pid: int) -> Measure:
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency", url]
    cpu_before = cpu_seconds(server_pid)
    output = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    cpu = cpu_seconds(server_pid) - cpu_before
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50(?:\.000)?%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99(?:\.000)?%\s+(\S+)", output, re.M)
    if not (rps and p50 and p99):
        raise SystemExit(f"could not read wrk output for {url}:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)", output))
    requests = re.search(r"(\d+) requests in", output)
    cpu_us = cpu / int(requests[1]) * 1e6 if requests and int(requests[1]) else 0.0
    return Measure(float(rps[1]), to_ms(p50[1]), to_ms(p99[1]), errors, cpu_us)


def comparable(endpoint: str, body: bytes) -> Any:
    """The body with what may legitimately differ removed: Nori keeps datetimes timezone-aware."""
    if endpoint != "articles":
        return body
    data = json.loads(body)
    for item in data["items"]:
        item["created_at"] = datetime.datetime.fromisoformat(item["created_at"]).replace(tzinfo=None).isoformat()
    return data


def check_same_bodies(bodies: dict[str, dict[str, bytes]]) -> None:
    """Both apps must serve the same rows and the same HTML, or the comparison means nothing."""
    bare, nori = bodies["bare"], bodies["nori"]
    for endpoint in ENDPOINTS:
        if comparable(endpoint, bare[endpoint]) != comparable(endpoint, nori[endpoint]):
            raise SystemExit(f"bare and nori answer {endpoint} differently; the workloads are not the same")


def measure_engine(servers: list[Server], args: argparse.Namespace, logs: Path) -> None:
    """Both apps run at once, the idle one costing nothing; each endpoint is loaded on one, then
    the other, back to back, with the order swapped every round, so drift hits both alike."""
    running: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for server in servers:
            port = free_port()
            running[server.name] = (start(server, port, logs / f"{server.name}.log"), port)
        bodies: dict[str, dict[str, bytes]] = {}
        for server in servers:
            port = running[server.name][1]
            bodies[server.name] = {}
            for endpoint, path in ENDPOINTS.items():
                url = f"http://127.0.0.1:{port}{path.format(page=args.page)}"
                status, body = get(url)
                if status != 200:
                    raise SystemExit(f"{server.name} {url} answered {status}")
                bodies[server.name][endpoint] = body
        check_same_bodies(bodies)
        for number in range(1, args.rounds + 1):
            print(f"round {number}/{args.rounds}", file=sys.stderr, flush=True)
            order = servers if number % 2 else servers[::-1]
            for endpoint, path in ENDPOINTS.items():
                for server in order:
                    process, port = running[server.name]
                    url = f"http://127.0.0.1:{port}{path.format(page=args.page)}"
                    if args.warmup:
                        wrk(url, args, args.warmup, process.pid)
                    measure = wrk(url, args, args.duration, process.pid)
                    server.results.setdefault(endpoint, []).append(measure)
                    print(f"  {server.name:<5} {endpoint:<9} {measure.rps:9.0f} req/s  p50 {measure.p50_ms:6.2f} ms"
                          f"  p99 {measure.p99_ms:6.2f} ms  cpu {measure.cpu_us:6.0f} us/req",
                          file=sys.stderr, flush=True)
    finally:
        for process, _ in running.values():
            stop(process)


def engine_setup(engine: str, args: argparse.Namespace, workdir: Path) -> tuple[str, dict[str, str]]:
    """The bare app's DB URL and the Nori site's settings for one engine, both on one database."""
    if engine == "sqlite":
        path = workdir / "bench.sqlite3"
        return f"sqlite://{path}", {"DB_ENGINE": "sqlite", "DB_NAME": str(path)}
    db = DatabaseSettings(engine="postgres", name=args.pg_database, host=args.pg_host, port=args.pg_port,
                          user=args.pg_user, password=args.pg_password, pool_max=args.pool)
    asyncio.run(create_database(db))
    password = f":{db.password}" if db.password else ""
    url = (f"postgres://{db.effective_user}{password}@{db.host}:{db.effective_port}/{db.name}"
           f"?minsize=1&maxsize={args.pool}")
    settings = {"DB_ENGINE": "postgres", "DB_NAME": db.name, "DB_HOST": db.host, "DB_PORT": str(db.effective_port),
                "DB_USER": db.effective_user, "DB_PASSWORD": db.password, "DB_POOL_MAX": str(args.pool)}
    return url, settings


def servers_for(db_url: str, site_settings: dict[str, str], workdir: Path) -> list[Server]:
    env_file = workdir / "empty.env"
    env_file.write_text("")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY", "NORI_"))}
    uvicorn = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning", "--workers", "1"]
    nori_env = {**base, "NORI_ENV_FILE": str(env_file), "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(48),
                **site_settings}
    return [
        Server("bare", [*uvicorn, "bench.bare_app:app"], {**base, "BENCH_DB_URL": db_url}),
        Server("nori", [*uvicorn, "--app-dir", str(APP_DIR), "bench.nori_app:app"], nori_env),
    ]


def table(engine: str, servers: list[Server]) -> list[str]:
    bare, nori = servers
    lines = []
    for endpoint in ENDPOINTS:
        keys = ("rps", "p50_ms", "p99_ms", "cpu_us")
        b = [statistics.median(getattr(m, key) for m in bare.results[endpoint]) for key in keys]
        n = [statistics.median(getattr(m, key) for m in nori.results[endpoint]) for key in keys]
        errors = sum(m.errors for m in bare.results[endpoint] + nori.results[endpoint])
        ratio = n[0] / b[0]
        verdict = "ok" if ratio >= TARGETS[endpoint] else "BELOW"
        lines.append(
            f"| {engine} | `{ENDPOINTS[endpoint].split('?')[0]}` | {b[0]:,.0f} | {n[0]:,.0f} | **{ratio:.2f}** "
            f"| ≥ {TARGETS[endpoint]:.2f} {verdict} | {b[1]:.2f} / {n[1]:.2f} | {b[2]:.2f} / {n[2]:.2f} "
            f"| {b[3]:.0f} / {n[3]:.0f} ({b[3] / n[3]:.2f}) | {errors} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per engine (medians are reported)")
    parser.add_argument("--duration", type=int, default=8, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk warm-up before each run (0: none)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--page", type=int, default=50, help="the page the list endpoints serve")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--pool", type=int, default=10, help="PostgreSQL pool size of both apps")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-password", default="")
    parser.add_argument("--pg-database", default="nori_bench")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed: apt-get install -y wrk")
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    if not engines or set(engines) - {"sqlite", "postgres"}:
        parser.error("--engines takes sqlite and/or postgres")

    lines = [
        "| engine | endpoint | bare req/s | nori req/s | nori/bare | target | p50 ms bare / nori "
        "| p99 ms bare / nori | CPU µs/req bare / nori (bare/nori) | errors |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="nori-bench-") as tmp:
        workdir = Path(tmp)
        for engine in engines:
            db_url, site_settings = engine_setup(engine, args, workdir)
            count = asyncio.run(seed(db_url.split("?")[0], args.rows))
            print(f"{engine}: seeded {count} articles", file=sys.stderr, flush=True)
            servers = servers_for(db_url, site_settings, workdir)
            measure_engine(servers, args, workdir)
            lines += table(engine, servers)
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s (after {args.warmup}s warm-up), "
          f"uvicorn 1 worker each, {args.rounds} alternating rounds, medians; page={args.page}, {args.rows} rows; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}. "
          "CPU µs/req is the server's CPU time per request (less sensitive to other load than req/s).\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
