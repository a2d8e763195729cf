"""Every ```python example in docs/*.md runs, page by page, like a REPL session a reader would type.

The blocks of one page share one namespace and run in order, with top-level `await` allowed.
The ORM is open on a fresh SQLite file holding the framework and site models; the namespace
starts with `app` (create_app()) and `client` (an httpx.AsyncClient on it). A model class a block
defines joins the `models` app: the ORM is re-initialised with it and its table created, so
later blocks (and foreign keys such as "models.Category") can use it. Code a reader cannot run
that way (a server, a file layout) is fenced ```py instead and is not executed.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import types
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext
from tortoise.models import Model

from core.database import SITE_APP, DatabaseSettings, tortoise_config
from core.registry import registered_models, unregister_model

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the block's first code line in the page
    source: str


def python_blocks(text: str) -> list[Block]:
    return [Block(text.count("\n", 0, match.start(1)) + 1, match[1]) for match in FENCE.finditer(text)]


def pages_with_examples() -> list[Path]:
    return [page for page in sorted(DOCS.glob("*.md")) if python_blocks(page.read_text())]


class PageSession:
    """One page's namespace (a real module, so Tortoise can discover the models it defines)."""

    def __init__(self, page: Path, database: Path) -> None:
        self.page = page
        self.module = types.ModuleType("nori_docs_" + re.sub(r"\W", "_", page.stem))
        self.module.__models__ = []  # type: ignore[attr-defined]
        self.database = DatabaseSettings(engine="sqlite", name=str(database))

    def config(self) -> dict[str, Any]:
        config = tortoise_config(self.database)
        if self.module.__models__:  # type: ignore[attr-defined]
            config["apps"][SITE_APP]["models"].append(self.module.__name__)
        return config

    @asynccontextmanager
    async def orm(self) -> AsyncIterator[None]:
        """A fresh context each time the model set changes; the SQLite file keeps the rows."""
        async with TortoiseContext() as ctx:
            await ctx.init(config=self.config())
            await ctx.generate_schemas(safe=True)
            yield

    def new_models(self) -> list[type[Model]]:
        known = self.module.__models__  # type: ignore[attr-defined]
        return [
            value for value in vars(self.module).values()
            if inspect.isclass(value) and issubclass(value, Model) and not value._meta.abstract
            and value.__module__ == self.module.__name__ and value not in known
        ]

    async def run(self, block: Block) -> None:
        # Leading newlines make tracebacks point at the page's own line numbers.
        source = "\n" * (block.line - 1) + block.source
        code = compile(source, str(self.page), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(code, vars(self.module))
        if inspect.isawaitable(result):
            await result


@pytest.mark.parametrize("page", pages_with_examples(), ids=lambda page: page.name)
async def test_docs_examples_run(page: Path, tmp_path: Path) -> None:
    from core.kernel import create_app

    session = PageSession(page, tmp_path / "docs.sqlite3")
    blocks = iter(python_blocks(page.read_text()))  # noqa: ASYNC240  (a small local file)
    for app_config in session.config()["apps"].values():
        for module in app_config["models"]:
            importlib.import_module(module)  # their models register on import: not the page's to undo
    registered_before = set(registered_models())
    sys.modules[session.module.__name__] = session.module
    app = create_app(debug=True, tortoise_config=session.config())
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            vars(session.module).update(app=app, client=client)
            pending = next(blocks, None)
            while pending is not None:
                async with session.orm():
                    while pending is not None:
                        await session.run(pending)
                        pending = next(blocks, None)
                        added = session.new_models()
                        if added:
                            session.module.__models__.extend(added)  # type: ignore[attr-defined]
                            break  # reopen the ORM with the new models before the next block
    finally:
        sys.modules.pop(session.module.__name__, None)
        for name in set(registered_models()) - registered_before:
            unregister_model(name)


def test_every_page_in_the_nav_exists() -> None:
    import yaml

    config = yaml.safe_load((DOCS.parent / "mkdocs.yml").read_text())
    listed = [next(iter(entry.values())) if isinstance(entry, dict) else entry for entry in config["nav"]]
    assert all((DOCS / name).is_file() for name in listed)
    assert set(listed) == {page.name for page in DOCS.glob("*.md")}, "every page is in the nav, and only pages"


def test_configuration_page_documents_every_setting() -> None:
    """Every variable `settings.py` reads or `.env.example` lists has its row in configuration.md."""
    root = DOCS.parent
    tree = ast.parse((root / "rootsystem/application/settings.py").read_text())
    read = [
        node.args[0].value for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == "env"
        and node.args and isinstance(node.args[0], ast.Constant)
    ]
    listed = re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (root / ".env.example").read_text(), re.M)
    assert len(read) > 10
    page = (DOCS / "configuration.md").read_text()
    missing = sorted({name for name in [*read, *listed] if f"`{name}`" not in page})
    assert not missing, f"docs/configuration.md does not document {missing}"
