#!/usr/bin/env python3
"""Migrations through the framework beside the same SQL run by hand through the driver, per engine.

    NORI_TEST_DB_NAME=nori_bench python3 bench/migrate.py [--engine all] [--rounds 6] [--rows 100000]

Two figures, each with its ratio (framework time / by-hand time):

1. **`migrate:upgrade` of a 30-model project from empty.** A scratch copy of the project gets 30
   generated models of the shapes a site mixes (foreign keys between them, a tree, many-to-many,
   one-to-one, soft deletes, indexes, a unique-together) and its migrations are written once, by
   `migrate:init` on SQLite. Each round, on a new empty database each time: `operations.upgrade`
   in-process (ORM start-up, the run's lock, the history table, one transaction per file) beside
   the statements those files hold for the engine, run through the bare driver (aiosqlite,
   asyncmy, asyncpg) in one transaction per file, connection included on both sides. The wall
   time of a `python3 nori.py migrate:upgrade` process is shown beside them, for context.
2. **A column change at `--rows` rows.** `bench_articles` (one index, and `bench_remarks`
   referencing it with a tenth as many rows) has its `title` widened from VARCHAR(100) NOT NULL
   to VARCHAR(200) NULL by a `migrate:make` file: on SQLite a `REBUILD TABLE` directive (new
   table, INSERT ... SELECT, drop, rename, indexes again), on MySQL/MariaDB and PostgreSQL their
   native ALTER. `backend.apply` with the ORM open (its history row included), beside the
   statements that apply sent to the driver (logged once, untimed, less its reads and history
   row) run by hand in one transaction, on SQLite with foreign keys off around it and `PRAGMA
   foreign_key_check` before the commit, as the framework does. The framework's revert restores
   the table after each side; the row counts and the column's length and NULL rule are checked.

The two sides alternate (ABBA: the first one goes second the next round); the median over
`--rounds` is reported, with the fastest round beside it. SQLite files live in a temporary folder;
the MySQL/MariaDB and PostgreSQL databases are named from NORI_TEST_DB_NAME (default `nori_test`)
plus `_migrate`, found where the test suite finds them (NORI_TEST_<ENGINE>_HOST/PORT/USER/PASSWORD),
and dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

from bench.cli import copy_project, timed  # noqa: E402
from core.database import ENGINES, DatabaseSettings, orm, tortoise_config  # noqa: E402
from core.migrations import backend, operations  # noqa: E402
from core.migrations.schema import live_columns  # noqa: E402
from core.testing.databases import drop_database, recreate_database  # noqa: E402
from core.testing.engines import engine_database, reachable  # noqa: E402
from core.testing.plugin import forget_compiled_queries  # noqa: E402

SITE_APP = "models"
SECRET = "bench-secret-" * 4
HEADER = "from tortoise import fields\nfrom tortoise.models import Model\n"
TITLE = "title = fields.CharField(max_length=100)"
WIDER_TITLE = "title = fields.CharField(max_length=200, null=True)"

SHAPED = {  # module: (class, table, fields, Meta line, bases, import of a mixin): the shapes a site mixes
    "article": ("Article", "bench_articles", [
        "code = fields.CharField(max_length=20, db_index=True)", TITLE,
        "published = fields.BooleanField(default=False)", "created_at = fields.DatetimeField(auto_now_add=True)",
    ], "", "Model", ""),
    "remark": ("Remark", "bench_remarks", [
        'article = fields.ForeignKeyField("models.Article", related_name="remarks", on_delete=fields.CASCADE)',
        "body = fields.TextField()",
    ], "", "Model", ""),
    "category": ("Category", "bench_categories", [
        'parent = fields.ForeignKeyField("models.Category", related_name="children_rel", null=True, default=None)',
        "name = fields.CharField(max_length=50)",
    ], "", "NoriTreeMixin, Model", "from core.mixins.tree import NoriTreeMixin"),
    "tag": ("Tag", "bench_tags", ["name = fields.CharField(max_length=30, unique=True)"], "", "Model", ""),
    "product": ("Product", "bench_products", [
        'category = fields.ForeignKeyField("models.Category", related_name="products", null=True, '
        "on_delete=fields.SET_NULL)",
        "sku = fields.CharField(max_length=30)", "price = fields.DecimalField(max_digits=10, decimal_places=2)",
        'tags = fields.ManyToManyField("models.Tag", related_name="products", through="bench_product_tags")',
    ], 'unique_together = (("category", "sku"),)', "Model", ""),
    "label": ("Label", "bench_labels", ["name = fields.CharField(max_length=30)"], "", "Model", ""),
    "entry": ("Entry", "bench_entries", [
        'product = fields.OneToOneField("models.Product", related_name="entry", null=True, '
        "on_delete=fields.SET_NULL)",
        "body = fields.TextField()",
        'labels = fields.ManyToManyField("models.Label", related_name="entries", through="bench_entry_labels")',
    ], "", "NoriSoftDeletes", "from core.mixins.soft_deletes import NoriSoftDeletes"),
}
PLAIN_FIELDS = (  # the generated models' extra column, in turn
    "amount = fields.IntField(default=0)", "active = fields.BooleanField(default=True)",
    "ratio = fields.FloatField(null=True)", "data = fields.JSONField(null=True)",
    "due = fields.DateField(null=True)", 'notes = fields.TextField(default="")',
)


def model_source(name: str, table: str, body: list[str], meta: str, bases: str, mixin: str) -> str:
    lines = [HEADER + (mixin + "\n" if mixin else ""), "", f"class {name}({bases}):",
             "    id = fields.IntField(primary_key=True)", *(f"    {line}" for line in body),
             "", "    class Meta:", f'        table = "{table}"']
    if meta:
        lines.append(f"        {meta}")
    return "\n".join(lines) + "\n"


def project_models(count: int = 30) -> dict[str, tuple[str, str]]:
    """`count` models: the shaped ones, then plain ones, every third keyed to the one before it."""
    models = {module: (spec[0], model_source(*spec)) for module, spec in SHAPED.items()}
    for number in range(len(SHAPED), count):
        body = [f"name = fields.CharField(max_length=50{', db_index=True' if number % 5 == 0 else ''})",
                PLAIN_FIELDS[number % len(PLAIN_FIELDS)]]
        if number % 3 == 0 and number > len(SHAPED):
            body.append(f'previous = fields.ForeignKeyField("models.Thing{number - 1:02d}", '
                        f'related_name="next_{number:02d}", null=True, on_delete=fields.CASCADE)')
        name = f"Thing{number:02d}"
        models[f"thing{number:02d}"] = (name, model_source(name, f"bench_things_{number:02d}", body, "", "Model", ""))
    return models


@dataclass(frozen=True)
class Scratch:
    site: Path
    location: Path  # the site's migrations folder
    change: Path  # a folder holding models/<the title change>, applied apart from the upgrade
    change_name: str


def site_environment(tmp: Path, db: DatabaseSettings) -> dict[str, str]:
    """The bench's environment, with an env file pointing `nori.py` at `db` and nothing else."""
    env_file = tmp / f"{db.engine}.env"
    env_file.write_text(f"DEBUG=true\nSECRET_KEY={SECRET}\nDB_ENGINE={db.engine}\nDB_NAME={db.name}\n"
                        f"DB_HOST={db.host}\nDB_PORT={db.effective_port}\nDB_USER={db.effective_user}\n"
                        f"DB_PASSWORD={db.password}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY"))}
    env["NORI_ENV_FILE"] = str(env_file)
    return env


