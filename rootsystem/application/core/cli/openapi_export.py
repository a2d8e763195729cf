"""`openapi:export`: print the site's OpenAPI document, for client generators and review.

    python3 nori.py openapi:export > openapi.json

It describes the app the site serves (`asgi:app`, or `--app module:name`), so the framework's
routes are there as served, with its models initialised but no database connection: Resources
of models with reverse relations need the ORM to have linked the models, and nothing here reads
a row. OPENAPI_ENABLED does not
apply: it decides what the site serves, not what a developer may print.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--app", default="asgi:app", metavar="MODULE:NAME", help="the ASGI app (default asgi:app)")
    parser.add_argument("--indent", type=int, default=2, metavar="N", help="spaces per level (default 2; 0: one line)")


def link_models(config: Mapping[str, Any]) -> None:
    """Every app's models registered and their relations resolved, without connecting.

    The migration engine's bookkeeping model is left out: no route serves it, and importing it
    loads the whole engine (Aerich), a tenth of this command's time.
    """
    from tortoise import Tortoise

    from core.database import MIGRATION_STATE_MODULE

    apps = dict(config["apps"])
    for position, (label, app) in enumerate(apps.items()):
        modules = [module for module in app["models"] if module != MIGRATION_STATE_MODULE]
        Tortoise.init_models(modules, label, _init_relations=position == len(apps) - 1)


def load_app(target: str) -> Any:
    import importlib

    from core.cli.errors import CommandError

    module_name, _, name = target.partition(":")
    try:
        app = getattr(importlib.import_module(module_name), name or "app")
    except (ImportError, AttributeError) as error:
        raise CommandError(f"--app {target}: {error}") from None
    if not hasattr(app, "routes"):
        raise CommandError(f"--app {target} is not a Starlette app (it has no routes)")
    return app


def run(args: argparse.Namespace) -> int:
    from core.cli.one_shot import collector_paused

    with collector_paused():
        from core.openapi.views import site_document
        from core.settings import settings

        app = load_app(args.app)
        link_models(getattr(app.state, "tortoise_config", settings.TORTOISE_ORM))
        document = site_document(app.routes)
    print(json.dumps(document, indent=args.indent or None, ensure_ascii=False))
    return 0
