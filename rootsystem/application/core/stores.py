"""Which store a shared-state feature (cache, rate limits) uses: its own setting, else REDIS_URL.

One `REDIS_URL` serves every Redis-backed feature, so a site with several app processes sets one
line; `CACHE_URL` or `THROTTLE_URL` points one feature elsewhere, and `memory://` keeps it in the
process even when REDIS_URL is set. Empty everywhere means in-process memory.
"""

from __future__ import annotations

from core.settings import settings

MEMORY = "memory://"


def store_url(setting: str) -> str:
    """The URL `setting` resolves to: its value, else REDIS_URL, else `memory://`."""
    return getattr(settings, setting) or settings.REDIS_URL or MEMORY


def is_memory(url: str) -> bool:
    return url.startswith(MEMORY)