def nori(site: Path, env: dict[str, str], *args: str) -> None:
    _, result = timed([sys.executable, "nori.py", *args], env, site)
    if result.returncode:
        sys.exit(f"nori.py {' '.join(args)} failed in the scratch copy: {result.stderr.strip()}")


def build_scratch(tmp: Path) -> Scratch:
    """The project with 30 models and its migrations (`migrate:init` on SQLite), and the title change."""
    site = copy_project(tmp / "site")
    models_dir = site / "rootsystem" / "application" / "models"
    models = project_models()
    for module, (_, source) in models.items():
        (models_dir / f"{module}.py").write_text(source)
    with (models_dir / "__init__.py").open("a") as init:
        init.write("".join(f"from models.{m} import {n}\nregister_model({n!r}, {n})\n" for m, (n, _) in models.items()))
    env = site_environment(tmp, DatabaseSettings(engine="sqlite", name=str(tmp / "make.sqlite3")))
    nori(site, env, "migrate:init")
    article = models_dir / "article.py"
    original = article.read_text()
    article.write_text(original.replace(TITLE, WIDER_TITLE))
    nori(site, env, "migrate:make", "widen article title")
    article.write_text(original)  # the upgrade side runs with the models its files describe
    made = backend.migration_files(site / "migrations", SITE_APP)[-1]
    change = tmp / "change"
    (change / SITE_APP).mkdir(parents=True)
    shutil.move(site / "migrations" / SITE_APP / made, change / SITE_APP / made)
    return Scratch(site, site / "migrations", change, made)


