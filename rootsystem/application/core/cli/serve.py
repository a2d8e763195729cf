"""`serve`: run the site with uvicorn; reloads on code and template changes when DEBUG is on."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (ignored while reloading)")
    parser.add_argument("--no-reload", action="store_true", help="do not reload on changes even in DEBUG")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    import settings

    reload = settings.DEBUG and not args.no_reload
    app_dir = settings.APPLICATION_DIR
    uvicorn.run(
        "asgi:app",
        host=args.host,
        port=args.port,
        app_dir=str(app_dir),
        reload=reload,
        reload_dirs=[str(app_dir), str(settings.TEMPLATES_DIR)] if reload else None,
        reload_includes=["*.py", "*.html"] if reload else None,
        workers=None if reload else args.workers,
        log_level=settings.LOG_LEVEL.lower(),
    )
    return 0
