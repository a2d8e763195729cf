"""`SearchQuery`: the ranked rows of one search, lazily, in the shape `paginate()` walks.

It answers `count()`, `offset(n)`, `limit(n)` and `await`, which is what numbered pages use, so
`paginate(Article.search(q), request)` works as it does for a queryset. It is not a queryset: the
rank order and the index join are engine SQL that Tortoise's builder cannot express, so further
filters and `cursor_paginate()` (which orders by its key, losing the rank) are not offered.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Generic, TypeVar

from core.compat.tortoise import connection_for, instance_from_row
from core.search.declaration import declaration_of
from core.search.sql import RANK, bound, count_sql, ranked_sql, words

M = TypeVar("M")


class SearchQuery(Generic[M]):
    """Rows of `model` matching every word of `terms`, best first (see core.search.sql for the policy)."""

    def __init__(self, model: type[M], terms: str, *, offset: int = 0, limit: int | None = None) -> None:
        self.model = model
        self.terms = terms
        self.words = words(terms)
        self._offset = offset
        self._limit = limit

    def offset(self, offset: int) -> SearchQuery[M]:
        return SearchQuery(self.model, self.terms, offset=int(offset), limit=self._limit)

    def limit(self, limit: int) -> SearchQuery[M]:
        return SearchQuery(self.model, self.terms, offset=self._offset, limit=int(limit))

    async def count(self) -> int:
        """How many rows match (the whole result, whatever the offset and limit)."""
        if not self.words:
            return 0
        declared = declaration_of(self.model)
        db = connection_for(self.model)  # type: ignore[arg-type]  # a Searchable model
        dialect = db.capabilities.dialect
        rows = await db.execute_query_dict(count_sql(declared, dialect), bound(declared, dialect, self.words,
                                                                                ranked=False))
        return int(rows[0]["n"])

    async def all(self) -> list[M]:
        """The rows, each with `search_rank` (a float, higher is better; comparable within one search)."""
        if not self.words or self._limit == 0:
            return []
        model: Any = self.model
        declared = declaration_of(model)
        db = connection_for(model)
        dialect = db.capabilities.dialect
        selected = tuple(model._meta.fields_db_projection.values())
        sql = ranked_sql(declared, dialect, selected, self._limit, self._offset)
        rows = await db.execute_query_dict(sql, bound(declared, dialect, self.words, ranked=True))
        found = []
        mark = object.__setattr__  # Model.__setattr__ is slow per row
        for row in rows:
            rank = row.pop(RANK)
            instance = instance_from_row(model, row)
            mark(instance, "search_rank", float(rank or 0))
            found.append(instance)
        return found

    def __await__(self) -> Generator[Any, None, list[M]]:
        return self.all().__await__()