def upgrade_scripts(location: Path, dialect: str) -> list[str]:
    """Each migration file's SQL for `dialect`, framework files first, as `migrate:upgrade` runs them."""
    from aerich.utils import import_py_file

    return [import_py_file(backend.migration_dir(location, app) / name).UPGRADE[dialect]
            for app in operations.APPS for name in backend.migration_files(location, app)]


async def planned(db: DatabaseSettings, scripts: list[str]) -> list[list[str]]:
    """The statements each script runs on `db` as it is now, as the framework would expand them."""
    from tortoise import connections

    async with orm(tortoise_config(db)):
        conn = connections.get("default")
        return [await backend.planned_statements(conn, sql) for sql in scripts]


Run = Callable[[list[str]], Awaitable[None]]


@contextlib.asynccontextmanager
async def driver(db: DatabaseSettings, foreign_keys_off: bool = False) -> AsyncIterator[Run]:
    """A bare driver connection whose `run(statements)` runs them in one transaction.

    SQLite gets the pragmas Tortoise's client sets (WAL, foreign keys on), and with
    `foreign_keys_off` the framework's rebuild procedure: keys off before the transaction (SQLite
    ignores the pragma inside one), `foreign_key_check` before the commit.
    """
    if db.engine == "sqlite":
        import aiosqlite

        lite = await aiosqlite.connect(db.name, isolation_level=None)
        await lite.execute("PRAGMA journal_mode=WAL")
        await lite.execute("PRAGMA foreign_keys=ON")

        async def run(statements: list[str]) -> None:
            if foreign_keys_off:
                await lite.execute("PRAGMA foreign_keys=OFF")
            await lite.execute("BEGIN")
            for statement in statements:
                await lite.execute(statement)
            if foreign_keys_off:
                async with lite.execute("PRAGMA foreign_key_check") as cursor:
                    if broken := await cursor.fetchall():
                        raise RuntimeError(f"{len(broken)} row(s) break a foreign key after the rebuild")
            await lite.execute("COMMIT")
            if foreign_keys_off:
                await lite.execute("PRAGMA foreign_keys=ON")

        try:
            yield run
        finally:
            await lite.close()
    elif db.engine == "mysql":
        import asyncmy

        my = await asyncmy.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                   password=db.password, database=db.name, charset="utf8mb4")

        async def run(statements: list[str]) -> None:  # DDL commits on its own here; DML waits for the commit
            async with my.cursor() as cursor:
                for statement in statements:
                    await cursor.execute(statement)
            await my.commit()

        try:
            yield run
        finally:
            my.close()
    else:
        import asyncpg

        pg = await asyncpg.connect(host=db.host, port=db.effective_port, user=db.effective_user,
                                   password=db.password or None, database=db.name)

        async def run(statements: list[str]) -> None:
            async with pg.transaction():
                for statement in statements:
                    await pg.execute(statement)

        try:
            yield run
        finally:
            await pg.close()


async def tables(db: DatabaseSettings) -> set[str]:
    async with orm(tortoise_config(db)):
        return set(await live_columns())


async def framework_upgrade(db: DatabaseSettings, location: Path) -> float:
    project = operations.Project(tortoise_config(db), db, location)
    started = time.perf_counter()
    await operations.upgrade(project, lambda line: None)
    return time.perf_counter() - started


async def upgrade_by_hand(db: DatabaseSettings, batches: list[list[str]]) -> float:
    started = time.perf_counter()
    async with driver(db) as run:
        for batch in batches:
            await run(batch)
    return time.perf_counter() - started


def alternated(rounds: int, first: str, second: str) -> list[list[str]]:
    """ABBA: each round swaps which side goes first, so a drift in the host's load hits both."""
    return [[first, second] if number % 2 == 0 else [second, first] for number in range(rounds)]


@dataclass
class Figures:
    """Seconds per round for each side; shown as the median, with the fastest round beside it.

    The fastest round says how much of a median is the shared host's load rather than the work.
    """

    times: dict[str, list[float]]

    def cell(self, side: str) -> str:
        return f"{statistics.median(self.times[side]):.3f} ({min(self.times[side]):.3f})"

    def ratio(self) -> str:
        framework, hand = self.times["framework"], self.times["hand"]
        return f"{statistics.median(framework) / statistics.median(hand):.2f} ({min(framework) / min(hand):.2f})"


