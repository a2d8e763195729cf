#!/usr/bin/env python3
"""What one `/bench/write` costs each app in its own process, without a server or a client.

    python3 bench/write_cost.py --engine postgres --rounds 3 --requests 2000
    python3 bench/write_cost.py --engine postgres --callgrind          # instructions per request
    python3 bench/write_cost.py --compare /path/to/other/checkout      # that checkout's site too
    python3 bench/write_cost.py --variant notimeout:DB_QUERY_TIMEOUT=0  # the site with other settings

Each app (the bare one, the site, and the `--compare` checkout's site) runs in a process of its
own: its lifespan starts, one GET hands out the session cookie and CSRF token, and the form post
`bench/write.lua` sends is then made through the app's ASGI callable, request after request. The
apps take turns, swapping the order every round, and the CPU time per request is printed. With
`--callgrind` each app runs twice under valgrind instead, with a few and with many requests: the
difference of the two instruction counts, divided by the extra requests, is what one request
costs, start-up and warm-up cancelled out. Instruction counts do not move with the load of the
machine, so they show a change of a few per cent that req/s on a shared machine would hide
(valgrind is needed: apt-get install -y valgrind).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder heads sys.path, where bench/http.py would shadow the standard
# library's `http`: the apps come from the checkout PYTHONPATH names instead.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    del sys.path[0]
WARMUP = 200
BODY_TEXT = "lorem+ipsum+dolor+sit+amet+" * 18  # bench/write.lua's body field
ASGIApp = Callable[..., Awaitable[None]]


async def call(app: ASGIApp, method: str, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> dict[str, Any]:
    """One request through the app's ASGI callable; the status, headers and body it answered."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": "/bench/write", "raw_path": b"/bench/write", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8000"), *headers], "client": ("127.0.0.1", 40000),
             "server": ("127.0.0.1", 8000), "state": {}}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    answer: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the request is over: wait for nothing, as a server does
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"], answer["headers"] = message["status"], message.get("headers", [])
        else:
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return answer


async def drive(app: ASGIApp, requests: int) -> float:
    """Start the app, post the form WARMUP + `requests` times, and give the CPU seconds of the latter."""
    startup: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started = asyncio.get_running_loop().create_future()

    async def lifespan_send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup") and not started.done():
            started.set_result(message)

    await startup.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                       startup.get, lifespan_send))
    if (await started)["type"] != "lifespan.startup.complete":
        raise SystemExit(f"the app did not start: {started.result().get('message')}")
    form = await call(app, "GET", [])
    cookie = next(value for name, value in form["headers"] if name == b"set-cookie").split(b";")[0]
    token = json.loads(form["body"])["csrf_token"]
    prefix = secrets.token_hex(4)

    async def post(n: int) -> None:
        body = (f"csrf_token={token}&title=Written+article+{n}&slug={prefix}-{n}&body={BODY_TEXT}"
                f"&views={n % 10000}").encode()
        answer = await call(app, "POST", [(b"content-type", b"application/x-www-form-urlencoded"),
                                          (b"cookie", cookie), (b"content-length", b"%d" % len(body))], body)
        if answer["status"] != 200:
            raise SystemExit(f"the write answered {answer['status']}: {answer['body'][:200]!r}")

    for n in range(WARMUP):
        await post(-1 - n)
    before = time.process_time()
    for n in range(requests):
        await post(n)
    spent = time.process_time() - before
    await startup.put({"type": "lifespan.shutdown"})
    await lifespan
    return spent


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when it is installed, as uvicorn chooses it (its timers and callbacks are C)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run_app(which: str, requests: int) -> None:
    """In the child process: import one app from the checkout on sys.path and drive it."""
    if which == "bare":
        from bench.bare_app import app
    else:
        from bench.nori_app import app
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        spent = runner.run(drive(app, requests))
    print(json.dumps({"cpu_us": spent / requests * 1e6}), flush=True)
    os._exit(0)  # SQLite's worker thread would keep a finished process waiting


