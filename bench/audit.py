"""Does audit logging slow down writes? A sign-up endpoint without audit, and audited in each write mode.

Serves the site (plus bench routes, tests/support/audit_site.py) with uvicorn on loopback and drives
three sign-up endpoints with wrk: `plain` (no audit), `transactional` (NoriAuditMixin, the row in
the change's own transaction: AUDIT_WRITES=transactional, the default) and `batched` (the row
queued for the background writer: AUDIT_WRITES=batched). Each round runs all three back to back,
rotating which goes first, and the script prints medians and the median of each round's ratio to
plain. Single rounds swing by 10-20 % on a shared machine, hence 12 rounds by default. Target:
audited / plain >= 0.9. Needs wrk (`apt-get install -y wrk`).

With two or more CPUs the server runs pinned to the last one and wrk to the others (the database
server is left where the system puts it): what is measured is the cost audit logging adds to the
application process, not how the scheduler shares a small machine between the load generator,
the database and the site. `--no-pin` measures without pinning.

    python3 bench/audit.py --engine sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `python3 bench/audit.py` puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's `http` package (urllib and httpx need it): put the project's folders there.
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

import urllib.request  # noqa: E402

from core.audit.writer import LINGER_SECONDS  # noqa: E402
from core.database import DatabaseSettings, orm  # noqa: E402
from core.testing.databases import recreate_database  # noqa: E402
from core.testing.engines import engine_database  # noqa: E402
from tests.support.audit_models import member_config  # noqa: E402
from tests.support.server import served_site  # noqa: E402

MODES = ("transactional", "batched")
TARGETS = {name: f"/_audit/members/{name}" for name in ("plain", *MODES)}
MODELS = {"transactional": "AuditedMember", "batched": "BatchedMember"}
POST_SCRIPT = 'wrk.method = "POST"\nwrk.headers["Accept"] = "application/json"\n'
UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
TARGET = 0.9


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


def pin(base: str) -> set[int] | None:
    """Pin every thread of the server to the last CPU; the CPUs left for wrk (None: too few to pin)."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    server = int(fetch_json(base + "/_bench/cpu")["pid"])
    for thread in Path(f"/proc/{server}/task").iterdir():
        os.sched_setaffinity(int(thread.name), {cpus[-1]})
    return set(cpus[:-1])


