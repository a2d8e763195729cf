"""Shutdown hooks: work that must finish before the ORM closes (e.g. queued audit writes)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger("nori.lifecycle")
ShutdownHook = Callable[[], Awaitable[None]]
_shutdown_hooks: list[ShutdownHook] = []


def on_shutdown(hook: ShutdownHook) -> ShutdownHook:
    """Register `hook` to run at shutdown, before the database connections close."""
    if hook not in _shutdown_hooks:
        _shutdown_hooks.append(hook)
    return hook


async def run_shutdown_hooks() -> None:
    """Run every hook; one failing hook is logged and does not stop the others."""
    for hook in list(_shutdown_hooks):
        try:
            await hook()
        except Exception:
            logger.exception("shutdown hook %s failed", getattr(hook, "__qualname__", hook))
