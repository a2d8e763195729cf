"""The gunicorn worker class: uvicorn's, with the framework's server options (core/serving.py).

gunicorn builds the uvicorn config itself from its own settings, and leaves proxy-header
rewriting on; `--worker-class core.worker.NoriWorker` serves the site as `serve` does. Once the
app's lifespan has started (settings read, ORM initialised) the worker tunes the garbage
collector as GC_FREEZE and GC_THRESHOLD say: the long-lived objects exist by then.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from gunicorn.arbiter import Arbiter
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker

from core.serving import tune_gc_from_settings, uvicorn_options


class NoriServer(Server):
    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            tune_gc_from_settings()


class NoriWorker(UvicornWorker):
    CONFIG_KWARGS: dict[str, Any] = {**UvicornWorker.CONFIG_KWARGS, **uvicorn_options()}

    async def _serve(self) -> None:
        # UvicornWorker._serve (uvicorn-worker 0.3/0.4) with the server above in place of uvicorn's.
        self.config.app = self.wsgi
        server = NoriServer(config=self.config)
        self._install_sigquit_handler()
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)
