"""`make:controller Name`: write modules/<name>.py, a controller class with an async action."""

from __future__ import annotations

import argparse

from core.cli.naming import pascal_name, snake_case, table_name
from core.cli.scaffold import APPLICATION, relative, write_new


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="PascalCase, e.g. Post or PostController (→ modules/post.py, PostController)")


def controller_source(class_name: str, resource: str) -> str:
    return f'''"""The {resource} pages; route them in routes.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class {class_name}:
    async def index(self, request: Request) -> Response:
        """List the {resource}; replace with `render(request, "{resource}/index.html", {{...}})` from core.views."""
        return JSONResponse({{"controller": "{class_name}", "action": "index", "items": []}})
'''


def run(args: argparse.Namespace) -> int:
    name = pascal_name(args.name, "controller")
    base = name.removesuffix("Controller") or name
    class_name = f"{base}Controller"
    module = snake_case(base)
    resource = table_name(base)
    path = APPLICATION / "modules" / f"{module}.py"
    write_new(path, controller_source(class_name, resource))
    print(f"Created {relative(path)} (class {class_name})")
    print("Next: route it in rootsystem/application/routes.py:")
    print(f"    from modules.{module} import {class_name}")
    print(f'    Route("/{resource.replace("_", "-")}", {class_name}().index, name="{resource}.index"),')
    return 0
