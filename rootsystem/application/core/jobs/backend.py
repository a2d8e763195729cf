"""Which driver `dispatch` uses: Redis (saq) when QUEUE_URL (or REDIS_URL) is set, else in-process."""

from __future__ import annotations

from typing import Any, Protocol

from core.jobs.spec import Job, Options


class Backend(Protocol):
    async def dispatch(self, job: Job, kwargs: dict[str, Any], options: Options) -> str | None: ...

    async def close(self) -> None: ...


_backend: Backend | None = None
_url: str | None = None


def current_backend() -> Backend:
    """The driver for the current QUEUE_URL, made once per URL (a test that changes it gets a new one)."""
    global _backend, _url
    from core.settings import settings

    url = settings.QUEUE_URL
    if _backend is None or url != _url:
        if url:
            from core.jobs.redis import RedisBackend

            _backend = RedisBackend(url)
        else:
            from core.jobs.embedded import EmbeddedBackend

            _backend = EmbeddedBackend()
        _url = url
    return _backend


def use_backend(backend: Backend | None) -> None:
    """Replace the driver (tests: `core.testing.jobs`); None goes back to the one settings pick."""
    global _backend, _url
    from core.settings import settings

    _backend, _url = backend, (settings.QUEUE_URL if backend is not None else None)