def environment(checkout: Path, engine: str, workdir: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY", "NORI_"))}
    env_file = workdir / "empty.env"
    env_file.write_text("")
    if engine == "sqlite":
        path = workdir / "bench.sqlite3"
        url, site = f"sqlite://{path}", {"DB_ENGINE": "sqlite", "DB_NAME": str(path)}
    else:
        url = "postgres://postgres@127.0.0.1:5432/nori_bench_write"
        site = {"DB_ENGINE": "postgres", "DB_NAME": "nori_bench_write", "DB_HOST": "127.0.0.1", "DB_PORT": "5432",
                "DB_USER": "postgres", "DB_PASSWORD": ""}
    return {**base, **site, "BENCH_DB_URL": url, "NORI_ENV_FILE": str(env_file), "DEBUG": "false",
            "SECRET_KEY": "bench-" + "k" * 48,
            "PYTHONPATH": os.pathsep.join([str(checkout), str(checkout / "rootsystem" / "application")])}


def prepare(engine: str, workdir: Path) -> str:
    """Seed the table both apps write to; the bench's own database on PostgreSQL."""
    from bench.workload import seed
    from core.database import DatabaseSettings
    from core.testing.databases import create_database

    if engine == "sqlite":
        url = f"sqlite://{workdir / 'bench.sqlite3'}"
    else:
        asyncio.run(create_database(DatabaseSettings(engine="postgres", name="nori_bench_write", host="127.0.0.1",
                                                     user="postgres")))
        url = "postgres://postgres@127.0.0.1:5432/nori_bench_write"
    asyncio.run(seed(url, rows=1_000))
    return url


def child(name: str, env: dict[str, str], requests: int, callgrind: bool) -> float:
    """CPU µs per request, or with `callgrind` the instructions the whole process ran."""
    argv = [sys.executable, __file__, "--child", name, "--requests", str(requests)]
    if not callgrind:
        out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
        return float(json.loads(out.strip().splitlines()[-1])["cpu_us"])
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as profile:
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile.name}",
                               os.path.realpath(sys.executable), *argv[1:]],
                              env=env, check=True, capture_output=True, text=True)
    collected = re.search(r"Collected : (\d+)", done.stderr)
    if collected is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return float(collected.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000, help="posts timed per app and round")
    parser.add_argument("--callgrind", action="store_true", help="instructions per request, under valgrind")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    if "--child" not in sys.argv:  # the parent: this checkout's bench and site (a child's come from PYTHONPATH)
        sys.path[:0] = [str(ROOT), str(ROOT / "rootsystem" / "application")]
        from bench.http import checkout, variant

        parser.add_argument("--variant", dest="variants", action="append", type=variant, default=[],
                            metavar="NAME:KEY=VALUE[;KEY=VALUE...]", help="the site again with these settings")
        parser.add_argument("--compare", type=checkout, metavar="REF_DIR",
                            help="another checkout's site in the same rounds")
    args = parser.parse_args()
    if args.child:
        run_app(args.child, args.requests)
        return
    with tempfile.TemporaryDirectory(prefix="nori-write-cost-") as tmp:
        workdir = Path(tmp)
        prepare(args.engine, workdir)
        apps: list[tuple[str, str, Path, dict[str, str]]] = [("bare", "bare", ROOT, {}), ("nori", "nori", ROOT, {})]
        apps += [(name, "nori", ROOT, settings) for name, settings in args.variants]
        if args.compare:
            apps.append(("compare", "nori", args.compare, {}))
        figures: dict[str, list[float]] = {label: [] for label, _, _, _ in apps}
        for round_number in range(args.rounds if not args.callgrind else 1):
            order = apps if round_number % 2 == 0 else apps[::-1]
            for label, which, root, settings in order:
                env = {**environment(root, args.engine, workdir), **settings}
                if args.callgrind:
                    few, many = 100, 100 + args.requests // 4
                    extra = child(which, env, many, True) - child(which, env, few, True)
                    figures[label].append(extra / (many - few))
                else:
                    figures[label].append(child(which, env, args.requests, False))
                print(f"  round {round_number + 1} {label:10} {figures[label][-1]:12,.0f}", flush=True)
    unit = "instructions per request" if args.callgrind else "CPU µs per request"
    bare = statistics.median(figures["bare"])
    print(f"\n{args.engine}, /bench/write in process, {unit} (median of {len(figures['bare'])}):")
    for label, values in figures.items():
        value = statistics.median(values)
        print(f"  {label:10} {value:12,.0f}   bare/{label} {bare / value:.3f}")


if __name__ == "__main__":
    main()
