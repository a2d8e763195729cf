#!/usr/bin/env python3
"""HTTP throughput of the Nori site against bare Starlette + Tortoise + Jinja2, side by side.

    python3 bench/http.py --engines sqlite,postgres --rounds 3
    python3 bench/http.py --workers 1,2,4                 # under gunicorn, as the Docker image serves
    python3 bench/http.py --variant gc:GC_FREEZE=true     # the site again with other settings
    python3 bench/http.py --compare /path/to/other/checkout
    python3 bench/http.py --pin                           # server on one CPU, wrk on the others
    python3 bench/http.py --served                        # the site also as `nori.py serve` runs it

For each engine: seed 10,000 `articles` rows, start the bare app and the Nori site (uvicorn, one
worker each), check both answer the same bodies, then drive each endpoint with wrk on loopback
(a warm-up, then a measured run) on one app and then the other, swapping the order every round,
so drift on a shared machine hits both alike. Prints medians of req/s, p50, p99, the server's
CPU time per request and its peak RSS as a markdown table, with the ratio to bare and its target.
`/bench/write` is a form POST (bench/write.lua) with the session cookie and CSRF token one GET
handed out, validated and inserted. `--variant` and `--compare` add more sites to the same
alternating rounds: the site with other settings, or another checkout of the project (any
directory with the same layout) run from its own code. `--workers` serves every app under
gunicorn with uvicorn workers and also reports the time from launch to every worker answering.
Each checkout's code is byte-compiled first, as the Docker image's is (`--source`: not).
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

import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402

from bench.workload import ROWS, seed  # noqa: E402
from core.database import DatabaseSettings  # noqa: E402
from core.testing.databases import create_database  # noqa: E402

WRITE_PATH = "/bench/write"
ENDPOINTS = {
    "ping": "/bench/ping", "articles": "/bench/articles?page={page}", "page": "/bench/page?page={page}",
    "write": WRITE_PATH,
}
# The speed round's goals (req/s Nori/bare); the ping also wants p99 within 1.10x of bare's.
TARGETS = {"ping": 0.90, "articles": 0.98, "page": 0.98, "write": 0.90}
WRITE_SCRIPT = Path(__file__).resolve().parent / "write.lua"
STARTED = b"Application startup complete"
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
    argv: list[str]  # ends with the option that takes the port (`--port` or `--bind 127.0.0.1:`)
    env: dict[str, str]
    cwd: Path = ROOT
    workers: int = 1
    results: dict[str, list[Measure]] = field(default_factory=dict)
    peak_rss_kib: int = 0
    ready_s: float = 0.0
    skipped: set[str] = field(default_factory=set)  # endpoints an older checkout does not serve
    cpus: set[int] | None = None  # --pin: the CPUs the server may run on


def on_cpus(cpus: set[int] | None) -> Any:
    """A `preexec_fn` that keeps the child (and what it starts) on `cpus`; None leaves it free."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def pinned_cpus(pin: bool) -> tuple[set[int] | None, set[int] | None]:
    """(server CPUs, load generator CPUs) for --pin: the last CPU serves, the others load.

    Left free, the scheduler moves the server and wrk between the CPUs and onto each other's,
    which on a small shared machine swings one app's CPU per request by a third from one run
    to the next; pinned, each keeps its own caches and the rounds agree far more closely.
    """
    available = sorted(os.sched_getaffinity(0))
    if not pin or len(available) < 2:
        return None, None
    return {available[-1]}, set(available[:-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def write_session(url: str) -> tuple[str, str]:
    """The session cookie (`name=value`) and CSRF token a visitor gets from the form's GET."""
    with urllib.request.urlopen(url, timeout=5) as response:
        cookie = response.headers["set-cookie"].split(";", 1)[0]
        return cookie, json.loads(response.read())["csrf_token"]


def post_write(url: str, cookie: str, token: str, slug: str) -> tuple[int, bytes]:
    """One form post as write.lua sends it, to check an app accepts it before loading it."""
    form = urllib.parse.urlencode({"csrf_token": token, "title": "Checked", "slug": slug, "body": "text", "views": 1})
    request = urllib.request.Request(url, form.encode(), {"Cookie": cookie,
                                     "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start(server: Server, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Launch and wait until every worker has started (`ready_s`: launch to the last one up)."""
    argv = [*server.argv[:-1], f"{server.argv[-1]}{port}"] if server.argv[-1].endswith(":") else [
        *server.argv, str(port)]
    offset = log.stat().st_size if log.exists() else 0
    began = time.monotonic()
    with log.open("ab") as out:
        process = subprocess.Popen(argv, cwd=server.cwd, env=server.env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=on_cpus(server.cpus))
    deadline = began + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{server.name} exited at start; see {log}")
        started = log.read_bytes()[offset:].count(STARTED)
        try:
            if started >= server.workers and get(f"http://127.0.0.1:{port}/bench/ping", 0.5)[0] == 200:
                server.ready_s = max(server.ready_s, time.monotonic() - began)
                return process
        except OSError:
            pass
        time.sleep(0.02)
    stop(process)
    raise SystemExit(f"{server.name} did not answer within 60s; see {log}")


def tree(pid: int) -> list[int]:
    """`pid` and its descendants (gunicorn's workers are children of its master), via /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def peak_rss_kib(pid: int) -> int:
    """The largest peak resident set (VmHWM) of any one process of the server: one worker's."""
    peak = 0
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak


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
    """User + system CPU time the server's processes have used (Linux /proc)."""
    total = 0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, args: argparse.Namespace, seconds: int, server_pid: int) -> Measure:
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency", url]
    if url.endswith(WRITE_PATH):  # a POST with this server's session cookie and token
        cookie, token = write_session(url)
        argv[-1:] = ["-s", str(WRITE_SCRIPT), url, "--", cookie, token, secrets.token_hex(4)]
    cpu_before = cpu_seconds(server_pid)
    output = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True,
                            preexec_fn=on_cpus(args.load_cpus)).stdout
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
    """Every app must serve the same rows and the same HTML, or the comparison means nothing."""
    bare = bodies["bare"]
    for name, other in bodies.items():
        for endpoint in other:
            if comparable(endpoint, bare[endpoint]) != comparable(endpoint, other[endpoint]):
                raise SystemExit(f"bare and {name} answer {endpoint} differently; the workloads are not the same")


def check_write(server: Server, base: str) -> None:
    """The form post must be accepted (a row inserted), and refused without the session's token."""
    cookie, token = write_session(base + WRITE_PATH)
    status, body = post_write(base + WRITE_PATH, cookie, token, f"check-{secrets.token_hex(4)}")
    if status != 200 or "id" not in json.loads(body):
        raise SystemExit(f"{server.name} refused the write form: {status} {body[:200]!r}")
    if post_write(base + WRITE_PATH, cookie, "forged", f"check-{secrets.token_hex(4)}")[0] != 403:
        raise SystemExit(f"{server.name} accepted a write with a wrong CSRF token")


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
                if status in (404, 405) and server.cwd != ROOT:
                    server.skipped.add(endpoint)  # another checkout, from before this endpoint
                elif status != 200:
                    raise SystemExit(f"{server.name} {url} answered {status}")
                elif endpoint == "write":
                    check_write(server, f"http://127.0.0.1:{port}")
                else:
                    bodies[server.name][endpoint] = body
        check_same_bodies(bodies)
        for number in range(1, args.rounds + 1):
            print(f"round {number}/{args.rounds}", file=sys.stderr, flush=True)
            order = servers if number % 2 else servers[::-1]
            for endpoint, path in ENDPOINTS.items():
                for server in order:
                    if endpoint in server.skipped:
                        continue
                    process, port = running[server.name]
                    url = f"http://127.0.0.1:{port}{path.format(page=args.page)}"
                    if args.warmup:
                        wrk(url, args, args.warmup, process.pid)
                    measure = wrk(url, args, args.duration, process.pid)
                    server.results.setdefault(endpoint, []).append(measure)
                    print(f"  {server.name:<8} {endpoint:<9} {measure.rps:9.0f} req/s  p50 {measure.p50_ms:6.2f} ms"
                          f"  p99 {measure.p99_ms:6.2f} ms  cpu {measure.cpu_us:6.0f} us/req",
                          file=sys.stderr, flush=True)
    finally:
        for server in servers:
            if server.name in running:
                server.peak_rss_kib = max(server.peak_rss_kib, peak_rss_kib(running[server.name][0].pid))
                stop(running[server.name][0])


def byte_compile(checkout: Path) -> None:
    """The checkout's code compiled to .pyc files beside it, as the Docker image compiles it at build.

    Under PYTHONDONTWRITEBYTECODE, a checkout with no .pyc files is compiled from source by every
    worker at every start: the compiler's passing memory lands in the worker's peak RSS (a megabyte
    and more for the site's modules, next to nothing for the bare app's one file) and its time in
    the start-up, both costs a deployed site does not pay. `--source` measures that case.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", "rootsystem", "bench"], cwd=checkout, check=True,
                   stdout=subprocess.DEVNULL)


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


def servers_for(db_url: str, site_settings: dict[str, str], workdir: Path, args: argparse.Namespace,
                workers: int | None) -> list[Server]:
    """bare, nori, each `--variant` and the `--compare` checkout; under gunicorn when `workers` is set."""
    env_file = workdir / "empty.env"
    env_file.write_text("")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY", "NORI_", "GC_"))}
    nori_env = {**base, "NORI_ENV_FILE": str(env_file), "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(48),
                **site_settings}

    def site(name: str, checkout: Path, env: dict[str, str]) -> Server:
        app_dir = checkout / "rootsystem" / "application"
        if workers is None:
            argv = [*uvicorn, "--app-dir", str(app_dir), "bench.nori_app:app", "--port"]
        else:  # the Docker image's command, with the checkout's bench package importable
            argv = [*gunicorn, "--chdir", str(app_dir), "--pythonpath", str(checkout),
                    "--worker-class", "core.worker.NoriWorker", "bench.nori_app:app", "--bind", "127.0.0.1:"]
        return Server(name, argv, env, cwd=checkout, workers=workers or 1)

    uvicorn = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "info", "--workers", "1"]
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--log-level", "info"]
    if workers is None:
        bare_argv = [*uvicorn, "bench.bare_app:app", "--port"]
    else:
        bare_argv = [*gunicorn, "--worker-class", "uvicorn_worker.UvicornWorker", "bench.bare_app:app",
                     "--bind", "127.0.0.1:"]
    servers = [Server("bare", bare_argv, {**base, "BENCH_DB_URL": db_url}, workers=workers or 1),
               site("nori", ROOT, nori_env)]
    for name, settings in args.variants:
        servers.append(site(name, ROOT, {**nori_env, **settings}))
    if args.served and workers is None:  # gunicorn's worker already serves with those options
        servers.append(Server("served", [sys.executable, "-m", "bench.serve_site"],
                              {**nori_env, "PYTHONPATH": str(ROOT)}, cwd=ROOT / "rootsystem" / "application"))
    if args.compare:
        servers.append(site("compare", args.compare, nori_env))
    for server in servers:
        server.cpus = args.server_cpus
    return servers


def table(engine: str, servers: list[Server]) -> list[str]:
    bare, *others = servers
    lines = []
    for endpoint in ENDPOINTS:
        keys = ("rps", "p50_ms", "p99_ms", "cpu_us")
        b = [statistics.median(getattr(m, key) for m in bare.results[endpoint]) for key in keys]
        for other in others:
            if endpoint in other.skipped:
                continue
            n = [statistics.median(getattr(m, key) for m in other.results[endpoint]) for key in keys]
            errors = sum(m.errors for m in bare.results[endpoint] + other.results[endpoint])
            ratio = n[0] / b[0]
            verdict = "ok" if ratio >= TARGETS[endpoint] else "BELOW"
            lines.append(
                f"| {engine} | {bare.workers} | `{ENDPOINTS[endpoint].split('?')[0]}` | {other.name} | {b[0]:,.0f} "
                f"| {n[0]:,.0f} | **{ratio:.2f}** | ≥ {TARGETS[endpoint]:.2f} {verdict} | {b[1]:.2f} / {n[1]:.2f} "
                f"| {b[2]:.2f} / {n[2]:.2f} | {b[3]:.0f} / {n[3]:.0f} ({b[3] / n[3]:.2f}) | {errors} |"
            )
    return lines


def footprint(engine: str, servers: list[Server]) -> list[str]:
    """Peak RSS of one worker and the time from launch to every worker answering, per app."""
    bare = servers[0]
    return [
        f"| {engine} | {server.workers} | {server.name} | {server.peak_rss_kib / 1024:.1f} "
        f"| {server.peak_rss_kib / bare.peak_rss_kib:.2f} | {server.ready_s:.2f} |"
        for server in servers
    ]


def variant(spec: str) -> tuple[str, dict[str, str]]:
    """`name:KEY=VALUE[;KEY=VALUE...]`: the site again, with these settings on top."""
    name, _, pairs = spec.partition(":")
    settings = dict(pair.split("=", 1) for pair in pairs.split(";") if "=" in pair)
    if not name or name in ("bare", "nori", "served", "compare") or not settings:
        raise argparse.ArgumentTypeError(f"--variant {spec!r}: use NAME:KEY=VALUE[;KEY=VALUE...]")
    return name, settings


def checkout(path: str) -> Path:
    """A directory laid out as this one: its site and its bench app."""
    root = Path(path).resolve()
    if not all((root / part).is_file() for part in ("rootsystem/application/asgi.py", "bench/nori_app.py")):
        raise argparse.ArgumentTypeError(f"--compare {path}: no rootsystem/application/asgi.py and bench/nori_app.py")
    return root


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
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS), help="comma-separated: " + ", ".join(ENDPOINTS))
    parser.add_argument("--workers", default="", help="comma-separated worker counts served by gunicorn with "
                        "uvicorn workers, as the Docker image does (default: plain uvicorn, one worker)")
    parser.add_argument("--variant", dest="variants", action="append", type=variant, default=[],
                        metavar="NAME:KEY=VALUE[;KEY=VALUE]", help="the site again with these settings (repeatable)")
    parser.add_argument("--compare", type=checkout, metavar="REF_DIR",
                        help="another checkout of the project, run from its own code as a third app")
    parser.add_argument("--source", action="store_true",
                        help="do not byte-compile the checkouts first: under PYTHONDONTWRITEBYTECODE each worker "
                        "then compiles the site from source at start")
    parser.add_argument("--served", action="store_true", help="the site again under the uvicorn options `serve` "
                        "gives it (bench/serve_site.py), beside uvicorn's command line")
    parser.add_argument("--pin", action="store_true", help="run the servers on the last CPU and wrk on the others "
                        "(steadier figures on a small machine; with --workers every worker shares that CPU)")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-password", default="")
    parser.add_argument("--pg-database", default="nori_bench")
    args = parser.parse_args()
    args.server_cpus, args.load_cpus = pinned_cpus(args.pin)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed: apt-get install -y wrk")
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    if not engines or set(engines) - {"sqlite", "postgres"}:
        parser.error("--engines takes sqlite and/or postgres")
    chosen = [name.strip() for name in args.endpoints.split(",") if name.strip()]
    if not chosen or set(chosen) - set(ENDPOINTS):
        parser.error("--endpoints takes " + ", ".join(ENDPOINTS))
    for name in set(ENDPOINTS) - set(chosen):
        del ENDPOINTS[name]
    try:
        worker_counts: list[int | None] = [int(n) for n in args.workers.split(",") if n.strip()] or [None]
    except ValueError:
        parser.error("--workers takes comma-separated numbers, e.g. 1,2,4")
    if any(n is not None and n < 1 for n in worker_counts):
        parser.error("--workers counts must be at least 1")

    lines = [
        "| engine | workers | endpoint | app | bare req/s | app req/s | app/bare | target | p50 ms bare / app "
        "| p99 ms bare / app | CPU µs/req bare / app (bare/app) | errors |",
        "|---|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    sizes = ["| engine | workers | app | peak RSS MiB (one worker) | RSS / bare | launch to all workers up, s |",
             "|---|---:|---|---:|---:|---:|"]
    if not args.source:
        for compiled in (ROOT, *([args.compare] if args.compare else [])):
            byte_compile(compiled)
    with tempfile.TemporaryDirectory(prefix="nori-bench-") as tmp:
        workdir = Path(tmp)
        for engine in engines:
            db_url, site_settings = engine_setup(engine, args, workdir)
            for workers in worker_counts:
                count = asyncio.run(seed(db_url.split("?")[0], args.rows))
                print(f"{engine}: seeded {count} articles; workers: {workers or 'uvicorn, 1'}", file=sys.stderr,
                      flush=True)
                servers = servers_for(db_url, site_settings, workdir, args, workers)
                measure_engine(servers, args, workdir)
                lines += table(engine, servers)
                sizes += footprint(engine, servers)
    server = f"gunicorn with {args.workers} uvicorn workers" if args.workers else "uvicorn 1 worker each"
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s (after {args.warmup}s warm-up), "
          f"{server}, {args.rounds} alternating rounds, medians; page={args.page}, {args.rows} rows; "
          f"code {'compiled from source at start' if args.source else 'byte-compiled'}; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
          f"{'; servers pinned to CPU ' + ','.join(map(str, sorted(args.server_cpus))) if args.server_cpus else ''}. "
          "CPU µs/req is the server's CPU time per request (less sensitive to other load than req/s).\n")
    print("\n".join(lines))
    print()
    print("\n".join(sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
