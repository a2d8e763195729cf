"""`shell`: a Python REPL with top-level `await`, the ORM open and every registered model bound.

IPython (when installed and the shell is interactive) runs with autoawait on the same event
loop the ORM was opened on. Otherwise the standard library's console compiles each entry with
top-level await allowed and runs the resulting coroutine on that loop, which is how
`python -m asyncio` works too, minus its thread, so the models' connections stay on one loop.
Piped input (`echo '...' | python3 nori.py shell`) runs without prompts, banner on stderr.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import code
import inspect
import sys
import types
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plain", action="store_true", help="use the standard console even if IPython is installed")


class AsyncConsole(code.InteractiveConsole):
    """InteractiveConsole whose entries may `await`; coroutines run on the shell's event loop."""

    def __init__(self, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(namespace, filename="<nori shell>")
        self.compile.compiler.flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        self.loop = loop
        self.failed = False

    def runcode(self, code_object: types.CodeType) -> None:
        try:
            self.loop.run_until_complete(run_entry(code_object, self.locals))
        except SystemExit:
            raise
        except BaseException:
            self.showtraceback()

    def showtraceback(self) -> None:
        self.failed = True
        super().showtraceback()

    def showsyntaxerror(self, filename: str | None = None, **kwargs: Any) -> None:
        self.failed = True
        super().showsyntaxerror(filename, **kwargs)


async def run_entry(code_object: types.CodeType, scope: dict[str, Any]) -> None:
    """Run one compiled entry inside the shell's loop, awaiting it when it awaits.

    Plain statements run inside the loop too, as in `python -m asyncio`: code that needs a
    running loop (`audit()` queueing a row, `asyncio.create_task`) works in every entry.
    """
    result = types.FunctionType(code_object, scope)()
    if inspect.iscoroutine(result):
        await result


def banner(models: dict[str, type], database: str) -> str:
    names = ", ".join(sorted(models)) or "none (register them in models/__init__.py)"
    return (f"Nori shell on {database}. Top-level await works: `await User.all().count()`.\n"
            f"Models: {names}\nAlso bound: Tortoise, in_transaction, settings. Exit with Ctrl-D.")


def namespace() -> dict[str, Any]:
    from tortoise import Tortoise
    from tortoise.transactions import in_transaction

    import settings
    from core.registry import registered_models

    return {"settings": settings, "Tortoise": Tortoise, "in_transaction": in_transaction, **registered_models()}


def start_ipython(scope: dict[str, Any], text: str, loop: asyncio.AbstractEventLoop) -> None:
    """IPython with autoawait, its cells run by `loop` (the one the ORM connections live on)."""
    from IPython.terminal.embed import InteractiveShellEmbed

    class LoopShell(InteractiveShellEmbed):
        def should_run_async(self, raw_cell: str, **kwargs: Any) -> bool:
            """Every cell goes through `loop`, not only those that await (IPython's default)."""
            return self.autoawait and kwargs.get("preprocessing_exc_tuple") is None

    shell = LoopShell(user_ns=scope, banner1=text)
    shell.autoawait = True
    shell.loop_runner = loop.run_until_complete
    shell()


def run(args: argparse.Namespace) -> int:
    from tortoise import Tortoise

    import models  # noqa: F401  (registers the site's models by name)
    import settings
    from core.database import close_orm

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(Tortoise.init(config=dict(settings.TORTOISE_ORM), _enable_global_fallback=True))
    try:
        loop.run_until_complete(ping(settings.DATABASE.describe()))
        scope = namespace()
        text = banner({k: v for k, v in scope.items() if isinstance(v, type) and k not in ("Tortoise",)},
                      settings.DATABASE.describe())
        interactive = sys.stdin.isatty()
        if interactive and not args.plain and has_ipython():
            start_ipython(scope, text, loop)
        elif interactive:
            AsyncConsole(scope, loop).interact(banner=text, exitmsg="")
        else:
            print(text, file=sys.stderr)
            console = AsyncConsole(scope, loop)
            run_piped(console)
            if console.failed:  # a script fed to the shell must not look like it succeeded
                return 1
    finally:
        loop.run_until_complete(close_orm())
        loop.close()
    return 0


async def ping(database: str) -> None:
    """Connect now: Tortoise connects lazily, and a shell on a dead database should say so at once."""
    from tortoise import connections

    from core.cli.errors import CommandError

    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
        detail = detail.split(": {", 1)[0]  # Tortoise appends the connection dict, password included
        raise CommandError(f"cannot reach the database ({database}): {detail}") from error


def run_piped(console: AsyncConsole) -> None:
    """Feed stdin to the console line by line without prompts, as a terminal session would run it."""
    more = False
    for line in sys.stdin:
        more = console.push(line.rstrip("\n"))
    if more:
        console.push("")


def has_ipython() -> bool:
    import importlib.util

    return importlib.util.find_spec("IPython") is not None
