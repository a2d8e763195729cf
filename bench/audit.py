"""Does audit logging slow down writes? A write endpoint with and without `audit()`, under load.

Serves the site (plus two bench routes, tests/support/audit_site.py) with uvicorn on loopback,
drives `POST /_bench/write` (creates a user) and `POST /_bench/write-audited` (the same, plus
one audit() call) with wrk, alternating round by round in ABBA order, and prints medians and
the ratio. On a shared machine use more rounds: run-to-run noise is easily 10-20 %.
Target: audited / plain >= 0.9. Needs wrk (`apt-get install -y wrk`).

    python3 bench/audit.py --engine sqlite --rounds 6 --duration 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `python3 bench/audit.py` puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's `http` package (urllib and httpx need it): put the project's folders there.
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

import urllib.request  # noqa: E402

from core.database import DatabaseSettings, orm, tortoise_config  # noqa: E402
from core.testing.databases import recreate_database  # noqa: E402
from core.testing.engines import engine_database  # noqa: E402
from tests.support.server import served_site  # noqa: E402

TARGETS = {"plain": "/_bench/write", "audited": "/_bench/write-audited"}
POST_SCRIPT = 'wrk.method = "POST"\nwrk.headers["Accept"] = "application/json"\n'
UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> tuple[float, float, int]:
    """(requests per second, p99 latency in ms, completed requests) from `wrk --latency`."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    done = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} failed responses:\n{output}")
    return rate, float(value) * UNITS_MS[unit], done


def fetch_json(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=120) as response:
        return json.load(response)


def server_cpu(base: str) -> float:
    """CPU seconds the server process has used so far."""
    return float(fetch_json(base + "/_bench/cpu")["cpu"])


def site_settings(db: DatabaseSettings) -> dict[str, str]:
    return {"DB_ENGINE": db.engine, "DB_NAME": db.name, "DB_HOST": db.host, "DB_PORT": str(db.effective_port),
            "DB_USER": db.effective_user, "DB_PASSWORD": db.password, "DEBUG": "false", "SECRET_KEY": "b" * 48,
            "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}


async def prepare(db: DatabaseSettings) -> None:
    from tortoise import Tortoise

    await recreate_database(db)
    async with orm(tortoise_config(db)):
        await Tortoise.generate_schemas()


async def audit_rows(db: DatabaseSettings) -> int:
    async with orm(tortoise_config(db)):
        from core.models import AuditLog

        return await AuditLog.all().count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "mysql", "postgres"])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench/audit.py needs wrk: apt-get install -y wrk", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        db = engine_database(args.engine, "_bench_audit")
        if args.engine == "sqlite":
            db = db.with_name(str(tmp / "bench.sqlite3"))
        asyncio.run(prepare(db))
        script = tmp / "post.lua"
        script.write_text(POST_SCRIPT)
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in TARGETS}
        audited_requests = 0
        with served_site(site_settings(db), tmp, app="tests.support.audit_site:app") as base:
            for path in TARGETS.values():  # warm-up: connections, compiled queries
                subprocess.run(["wrk", "-t1", "-c4", "-d1s", "-s", str(script), base + path],
                               check=True, capture_output=True)
            warmup_rows = asyncio.run(audit_rows(db))
            for round_number in range(args.rounds):
                order = list(TARGETS.items())
                if round_number % 2:  # ABBA order: drift in the machine's load hits both sides alike
                    order.reverse()
                for name, path in order:
                    cpu_before = server_cpu(base)
                    output = subprocess.run(
                        ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                         "-s", str(script), base + path], check=True, capture_output=True, text=True,
                    ).stdout
                    rate, p99, done = parse_wrk(output)
                    cpu_per_request = (server_cpu(base) - cpu_before) / max(done, 1)
                    results[name].append((rate, p99, cpu_per_request))
                    if name == "audited":
                        audited_requests += done
            rows = asyncio.run(audit_rows(db)) - warmup_rows
            costs = [fetch_json(base + "/_bench/audit-cost") for _ in range(3)]
    medians = {name: [statistics.median(run[i] for run in runs) for i in range(3)] for name, runs in results.items()}
    plain_rate, _, plain_cpu = medians["plain"]
    print(f"\n### audit() on a write endpoint ({args.engine}, {args.rounds} rounds x {args.duration}s, "
          f"wrk -t{args.threads} -c{args.connections})\n")
    print("| endpoint | req/s | p99 ms | server CPU us/req | req/s ratio | CPU ratio (plain/this) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (rate, p99, cpu) in medians.items():
        print(f"| {TARGETS[name]} ({name}) | {rate:,.0f} | {p99:.1f} | {cpu * 1e6:,.0f} | "
              f"{rate / plain_rate:.2f} | {plain_cpu / cpu:.2f} |")
    print("\nMedians over the rounds. Server CPU is the uvicorn process's own CPU time per completed request "
          "(the database server's is not included). Both figures move with other load on the machine: "
          "compare them within one run, and rerun when the machine is busy.")
    cost = {key: statistics.median(sample[key] for sample in costs) for key in costs[0]}
    print("\nInside the served process (CPU us, median of 3 x 2,000 calls), what an audited write adds:\n")
    print("| audit() call (request path) | writing one row (background) | the write itself (user insert) | "
          "expected ratio |")
    print("|---:|---:|---:|---:|")
    added = cost["audit_call"] + cost["row_write"]
    print(f"| {cost['audit_call']:.1f} | {cost['row_write']:.1f} | {cost['user_insert']:.0f} | "
          f"{cost['user_insert'] / (cost['user_insert'] + added):.2f} |")
    print(f"\naudit rows written: {rows:,} for {audited_requests:,} audited requests wrk completed "
          "(wrk cuts in-flight requests at the end of a run, so rows may exceed that count by up to one per "
          "connection and run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
