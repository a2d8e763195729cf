"""Full-text search on each engine's own index: `Searchable`, `Model.search("terms")`.

See docs/search.md. The index is built by migrations (`core.migrations.searches`), never at start-up.
"""

from core.search.declaration import Searchable, SearchDeclaration
from core.search.query import SearchQuery
from core.search.schema import create_indexes

__all__ = ["SearchDeclaration", "SearchQuery", "Searchable", "create_indexes"]
