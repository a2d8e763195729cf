"""NoriTreeMixin at scale: one recursive query against a naive level-by-level walk.

Builds a 100,000-node tree on each engine (a chain 1,000 deep under the root, the rest a
10-ary tree under the same root) with bulk inserts, then times, side by side in one run:

* ancestors of the deepest node  vs  `parent_node()` in a loop
* descendants of the root        vs  one `filter(parent_id__in=...)` per level
* `Model.tree()`                 vs  the same level-by-level walk, nested in memory

and counts the SQL statements each sends. Each side runs `--repeat` times, alternating, and its
best time is reported. Run from the project root:

    python3 bench/tree.py                        # sqlite,mysql,postgres
    python3 bench/tree.py --engines sqlite --nodes 20000 --repeat 1

Databases are named from NORI_TEST_DB_NAME (default `nori_test`) plus `_tree_bench`, found
where the test suite finds them (NORI_TEST_<ENGINE>_HOST/PORT/USER/PASSWORD), and dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "rootsystem" / "application"), str(ROOT)]

from tortoise import fields  # noqa: E402
from tortoise.context import TortoiseContext  # noqa: E402

from core.compat.tortoise import forget_insert_statements  # noqa: E402
from core.database import connection_config  # noqa: E402
from core.mixins.tree import NoriTreeMixin  # noqa: E402
from core.testing.databases import create_database, drop_database  # noqa: E402
from core.testing.engines import engine_database  # noqa: E402
from core.testing.queries import count_queries  # noqa: E402

CHAIN = 1_000
FANOUT = 10
BATCH = 5_000
IN_CHUNK = 5_000  # keeps the naive walk's IN lists under every engine's parameter limit


class BenchNode(NoriTreeMixin):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20)
    parent = fields.ForeignKeyField("bench.BenchNode", related_name="kids", null=True, db_index=True)

    class Meta:
        table = "bench_tree_nodes"


def shape(total: int) -> list[tuple[int, int | None]]:
    """(id, parent_id) rows, parents first: root 1, chain 2..CHAIN+1, then a FANOUT-ary tree under the root."""
    rows: list[tuple[int, int | None]] = [(1, None)]
    rows += [(node, node - 1) for node in range(2, CHAIN + 2)]
    first = CHAIN + 2
    for k in range(total - len(rows)):
        rows.append((first + k, 1 if k < FANOUT else first + (k - FANOUT) // FANOUT))
    return rows


async def populate(total: int) -> None:
    rows = shape(total)
    for start in range(0, len(rows), BATCH):
        batch = [BenchNode(id=node, name=f"n{node}", parent_id=parent) for node, parent in rows[start:start + BATCH]]
        await BenchNode.bulk_create(batch)


async def naive_ancestors(node: BenchNode) -> list[BenchNode]:
    found = []
    current = await node.parent_node()
    while current is not None:
        found.append(current)
        current = await current.parent_node()
    return found


async def naive_levels(start: list[Any]) -> list[BenchNode]:
    """Every node below the ids in `start`, one level (and IN-list chunk) per query."""
    found: list[BenchNode] = []
    frontier = start
    while frontier:
        level: list[BenchNode] = []
        for offset in range(0, len(frontier), IN_CHUNK):
            level += await BenchNode.filter(parent_id__in=frontier[offset:offset + IN_CHUNK])
        found += level
        frontier = [node.id for node in level]
    return found


async def naive_tree() -> list[BenchNode]:
    roots = await BenchNode.filter(parent_id__isnull=True)
    nodes = roots + await naive_levels([root.id for root in roots])
    by_id = {node.id: node for node in nodes}
    for node in nodes:
        node.tree_children = []
    for node in sorted(nodes, key=lambda n: n.id):
        if node.parent_id is not None:
            by_id[node.parent_id].tree_children.append(node)
    return sorted(roots, key=lambda n: n.id)


async def measure(work: Callable[[], Awaitable[Any]]) -> tuple[Any, int, float]:
    with count_queries() as queries:
        started = time.perf_counter()
        result = await work()
        elapsed = time.perf_counter() - started
    return result, len(queries), elapsed


def size(result: Any) -> int:
    """Nodes in a list, counting nested `tree_children` for `tree()` results."""
    stack, count = list(result), 0
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(getattr(node, "tree_children", ()))
    return count


async def bench_engine(engine: str, total: int, repeat: int) -> list[str]:
    database = engine_database(engine, "_tree_bench")
    # Tortoise caches compiled INSERTs per connection name; each engine needs its own placeholders.
    forget_insert_statements()
    await drop_database(database)
    await create_database(database)
    config = {"connections": {"default": connection_config(database)}, "apps": {"bench": {"models": ["__main__"]}}}
    lines = []
    try:
        async with TortoiseContext() as ctx:
            await ctx.init(config=config)
            await ctx.generate_schemas()
            started = time.perf_counter()
            await populate(total)
            print(f"{engine}: {total:,} nodes inserted in {time.perf_counter() - started:.1f}s", file=sys.stderr)
            deepest = await BenchNode.get(id=CHAIN + 1)
            root = await BenchNode.get(id=1)
            cases = [
                ("ancestors of the deepest node", deepest.ancestors, lambda: naive_ancestors(deepest)),
                ("descendants of the root", root.descendants, lambda: naive_levels([root.id])),
                ("tree()", BenchNode.tree, naive_tree),
            ]
            for label, fast, slow in cases:
                fast_time = slow_time = float("inf")
                for _ in range(repeat):  # alternate the two, keep each one's best: load on the host evens out
                    result, fast_queries, elapsed = await measure(fast)
                    fast_time = min(fast_time, elapsed)
                    expected, slow_queries, elapsed = await measure(slow)
                    slow_time = min(slow_time, elapsed)
                if size(result) != size(expected):
                    raise SystemExit(f"{engine} {label}: {size(result)} nodes, naive walk found {size(expected)}")
                lines.append(line := (
                    f"| {engine} | {label} | {size(result):,} | {fast_queries} | {fast_time * 1000:,.0f} ms "
                    f"| {slow_queries:,} | {slow_time * 1000:,.0f} ms | {slow_time / fast_time:.1f}x |"
                ))
                print(line, file=sys.stderr)
    finally:
        await drop_database(database)
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,mysql,postgres")
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each side; the best time counts")
    args = parser.parse_args()
    if args.nodes < CHAIN + 2:
        parser.error(f"--nodes must be at least {CHAIN + 2} (the chain alone is {CHAIN} deep)")
    rows = []
    for engine in [name.strip() for name in args.engines.split(",") if name.strip()]:
        rows += await bench_engine(engine, args.nodes, args.repeat)
    print(f"NoriTreeMixin, {args.nodes:,} nodes (chain {CHAIN} deep + {FANOUT}-ary tree), best of {args.repeat}\n")
    print("| engine | operation | nodes | queries | time | naive queries | naive time | speed-up |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
