"""Seeing inside a running site: every query through one hook, and per-request query figures.

    from core.observability import on_query

    on_query(lambda query: print(query.connection, f"{query.seconds * 1000:.1f}ms", query.sql))

See docs/observability.md.
"""

from core.observability.queries import Query, on_query
from core.observability.requests import request_queries

__all__ = ["Query", "on_query", "request_queries"]
