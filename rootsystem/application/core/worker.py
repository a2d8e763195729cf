"""The gunicorn worker class: uvicorn's, with the framework's server options (core/serving.py).

gunicorn builds the uvicorn config itself from its own settings, and leaves proxy-header
rewriting on; `--worker-class core.worker.NoriWorker` serves the site as `serve` does.
"""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker

from core.serving import uvicorn_options


class NoriWorker(UvicornWorker):
    CONFIG_KWARGS: dict[str, Any] = {**UvicornWorker.CONFIG_KWARGS, **uvicorn_options()}
