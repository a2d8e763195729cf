"""Every ```python example in docs/*.md runs, page by page, like a REPL session a reader would type.

The blocks of one page share one namespace and run in order, with top-level `await` allowed.
The ORM is open on a fresh SQLite file holding the framework and site models; the namespace
starts with `app` (create_app()) and `client` (an httpx.AsyncClient on it). A model class a block
defines joins the `models` app: the ORM is re-initialised with it and its table created, so
later blocks (and foreign keys such as "models.Category") can use it. Code a reader cannot run
that way (a server, a file layout) is fenced ```py instead and is not executed.

The tutorial (getting-started.md) is followed as a reader follows it instead: its files written
and its ```bash lines run, in order, on a scratch copy of the site (`tests/support/tutorial.py`).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import shutil
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

from core.compat.tortoise import forget_insert_statements
from core.database import SITE_APP, DatabaseSettings, tortoise_config
from core.registry import registered_models, unregister_model
from tests.support.site_copy import ROOT, copy_site
from tests.support.tutorial import Command, Reader, WriteFile, tutorial_steps
from tests.support.web import TOKEN

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
        """A fresh context each time the model set changes; the SQLite file keeps the rows.

        Tortoise keeps each table's compiled INSERT per connection name for the whole process,
        and a page's `articles` is not the test models' `articles`: both sides start afresh.
        """
        forget_insert_statements()
        try:
            async with TortoiseContext() as ctx:
                await ctx.init(config=self.config())
                await ctx.generate_schemas(safe=True)
                yield
        finally:
            forget_insert_statements()

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


TUTORIAL = DOCS / "getting-started.md"
TEST_KIT = ("pyproject.toml", "tests/__init__.py", "tests/conftest.py", "tests/support")


def tutorial_site(tmp_path: Path) -> Path:
    """A fresh copy of the site as a reader has it after installing: no .env, an empty database, the test kit."""
    site = copy_site(tmp_path)
    for part in TEST_KIT:
        source, target = ROOT / part, site / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return site


def test_the_tutorial_reads_as_steps() -> None:
    """The page keeps the shape the walkthrough below follows: files to write, commands to run."""
    steps = tutorial_steps(TUTORIAL.read_text())
    written = {step.path for step in steps if isinstance(step, WriteFile)}
    assert {"rootsystem/application/models/post.py", "rootsystem/application/routes.py",
            "seeders/post_seeder.py", "tests/test_blog.py"} <= written
    commands = [step.text for step in steps if isinstance(step, Command)]
    assert commands[0] == "python3 nori.py make:model Post"
    assert any(command.startswith("python3 nori.py serve") for command in commands)


def test_the_tutorial_runs_as_written(tmp_path: Path) -> None:
    """Every file and command of getting-started.md in order, on a scratch site with SQLite; then its claims."""
    reader = Reader(tutorial_site(tmp_path))
    try:
        for step in tutorial_steps(TUTORIAL.read_text()):
            reader.follow(step)
    finally:
        reader.stop()
    with reader.serving() as base:
        check_the_finished_blog(base)


def check_the_finished_blog(base: str) -> None:
    with httpx.Client(base_url=base, timeout=10) as visitor:
        listing = visitor.get("/posts")
        assert listing.status_code == 200 and "Post number 1<" in listing.text and "Post number 4<" not in listing.text
        assert visitor.get("/posts/post-1").status_code == 200
        assert visitor.get("/posts/nope").status_code == 404
        assert visitor.get("/posts/post-4").status_code == 404  # a draft, for visitors
        api = visitor.get("/api/posts").json()
        assert len(api) == 15 and "body" not in api[0] and api[0]["views"] == 0
        assert visitor.get("/api/nope").json() == {"error": "Not Found", "status": 404}
        assert visitor.get("/posts/drafts").headers["location"].startswith("/login")
    with httpx.Client(base_url=base, timeout=10) as ada:
        token = TOKEN.search(ada.get("/login").text)
        assert token
        login = ada.post("/login", data={"csrf_token": token[1], "email": "ada@example.com",
                                         "password": "correct horse battery"})
        assert login.status_code == 303 and login.headers["location"] == "/account"
        drafts = ada.get("/posts/drafts")
        assert drafts.status_code == 200
        links = re.findall(r'href="([^"]*/posts/post-\d+)"', drafts.text)
        assert len(links) == 5
        assert all(ada.get(link).status_code == 200 for link in links)