async def bench_upgrade(db: DatabaseSettings, scratch: Scratch, tmp: Path, rounds: int) -> tuple[Figures, int, int]:
    """Item 1 on one engine: figures, files and statements."""
    await recreate_database(db)
    batches = await planned(db, upgrade_scripts(scratch.location, db.engine))
    expected: set[str] = set()
    figures = Figures({"framework": [], "hand": [], "cli": []})
    env = site_environment(tmp, db)
    for order in alternated(rounds, "framework", "hand"):
        for side in order:
            await recreate_database(db)
            if side == "framework":
                figures.times[side].append(await framework_upgrade(db, scratch.location))
                expected = await tables(db) - {"aerich"}
            else:
                figures.times[side].append(await upgrade_by_hand(db, batches))
                built = await tables(db)
                if expected and built != expected:
                    sys.exit(f"{db.engine}: by hand built {sorted(built ^ expected)} differently from the framework")
        await recreate_database(db)
        seconds, result = timed([sys.executable, "nori.py", "migrate:upgrade"], env, scratch.site)
        if result.returncode:
            sys.exit(f"{db.engine}: nori.py migrate:upgrade failed: {result.stderr.strip()}")
        figures.times["cli"].append(seconds)
    return figures, len(batches), sum(len(batch) for batch in batches)


