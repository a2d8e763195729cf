"""Logging setup: one format, with the request id on every line."""

from __future__ import annotations

import logging

from core.http.context import RequestIdLogFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_configured = False


def configure_logging(level: str) -> None:
    """Install one handler on the root logger; calling it again only changes the level."""
    global _configured
    root = logging.getLogger()
    root.setLevel(level)
    if _configured:
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdLogFilter())
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    _configured = True
