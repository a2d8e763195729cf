"""The cache: `from core.cache import cache, cache_response`; see docs/cache.md."""

from __future__ import annotations

from core.cache.errors import CacheError, CacheValueError
from core.cache.responses import cache_response
from core.cache.store import Cache, cache

__all__ = ["Cache", "CacheError", "CacheValueError", "cache", "cache_response"]
