"""The text of a migration file: one file, the SQL of every engine, chosen by the connection at run time.

A file keeps the interface Aerich's files have (`upgrade(db)` and `downgrade(db)` return SQL,
`MODELS_STATE` records the models it leads to), so files written before portability keep
working; it adds `UPGRADE` and `DOWNGRADE`, one script per dialect, and picks the one of the
connection it runs on. The scripts stay plain text in the file so a reviewer reads exactly what
each engine will run (`migrate:sql` prints it with SQLite's rebuilds expanded).

A data migration (`migrate:make --empty`) has no scripts: its `upgrade(db)` runs Python with the
ORM on the migration's connection and returns the SQL still to run, usually none.
"""

from __future__ import annotations

PORTABLE_TEMPLATE = '''"""{title}

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True
{irreversible}{replaces}
UPGRADE = {{
{upgrade}
}}

DOWNGRADE = {{
{downgrade}
}}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    {models_state}
)
'''

DATA_TEMPLATE = '''"""{title}

A data migration, written by `python3 nori.py migrate:make --empty`: `upgrade` runs with the ORM
open, inside the migration's transaction. Pass `using_db=db` (or `.using_db(db)`) to every query so
it joins that transaction, and return any SQL still to run (or "").
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True
REVERSIBLE = True  # False when `downgrade` cannot undo `upgrade`


async def upgrade(db: BaseDBAsyncClient) -> str:
    # from models.post import Post
    # async for post in Post.filter(slug="").using_db(db):
    #     post.slug = f"post-{{post.id}}"
    #     await post.save(using_db=db, update_fields=["slug"])
    return ""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return ""


MODELS_STATE = (
    {models_state}
)
'''


def _literal(sql: str) -> str:
    """A Python literal for one script: triple-quoted when it reads as written, repr() otherwise."""
    if '"""' in sql or "\\" in sql or sql.endswith('"'):
        return repr(sql)
    return '"""\n' + sql + '"""'


def script(statements: list[str]) -> str:
    return "".join(f"{statement.rstrip(';').strip()};\n" for statement in statements)


def _scripts(by_dialect: dict[str, list[str]]) -> str:
    return "\n".join(f'    "{dialect}": {_literal(script(statements))},' for dialect, statements in by_dialect.items())


def portable_file(title: str, upgrade: dict[str, list[str]], downgrade: dict[str, list[str]],
                  models_state: str, irreversible: str | None = None, replaces: list[str] | None = None) -> str:
    """`models_state` is the models' description, compressed as the history table stores it.

    `irreversible` says why the file cannot be reverted, when it cannot: its downgrade refuses
    to run rather than leave a schema that no longer matches the history. `replaces` names the
    files a squashed file stands for, so a database that applied them counts it as applied.
    """
    return PORTABLE_TEMPLATE.format(
        title=title, upgrade=_scripts(upgrade), downgrade=_scripts(downgrade), models_state=models_state,
        irreversible=f"IRREVERSIBLE = {irreversible!r}\n" if irreversible else "",
        replaces=f"REPLACES = {replaces!r}\n" if replaces else "",
    )


def data_file(title: str, models_state: str) -> str:
    return DATA_TEMPLATE.format(title=title, models_state=models_state)
