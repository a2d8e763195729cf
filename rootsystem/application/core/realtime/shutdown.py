"""Sockets are closed with 1001 ("going away") when the server stops, so clients know to reconnect.

uvicorn, on SIGINT or SIGTERM, closes every open WebSocket itself with 1012 ("service restart")
before the app's lifespan shutdown runs, so closing them at lifespan shutdown is too late there.
So when the first socket is accepted, a handler is chained in front of the server's own for those
signals: it schedules `hub.close_all(1001)` on the event loop, then calls the server's handler,
which stops the server at its next tick (uvicorn looks every 0.1 s); by then the close frames are
written, and uvicorn only drops the connections. The lifespan shutdown closes whatever is still
open, for servers that leave that to the app. uvicorn puts its saved handlers back when it stops,
which removes this one too.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from types import FrameType
from typing import Any

from core.realtime.hub import hub

GOING_AWAY = 1001
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_installed_for: set[int] = set()  # id() of the handlers already wrapped: install once per server
_closing: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks


def close_sockets_before_stop() -> None:
    """Chain the 1001 close in front of the stop signals' handlers (main thread only; else a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        previous = signal.getsignal(sig)
        if id(previous) in _installed_for or not callable(previous):
            continue
        handler = _chained(loop, previous)
        _installed_for.add(id(handler))
        signal.signal(sig, handler)


def _chained(loop: asyncio.AbstractEventLoop, previous: Any) -> Any:
    def handle(sig: int, frame: FrameType | None) -> None:
        if hub.channels:
            loop.call_soon_threadsafe(_close_all, loop)
        previous(sig, frame)

    return handle


def _close_all(loop: asyncio.AbstractEventLoop) -> None:
    task = loop.create_task(hub.close_all(GOING_AWAY))
    _closing.add(task)
    task.add_done_callback(_closing.discard)
