"""Search indexes in migrations: a model's `Search` declaration is part of the schema.

Aerich knows nothing of full-text indexes, so its diff is extended here rather than inside it.
Each Searchable model's declaration is recorded in the migration state beside Aerich's own
description of the model (`STATE_KEY`), so the next `migrate:make` diffs declarations as Aerich
diffs columns, and `--check` reports a declaration that changed. A changed declaration drops the
old index before Aerich's statements (which may rename or drop its columns) and builds the new
one after them (once its columns exist); the downgrade mirrors that.

Some of Aerich's own statements undo or trip over an index, so a file holding one drops the
index before it and builds it again after it, on that engine only: SQLite rebuilds a table to
change a column (`sqlite_rebuild`), which loses its triggers, and PostgreSQL refuses to change the
type of a column its generated `tsvector` column reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.search.declaration import Searchable, SearchDeclaration, declaration_of
from core.search.sql import create_statements, drop_statements

STATE_KEY = "nori_search"


def with_declarations(app: str, state: dict[str, Any]) -> dict[str, Any]:
    """`state` (Aerich's description of the app's models) with each Searchable model's declaration."""
    from tortoise import Tortoise

    for name, model in Tortoise.apps[app].items():
        key = f"{app}.{name}"
        if issubclass(model, Searchable) and key in state:
            state[key][STATE_KEY] = declaration_of(model).state()
    return state


@dataclass
class SearchScripts:
    """One dialect's search statements, around Aerich's for the same file."""

    upgrade_before: list[str] = field(default_factory=list)
    upgrade_after: list[str] = field(default_factory=list)
    downgrade_before: list[str] = field(default_factory=list)
    downgrade_after: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.upgrade_before or self.upgrade_after)

    def around(self, upgrade: list[str], downgrade: list[str]) -> tuple[list[str], list[str]]:
        return ([*self.upgrade_before, *upgrade, *self.upgrade_after],
                [*self.downgrade_before, *downgrade, *self.downgrade_after])


def _declared(describe: dict[str, Any] | None) -> SearchDeclaration | None:
    state = (describe or {}).get(STATE_KEY)
    return SearchDeclaration.from_state(state) if state else None


# The statements, per dialect, after which a table's search index must be built again.
_REBUILT = {"sqlite": r'REBUILD TABLE "{table}"', "postgres": r'ALTER TABLE "{table}" ALTER COLUMN "\w+" TYPE'}


def _rebuilds(dialect: str, statements: list[str], declared: SearchDeclaration | None) -> bool:
    if declared is None or dialect not in _REBUILT:
        return False
    pattern = re.compile(_REBUILT[dialect].format(table=re.escape(declared.table)))
    return any(pattern.search(sql) for sql in statements)


def changes(old: dict[str, Any], new: dict[str, Any], aerich: dict[str, tuple[list[str], list[str]]]
            ) -> dict[str, SearchScripts]:
    """Per dialect, the search DDL from `old` to `new`; `aerich` is each dialect's (upgrade, downgrade)."""
    scripts = {dialect: SearchScripts() for dialect in aerich}
    for key in sorted(old.keys() | new.keys()):
        before, after = _declared(old.get(key)), _declared(new.get(key))
        for dialect, (upgrade, downgrade) in aerich.items():
            rebuilt = _rebuilds(dialect, upgrade, after) or _rebuilds(dialect, downgrade, before)
            if before == after and not rebuilt:
                continue
            plan = scripts[dialect]
            if before is not None:
                plan.upgrade_before += drop_statements(before, dialect)
                plan.downgrade_after += create_statements(before, dialect)
            if after is not None:
                plan.upgrade_after += create_statements(after, dialect)
                plan.downgrade_before += drop_statements(after, dialect)
    return scripts
