"""`serve`: run the site with uvicorn; reloads on code and template changes when DEBUG is on."""

from __future__ import annotations

import argparse
import sys

from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (ignored while reloading)")
    parser.add_argument("--no-reload", action="store_true", help="do not reload on changes even in DEBUG")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from core.cli.errors import CommandError
    from core.serving import uvicorn_options

    if not 0 < args.port < 65536:
        raise CommandError(f"--port {args.port} is not a TCP port: use 1-65535")
    if args.workers < 1:
        raise CommandError(f"--workers {args.workers} must be at least 1")
    reload = settings.DEBUG and not args.no_reload
    if reload and args.workers > 1:
        print(f"serve: --workers {args.workers} is ignored while reloading (DEBUG is on); add --no-reload to use "
              "several workers", file=sys.stderr)
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
        **uvicorn_options(),
    )
    return 0
