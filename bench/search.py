#!/usr/bin/env python3
"""`Model.search()` on each engine's full-text index beside `LIKE '%term%'` over the same columns.

    python3 bench/search.py --engines sqlite,mysql,postgres --docs 100000 --seconds 3

For each engine: fill `bench_search_docs` with --docs documents (a 6-word title and a 40-word
body drawn from a 20,000-word vocabulary with a Zipf-like spread, so some words are common and
most are rare; batched `execute_many` INSERTs), then build the search index with the very DDL a
migration runs (`core.search.sql.create_statements`). Then, for a common word, a rare word, a
prefix and two words together, time the first page (20 rows) of `Doc.search(terms)` (ranked,
soft-deleted rows excluded) and of the same filter written as `title LIKE '%w%' OR body LIKE
'%w%'` per word (unranked: it stops at the first 20 rows it meets in table order, so on a common
word it reads a few hundred rows while the search ranks every match: that case favours LIKE).
The two sides alternate call by call for --seconds per case; printed are p50 and p99 of each
and the ratio of the p50s (LIKE / search: above 1 means search is faster). The database,
`<NORI_TEST_DB_NAME>_search_bench`, is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

from tortoise import connections, fields  # noqa: E402
from tortoise.context import TortoiseContext  # noqa: E402
from tortoise.expressions import Q  # noqa: E402

from core.compat.tortoise import forget_insert_statements, insert_statement  # noqa: E402
from core.database import connection_config, without_query_timeout  # noqa: E402
from core.mixins.soft_deletes import NoriSoftDeletes  # noqa: E402
from core.search import Searchable  # noqa: E402
from core.search.declaration import declaration_of  # noqa: E402
from core.search.sql import create_statements  # noqa: E402
from core.testing.databases import create_database, drop_database  # noqa: E402
from core.testing.engines import engine_database  # noqa: E402

VOCABULARY = 20_000
BATCH = 5_000
PAGE = 20


class Doc(Searchable, NoriSoftDeletes):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()

    class Search:
        fields = {"title": "A", "body": "B"}

    class Meta:
        table = "bench_search_docs"


def vocabulary(rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        words["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


async def populate(total: int, words: list[str], rng: random.Random) -> None:
    weights = [1 / rank for rank in range(1, len(words) + 1)]
    conn = connections.get("default")
    sql = insert_statement(conn, Doc)  # columns in model order: deleted_at (inherited), title, body
    for start in range(0, total, BATCH):
        count = min(BATCH, total - start)
        drawn = rng.choices(words, weights, k=count * 46)
        rows = [[None, " ".join(drawn[i * 46:i * 46 + 6]).capitalize(), " ".join(drawn[i * 46 + 6:(i + 1) * 46])]
                for i in range(count)]
        await conn.execute_many(sql, rows)


def like(substrings: list[str]) -> Any:
    """Rows holding every substring in the title or the body, in table order: what LIKE can do."""
    query = Doc.all()
    for word in substrings:
        query = query.filter(Q(title__contains=word) | Q(body__contains=word))
    return query.limit(PAGE)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def bench_engine(engine: str, total: int, seconds: float) -> list[str]:
    database = engine_database(engine, "_search_bench")
    forget_insert_statements()
    await drop_database(database)
    await create_database(database)
    # building a FULLTEXT index over 100,000 rows may take longer than the default query timeout
    config = without_query_timeout({"connections": {"default": connection_config(database)},
                                    "apps": {"bench": {"models": ["__main__"]}}})
    rng = random.Random(7)
    words = vocabulary(rng)
    lines = []
    try:
        async with TortoiseContext() as ctx:
            await ctx.init(config=config)
            await ctx.generate_schemas()
            started = time.perf_counter()
            await populate(total, words, rng)
            loaded = time.perf_counter() - started
            conn = connections.get("default")
            started = time.perf_counter()
            for statement in create_statements(declaration_of(Doc), conn.capabilities.dialect):
                await conn.execute_script(statement)
            print(f"{engine}: {total:,} documents in {loaded:.1f}s, index built in "
                  f"{time.perf_counter() - started:.1f}s", file=sys.stderr)
            cases = [("common word", words[30]), ("rare word", words[15_000]), ("prefix", words[400][:4]),
                     ("two words", f"{words[60]} {words[200]}")]
            for label, terms in cases:
                timings: dict[str, list[float]] = {"search": [], "like": []}
                found = await Doc.search(terms).count()
                deadline = time.perf_counter() + seconds
                while time.perf_counter() < deadline or len(timings["search"]) < 5:
                    for side in ("search", "like") if len(timings["search"]) % 2 else ("like", "search"):
                        query = Doc.search(terms).limit(PAGE) if side == "search" else like(terms.split())
                        began = time.perf_counter()
                        await query
                        timings[side].append(time.perf_counter() - began)
                s50, s99 = percentile(timings["search"], 0.5), percentile(timings["search"], 0.99)
                l50, l99 = percentile(timings["like"], 0.5), percentile(timings["like"], 0.99)
                lines.append(line := f"| {engine} | {label} `{terms}` | {found:,} | {s50 * 1000:.2f} | "
                             f"{s99 * 1000:.2f} | {l50 * 1000:.2f} | {l99 * 1000:.2f} | {l50 / s50:.1f}x | "
                             f"{len(timings['search'])} |")
                print(line, file=sys.stderr)
    finally:
        await drop_database(database)
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,mysql,postgres")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each case, both sides alternating")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "false")
    rows = []
    for engine in [name.strip() for name in args.engines.split(",") if name.strip()]:
        rows += await bench_engine(engine, args.docs, args.seconds)
    print(f"Search against LIKE '%term%', {args.docs:,} documents, first page of {PAGE}, times in ms\n")
    print("| engine | terms | matching rows | search p50 | search p99 | LIKE p50 | LIKE p99 | LIKE/search | calls |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