def site_settings(db: DatabaseSettings) -> dict[str, str]:
    return {"DB_ENGINE": db.engine, "DB_NAME": db.name, "DB_HOST": db.host, "DB_PORT": str(db.effective_port),
            "DB_USER": db.effective_user, "DB_PASSWORD": db.password, "DEBUG": "false", "SECRET_KEY": "b" * 48,
            "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}


async def prepare(db: DatabaseSettings) -> None:
    from tortoise import Tortoise

    await recreate_database(db)
    async with orm(member_config(db)):
        await Tortoise.generate_schemas()


async def audit_rows(db: DatabaseSettings) -> dict[str, int]:
    """Audit rows so far per write mode (each mode's endpoint stores its own model)."""
    async with orm(member_config(db)):
        from core.models import AuditLog

        return {mode: await AuditLog.filter(model_name=model).count() for mode, model in MODELS.items()}


Run = tuple[float, float, float]  # req/s, p99 ms, server CPU seconds per request


def run_rounds(args: argparse.Namespace, base: str, script: Path, wrk_cpus: set[int] | None,
               ) -> tuple[dict[str, list[Run]], dict[str, int]]:
    """Every endpoint once per round, the order rotated each round so drift in the machine's load
    hits each endpoint in each position alike; also the requests wrk completed per endpoint."""
    keep_off_server = None if wrk_cpus is None else (lambda: os.sched_setaffinity(0, wrk_cpus))
    results: dict[str, list[Run]] = {name: [] for name in TARGETS}
    completed = dict.fromkeys(TARGETS, 0)
    names = list(TARGETS)
    for round_number in range(args.rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            cpu_before = server_cpu(base)
            output = subprocess.run(
                ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                 "-s", str(script), base + TARGETS[name]], check=True, capture_output=True, text=True,
                preexec_fn=keep_off_server,
            ).stdout
            rate, p99, done = parse_wrk(output)
            results[name].append((rate, p99, (server_cpu(base) - cpu_before) / max(done, 1)))
            completed[name] += done
    return results, completed


def round_ratios(results: dict[str, list[Run]], name: str) -> tuple[list[float], list[float]]:
    """Per round, sorted: req/s of `name` over plain's, and plain's CPU per request over `name`'s.

    Each round measures the endpoints back to back, so a ratio per round cancels the drift between
    rounds (a growing table, other load) that a ratio of two medians would keep.
    """
    pairs = list(zip(results["plain"], results[name], strict=True))
    return (sorted(audited[0] / plain[0] for plain, audited in pairs),
            sorted(plain[2] / audited[2] for plain, audited in pairs))


def report(args: argparse.Namespace, results: dict[str, list[Run]], placement: str, costs: list[dict[str, float]],
           rows: dict[str, int], completed: dict[str, int]) -> None:
    medians = {name: [statistics.median(run[i] for run in runs) for i in range(3)] for name, runs in results.items()}
    ratios = {name: round_ratios(results, name) for name in MODES}
    print(f"\n### Audited sign-ups ({args.engine}, {args.rounds} rounds x {args.duration}s, "
          f"wrk -t{args.threads} -c{args.connections}, {placement})\n")
    print("| endpoint | req/s | p99 ms | server CPU us/req | req/s ratio | CPU ratio (plain/this) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (rate, p99, cpu) in medians.items():
        rate_ratio, cpu_ratio = (1.0, 1.0) if name == "plain" else (statistics.median(r) for r in ratios[name])
        print(f"| {TARGETS[name]} ({name}) | {rate:,.0f} | {p99:.1f} | {cpu * 1e6:,.0f} | "
              f"{rate_ratio:.2f} | {cpu_ratio:.2f} |")
    print()
    for name, (rate_ratios, _) in ratios.items():
        verdict = "met" if statistics.median(rate_ratios) >= TARGET else "NOT met"
        print(f"{name}/plain req/s: {statistics.median(rate_ratios):.2f} (target >= {TARGET}: {verdict}); per round "
              f"{rate_ratios[0]:.2f} to {rate_ratios[-1]:.2f}.")
    print("\nFigures are medians over the rounds; ratios are medians of each round's ratio. Server CPU is the "
          "uvicorn process's own CPU time per completed request (the database server's is not included). "
          "Both move with other load on the machine: compare them within one run, and rerun when it is busy.")
    cost = {key: statistics.median(sample[key] for sample in costs) for key in costs[0]}
    print("\nInside the served process (CPU us, median of 3 x 2,000 audit() calls and 200 sign-ups each):\n")
    print("| audit() call (request path) | writing its row (batched) | plain sign-up | transactional sign-up "
          "(change + row, one transaction) | expected batched ratio | expected transactional ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    plain, transactional = cost["plain_insert"], cost["transactional_insert"]
    print(f"| {cost['audit_call']:.1f} | {cost['row_write']:.1f} | {plain:.0f} | {transactional:.0f} | "
          f"{plain / (plain + cost['audit_call'] + cost['row_write']):.2f} | {plain / transactional:.2f} |")
    print("\naudit rows written: " + "; ".join(f"{name} {rows[name]:,} for {completed[name]:,} sign-ups wrk completed"
                                              for name in MODES) +
          " (wrk cuts in-flight requests at the end of a run, so rows may exceed that count by up to one per "
          "connection and run)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "mysql", "postgres"])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-pin", action="store_true", help="let the system place the server and wrk")
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
        with served_site(site_settings(db), tmp, app="tests.support.audit_site:app") as base:
            for path in TARGETS.values():  # warm-up: connections, compiled queries
                subprocess.run(["wrk", "-t1", "-c4", "-d1s", "-s", str(script), base + path],
                               check=True, capture_output=True)
            wrk_cpus = None if args.no_pin else pin(base)
            before = asyncio.run(audit_rows(db))
            results, completed = run_rounds(args, base, script, wrk_cpus)
            time.sleep(2 * LINGER_SECONDS)  # the batched writer's last batch lands
            after = asyncio.run(audit_rows(db))
            costs = [fetch_json(base + "/_bench/audit-cost") for _ in range(3)]
    placement = ("unpinned" if wrk_cpus is None else
                 f"server on CPU {max(os.sched_getaffinity(0))}, wrk on CPU {','.join(map(str, sorted(wrk_cpus)))}")
    report(args, results, placement, costs, {mode: after[mode] - before[mode] for mode in MODES}, completed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
