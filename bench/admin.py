"""The admin's list page over a 100,000-row table on SQLite: time per page, goal under 100 ms.

Fills a fresh SQLite file with `--rows` articles (tests/support/admin_models.py) spread over 100
sections, logs in as a user granted `admin.*`, then requests each page below `--repeat` times
through the app in process (httpx's ASGI transport: no network), rounds alternating between the
pages, and prints each page's best and median time and its SQL statement count. The first page
is the one the goal is about; the others show what a search, a filter, a sort on an unindexed
column and a deep page cost on the same table. Run from the project root:

    python3 bench/admin.py                   # 100,000 rows, 20 rounds
    python3 bench/admin.py --rows 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python3 bench/admin.py` puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's `http` that httpx imports: the project root and the application replace it.
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

from core.database import DatabaseSettings, orm, tortoise_config  # noqa: E402
from core.testing.queries import count_queries  # noqa: E402

BATCH = 5_000
GOAL_MS = 100.0


def pages(rows: int) -> dict[str, str]:
    per_page = 25
    return {
        "first page": "/admin/articles",
        "search": "/admin/articles?q=article+4242",
        "filter": "/admin/articles?featured=1&section_id=7",
        "sort by title": "/admin/articles?sort=title",
        f"page {rows // per_page // 2}": f"/admin/articles?page={rows // per_page // 2}",
    }


async def fill(rows: int) -> None:
    from tests.support.admin_models import AdminArticle, AdminSection

    sections = [AdminSection(id=number, name=f"Section {number}") for number in range(1, 101)]
    await AdminSection.bulk_create(sections)
    for start in range(0, rows, BATCH):
        await AdminArticle.bulk_create([
            AdminArticle(title=f"Article {number}", body="Body", featured=number % 3 == 0,
                         section_id=number % 100 + 1)
            for number in range(start, min(rows, start + BATCH))
        ])


async def measure(rows: int, repeat: int) -> None:
    from tortoise import Tortoise

    from core.kernel import create_app
    from tests.support.admin import admin_models_registered, client_for, log_in, user_with

    with tempfile.TemporaryDirectory() as folder:
        db = DatabaseSettings(engine="sqlite", name=str(Path(folder) / "admin-bench.sqlite3"))
        config = tortoise_config(replace(db, extra_apps={"testapp": ("tests.support.admin_models",)}))
        async with orm(config):
            await Tortoise.generate_schemas()
            started = time.perf_counter()
            await fill(rows)
            print(f"{rows:,} articles written in {time.perf_counter() - started:.1f} s (SQLite)")
            with admin_models_registered():
                async with client_for(create_app(tortoise_config=config)) as client:
                    await log_in(client, await user_with("admin.*"))
                    targets = pages(rows)
                    times: dict[str, list[float]] = {name: [] for name in targets}
                    statements: dict[str, int] = {}
                    for path in targets.values():  # warm: templates compiled, caches filled
                        assert (await client.get(path)).status_code == 200, path
                    for _ in range(repeat):
                        for name, path in targets.items():
                            with count_queries() as queries:
                                started = time.perf_counter()
                                response = await client.get(path)
                                times[name].append((time.perf_counter() - started) * 1000)
                            assert response.status_code == 200, path
                            statements[name] = len(queries)
    print(f"{'page':<16}{'best ms':>10}{'median ms':>11}{'queries':>9}")
    for name, samples in times.items():
        print(f"{name:<16}{min(samples):>10.1f}{statistics.median(samples):>11.1f}{statements[name]:>9}")
    first = statistics.median(times["first page"])
    verdict = "meets" if first < GOAL_MS else "misses"
    print(f"first page median {first:.1f} ms {verdict} the {GOAL_MS:.0f} ms goal")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(measure(args.rows, args.repeat))


if __name__ == "__main__":
    main()