async def populate(db: DatabaseSettings, rows: int) -> None:
    """`rows` articles and a tenth as many remarks, through the ORM in one transaction."""
    from tortoise.transactions import in_transaction

    from models.article import Article
    from models.remark import Remark

    async with orm(tortoise_config(db)), in_transaction():
        await Article.bulk_create([Article(code=f"a{i}", title=f"Article {i}") for i in range(rows)], batch_size=5000)
        await Remark.bulk_create([Remark(article_id=i * 10 + 1, body="ok") for i in range(rows // 10)],
                                 batch_size=5000)


async def title_shape(db: DatabaseSettings) -> tuple[int, int, int, bool]:
    """(articles, remarks, title's length, title nullable) as the database's catalogue reports them."""
    from tortoise import connections

    async with orm(tortoise_config(db)):
        conn = connections.get("default")
        counts = [(await conn.execute_query_dict(f"SELECT COUNT(*) AS n FROM {table}"))[0]["n"]
                  for table in ("bench_articles", "bench_remarks")]
        if db.engine == "sqlite":
            title = next(c for c in await conn.execute_query_dict('PRAGMA table_info("bench_articles")')
                         if c["name"] == "title")
            return counts[0], counts[1], int(title["type"].split("(")[1].rstrip(")")), not title["notnull"]
        schema = "DATABASE()" if db.engine == "mysql" else "current_schema()"
        column = (await conn.execute_query_dict(
            "SELECT character_maximum_length AS l, is_nullable AS n FROM information_schema.columns "
            f"WHERE table_schema = {schema} AND table_name = 'bench_articles' AND column_name = 'title'"))[0]
        return counts[0], counts[1], int(column["l"]), column["n"] == "YES"


def schema_change(sql: str) -> bool:
    """Whether a statement the framework sent changes the schema, rather than reads it or keeps its history."""
    return sql.split(None, 1)[0].upper() not in ("SELECT", "PRAGMA") and "aerich" not in sql.lower()


async def change_statements(db: DatabaseSettings, scratch: Scratch) -> list[str]:
    """What applying the change sends on `db`, captured from one untimed apply (then reverted).

    Taken from the driver's log rather than from `planned_statements`: the file holds two
    directives for one column (Aerich writes the type change and the NULL change apart), and
    the second expands to nothing once the first has rebuilt the table, so the apply runs one
    rebuild where the plan, made ahead of both, lists two.
    """
    from core.testing.queries import count_queries

    config = tortoise_config(db)
    async with orm(config):
        with count_queries() as log:
            await backend.apply(config, SITE_APP, scratch.change, scratch.change_name)
        await backend.revert(config, SITE_APP, scratch.change, scratch.change_name)
    return [sql for sql in log.statements if schema_change(sql)]


async def bench_change(db: DatabaseSettings, scratch: Scratch, rounds: int, rows: int) -> tuple[Figures, list[str]]:
    """Item 2 on one engine: figures and the statements the change runs."""
    await recreate_database(db)
    config = tortoise_config(db)
    await operations.upgrade(operations.Project(config, db, scratch.location), lambda line: None)
    await populate(db, rows)
    statements = await change_statements(db, scratch)
    before, after = (rows, rows // 10, 100, False), (rows, rows // 10, 200, True)
    figures = Figures({"framework": [], "hand": []})
    for order in alternated(rounds, "framework", "hand"):
        for side in order:
            if (found := await title_shape(db)) != before:
                sys.exit(f"{db.engine}: the table was not restored before the {side} side: {found}")
            if side == "framework":
                async with orm(config):
                    started = time.perf_counter()
                    await backend.apply(config, SITE_APP, scratch.change, scratch.change_name)
                    figures.times[side].append(time.perf_counter() - started)
            else:
                async with driver(db, foreign_keys_off=db.engine == "sqlite") as run:
                    started = time.perf_counter()
                    await run(statements)
                    figures.times[side].append(time.perf_counter() - started)
            if (found := await title_shape(db)) != after:
                sys.exit(f"{db.engine}: the {side} side left {found}, expected {after}")
            async with orm(config):
                await backend.revert(config, SITE_APP, scratch.change, scratch.change_name)
    return figures, statements


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=[*ENGINES, "all"], default="all")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per figure; median and fastest are shown")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the table whose column changes")
    args = parser.parse_args()
    if args.rounds < 1 or args.rows < 10:
        parser.error("--rounds must be 1 or more and --rows 10 or more")
    engines = list(ENGINES) if args.engine == "all" else [args.engine]
    if args.engine != "all" and not reachable(args.engine):
        db = engine_database(args.engine)
        sys.exit(f"{args.engine} is not reachable at {db.host}:{db.effective_port}: start it, "
                 f"or point NORI_TEST_{args.engine.upper()}_HOST/PORT at it")
    load = os.getloadavg()[0]
    upgrade_rows, change_rows, listings = [], [], []
    with tempfile.TemporaryDirectory(prefix="nori-migrate-bench-") as folder:
        tmp = Path(folder)
        scratch = build_scratch(tmp)
        sys.path.insert(0, str(scratch.site / "rootsystem" / "application"))  # `models` is the scratch copy's
        for engine in engines:
            if not reachable(engine):
                upgrade_rows.append(f"| {engine} | unreachable | | | | | |")
                change_rows.append(f"| {engine} | unreachable | | | |")
                continue
            forget_compiled_queries()  # Tortoise's compiled INSERTs are per connection name, not per engine
            db = engine_database(engine, "_migrate")
            if engine == "sqlite":
                db = db.with_name(str(tmp / "bench.sqlite3"))
            try:
                figures, files, statements = await bench_upgrade(db, scratch, tmp, args.rounds)
                upgrade_rows.append(
                    f"| {engine} | {files} | {statements} | {figures.cell('framework')} | {figures.cell('hand')} | "
                    f"{figures.ratio()} | {figures.cell('cli')} |")
                print(upgrade_rows[-1], file=sys.stderr, flush=True)
                figures, change = await bench_change(db, scratch, args.rounds, args.rows)
                change_rows.append(f"| {engine} | {len(change)} | {figures.cell('framework')} | "
                                   f"{figures.cell('hand')} | {figures.ratio()} |")
                print(change_rows[-1], file=sys.stderr, flush=True)
                listings.append(f"- {engine}: " + "; ".join(f"`{' '.join(s.split())[:70]}`" for s in change))
            finally:
                await drop_database(db)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.1f} at the start and "
          f"{os.getloadavg()[0]:.1f} at the end; {args.rounds} rounds, sides alternated; "
          "seconds as median (fastest round)\n")
    print("migrate:upgrade of a 30-model project from empty (framework and site files; connection included)\n")
    print("| engine | files | statements | framework s | by hand s | framework / by hand | CLI process s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(upgrade_rows))
    print(f"\nbench_articles.title VARCHAR(100) NOT NULL -> VARCHAR(200) NULL at {args.rows:,} rows "
          f"({args.rows // 10:,} child rows, one index); the transaction only\n")
    print("| engine | statements | framework apply s | by hand s | framework / by hand |")
    print("|---|---:|---:|---:|---:|")
    print("\n".join(change_rows))
    print("\nStatements of the change, by engine:\n\n" + "\n".join(listings))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
