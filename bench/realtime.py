"""WebSockets: fan-out to 1,000 sockets on one process, and the latency of a broadcast between two processes.

Serves the site plus its socket routes (tests/support/realtime_site.py) with uvicorn on loopback.

- Fan-out: 1,000 clients listen to one room on one server; one POST broadcasts MESSAGES messages to
  it, and the clock stops when every client has every message. Printed: messages/s (broadcasts
  the room got through) and deliveries/s (socket sends), with REALTIME_URL=memory:// (the POST to
  the same process, the only one that can reach its sockets) and over Redis (the POST to a second
  process, as a broadcast from another worker or a job arrives) side by side, rounds alternating
  which goes first, and the ratio.
- Latency: a client on one server sends a message into a room, a client on a second server receives
  it; one at a time, PINGS per round. Printed: p50 and p99 in ms over Redis pub/sub and over
  PostgreSQL LISTEN/NOTIFY (when a PostgreSQL server answers), rounds alternating.

The 1,000 clients run in this script's process: on a small machine they compete with the server
for the CPU, so the fan-out figure is a floor for what the server does alone. Time-bounded:
rounds stop once --seconds have passed (at least one round each).

    python3 bench/realtime.py --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `python3 bench/realtime.py` puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's `http` package (httpx needs it): put the project's folders there.
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

import httpx  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402

from core.testing.databases import drop_database, recreate_database  # noqa: E402
from core.testing.engines import engine_database, reachable  # noqa: E402
from tests.support.server import database_environment, served_process  # noqa: E402

APP = "tests.support.realtime_site:app"
CLIENTS = 1000
MESSAGES = 200
PINGS = 200
REDIS_URL = "redis://127.0.0.1:6379/13"


def base_settings(tmp: Path) -> dict[str, str]:
    return {"DEBUG": "true", "SECRET_KEY": "b" * 48, "PYTHONPATH": str(ROOT), "REDIS_URL": "", "QUEUE_URL": "",
            "DB_ENGINE": "sqlite", "DB_NAME": str(tmp / "bench.sqlite3"), "LOG_LEVEL": "WARNING"}


def ws(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


async def fan_out(base: str, clients: list[ClientConnection], room: str) -> float:
    """Seconds from the POST to `base` until every client holds all MESSAGES broadcasts."""

    async def drain(client: ClientConnection) -> None:
        for _ in range(MESSAGES):
            await client.recv()

    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        started = time.perf_counter()
        waiting = [asyncio.create_task(drain(client)) for client in clients]
        answer = await http.post(f"/_rt/broadcast/{room}", json={"messages": [{"n": n} for n in range(MESSAGES)]})
        answer.raise_for_status()
        await asyncio.gather(*waiting)
        return time.perf_counter() - started


async def listeners(base: str, room: str) -> list[ClientConnection]:
    clients = []
    for start in range(0, CLIENTS, 100):  # in batches: 1,000 handshakes at once trip the listen backlog
        batch = await asyncio.gather(*(connect(ws(base, f"/ws/feed/{room}"), max_queue=None)
                                       for _ in range(start, min(CLIENTS, start + 100))))
        for client in batch:
            await client.recv()  # "joined"
        clients += batch
    return clients


async def latencies(first: str, second: str) -> list[float]:
    """Milliseconds from a send on `first` to its arrival through `second`, PINGS times."""
    room = f"ping-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(timeout=30) as http:
        users = [(await http.post(f"{base}/_rt/users", params={"chat": "1"})).json() for base in (first, second)]
    headers = [{"Authorization": f"Bearer {user['token']}"} for user in users]
    async with connect(ws(first, f"/ws/chat/{room}"), additional_headers=headers[0]) as speaker, \
            connect(ws(second, f"/ws/chat/{room}"), additional_headers=headers[1]) as hearer:
        await speaker.recv()
        await hearer.recv()
        times = []
        for number in range(PINGS):
            sent = time.perf_counter()
            await speaker.send(str(number))
            while json.loads(await hearer.recv())["text"] != str(number):
                pass
            times.append((time.perf_counter() - sent) * 1000)
            await speaker.recv()  # its own copy
        return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def bench_fan_out(bases: dict[str, tuple[str, str]], deadline: float,
                        max_rounds: int) -> dict[str, list[float]]:
    """`bases`: per backend, the server the clients listen on and the one the broadcasts are posted to."""
    rooms = {name: f"fan-{uuid.uuid4().hex[:8]}" for name in bases}
    clients = {name: await listeners(listen, rooms[name]) for name, (listen, _) in bases.items()}
    seconds: dict[str, list[float]] = {name: [] for name in bases}
    try:
        for number in range(max_rounds):
            order = list(bases) if number % 2 == 0 else list(reversed(bases))
            for name in order:
                seconds[name].append(await fan_out(bases[name][1], clients[name], rooms[name]))
            if time.monotonic() > deadline:
                break
    finally:
        for group in clients.values():
            await asyncio.gather(*(client.close() for client in group), return_exceptions=True)
    return seconds


async def bench_latency(pairs: dict[str, tuple[str, str]], deadline: float, max_rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in pairs}
    for number in range(max_rounds):
        order = list(pairs) if number % 2 == 0 else list(reversed(pairs))
        for name in order:
            times[name] += await latencies(*pairs[name])
        if time.monotonic() > deadline:
            break
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="stop starting rounds after this long")
    parser.add_argument("--rounds", type=int, default=6, help="at most this many rounds of each part")
    parser.add_argument("--redis-url", default=REDIS_URL)
    args = parser.parse_args()
    started = time.monotonic()
    channel = f"nori_bench_rt_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as servers:
        tmp = Path(scratch)
        settings = base_settings(tmp)
        redis = {**settings, "REALTIME_URL": args.redis_url, "REALTIME_CHANNEL": channel}

        def serve(environment: dict[str, str]) -> str:
            return str(servers.enter_context(served_process(environment, tmp, app=APP))[1])

        memory_base = serve({**settings, "REALTIME_URL": "memory://"})
        redis_bases = (serve(redis), serve(redis))
        pairs = {"redis": redis_bases}
        pg = None
        if reachable("postgres"):
            pg = engine_database("postgres", "_rtbench")
            asyncio.run(recreate_database(pg))
            postgres = {**settings, **database_environment(pg)}
            pairs["postgres"] = (serve(postgres), serve(postgres))
        fan_deadline = started + args.seconds / 2
        seconds = asyncio.run(bench_fan_out({"memory": (memory_base, memory_base), "redis": redis_bases},
                                            fan_deadline, args.rounds))
        times = asyncio.run(bench_latency(pairs, started + args.seconds, args.rounds))
    if pg is not None:
        asyncio.run(drop_database(pg))

    print(f"fan-out: {CLIENTS} sockets in one room on one process, {MESSAGES} broadcasts per round "
          f"({len(seconds['memory'])} rounds, medians)")
    rates = {}
    for name, values in seconds.items():
        rates[name] = MESSAGES / statistics.median(values)
        print(f"  {name:8} {rates[name]:9.0f} messages/s  {rates[name] * CLIENTS:11.0f} deliveries/s")
    ratios = [memory / redis for memory, redis in zip(seconds["memory"], seconds["redis"], strict=True)]
    print(f"  redis / memory throughput: {statistics.median(ratios):.2f} (median of per-round ratios)")
    print(f"latency between two processes: {PINGS} messages per round, one at a time")
    for name, values in times.items():
        print(f"  {name:8} p50 {percentile(values, 0.5):6.2f} ms  p99 {percentile(values, 0.99):6.2f} ms  "
              f"({len(values)} messages)")
    if "postgres" not in times:
        print("  postgres: no PostgreSQL server answers at 127.0.0.1:5432, skipped")



if __name__ == "__main__":
    main()
