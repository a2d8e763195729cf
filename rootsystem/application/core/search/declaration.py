"""What a model declares for search: which columns, how much each weighs, checked once per model.

A model opts in with the `Searchable` mixin and a nested `Search` class:

    class Article(Searchable, NoriSoftDeletes):
        class Search:
            fields = {"title": "A", "body": "B"}   # weight A (highest) to D
            language = "simple"                    # PostgreSQL text search configuration

Weights are PostgreSQL's four letters, because it is the only engine with weights built into its
index; the same letters become bm25 column weights on SQLite and score multipliers on MySQL, so
one declaration ranks alike everywhere. The declaration is also what a migration records
(`state()`): changing it is a schema change that `migrate:make` turns into DDL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from tortoise.exceptions import ConfigurationError
from tortoise.fields import CharField, TextField

from core.compat.tortoise import check_when_finalised

WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}  # PostgreSQL's ts_rank defaults, used on every engine
LANGUAGE = "simple"  # no stemming: the tokens PostgreSQL indexes are the words MySQL and SQLite index


@dataclass(frozen=True)
class SearchDeclaration:
    """A searchable table as the DDL and the queries need it: database names only."""

    table: str
    pk: str
    columns: tuple[tuple[str, str], ...]  # (column, weight letter), in declaration order
    language: str = LANGUAGE
    trashed: str | None = None  # the soft-delete column, when the model has one

    def state(self) -> dict[str, Any]:
        """The form a migration's MODELS_STATE keeps; the soft-delete column is a query concern only.

        Columns are a list of pairs, not a mapping: PostgreSQL keeps the history as JSONB, which
        reorders an object's keys, and the column order is part of the index (MySQL's, FTS5's).
        """
        return {"table": self.table, "pk": self.pk, "columns": [list(pair) for pair in self.columns],
                "language": self.language}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SearchDeclaration:
        columns = tuple((column, weight) for column, weight in state["columns"])
        return cls(state["table"], state["pk"], columns, state["language"])

    @classmethod
    def of(cls, model: Any) -> SearchDeclaration:
        """The model's declaration, checked; ConfigurationError names what is wrong and how to fix it."""
        name = model.__name__
        search = getattr(model, "Search", None)
        fields = getattr(search, "fields", None)
        if not isinstance(fields, dict) or not fields:
            raise ConfigurationError(
                f"{name} is Searchable but declares no fields: add class Search: fields = {{'title': 'A'}}")
        meta = model._meta
        pk = meta.pk
        if pk.field_type is not int:
            raise ConfigurationError(f"{name} is Searchable but its primary key is not an integer, "
                                     "which SQLite's FTS5 needs to link index rows to table rows")
        columns = []
        for field_name, weight in fields.items():
            field = meta.fields_map.get(field_name)
            if not isinstance(field, (CharField, TextField)):
                raise ConfigurationError(f"{name}.Search.fields names {field_name!r}, which is not a "
                                         "CharField or TextField of the model")
            if weight not in WEIGHTS:
                raise ConfigurationError(f"{name}.Search.fields[{field_name!r}] is {weight!r}: use one of A, B, C, D")
            columns.append((field.source_field or field_name, weight))
        language = getattr(search, "language", LANGUAGE)
        if not isinstance(language, str) or not language.replace("_", "").isalnum():
            raise ConfigurationError(f"{name}.Search.language must be a text search configuration name")
        from core.mixins.soft_deletes import NoriSoftDeletes

        trashed = meta.fields_db_projection["deleted_at"] if issubclass(model, NoriSoftDeletes) else None
        return cls(meta.db_table, meta.db_pk_column, tuple(columns), language, trashed)


_DECLARATIONS: dict[type, SearchDeclaration] = {}


def declaration_of(model: Any) -> SearchDeclaration:
    """The model's checked declaration, worked out once per class."""
    declared = _DECLARATIONS.get(model)
    if declared is None:
        declared = _DECLARATIONS[model] = SearchDeclaration.of(model)
    return declared


class Searchable:
    """Mixin: `Model.search("terms")` over the columns named in the model's `Search.fields`.

    The declaration is checked when the ORM starts (a wrong field name fails there, not at the
    first search). Put it before the model base: `class Article(Searchable, Model)`.
    """

    Search: ClassVar[type]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        meta = getattr(cls, "_meta", None)
        if meta is not None and not meta.abstract:
            check_when_finalised(cls, SearchDeclaration.of)  # type: ignore[arg-type]  # a Model by then

    @classmethod
    def search(cls, terms: str) -> Any:
        """The active rows matching every word of `terms` (each also as a prefix), best first.

        Returns a `SearchQuery`: await it for a list, or hand it to `paginate()`. Each row carries
        `search_rank` (higher is better). Terms with no word in them match nothing.
        """
        from core.search.query import SearchQuery

        return SearchQuery(cls, terms)
