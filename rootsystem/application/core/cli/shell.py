"""`shell`: a Python REPL with top-level `await`, the ORM open and every registered model bound.

IPython (when installed and the shell is interactive) runs with autoawait on the same event
loop the ORM was opened on. Otherwise the standard library's console compiles each entry with
top-level await allowed and runs the resulting coroutine on that loop, which is how
`python -m asyncio` works too, minus its thread, so the models' connections stay on one loop.
Piped input (`echo '...' | python3 nori.py shell`) is a script, not a console session: it is
compiled whole (so a block may be followed by a statement, and `await` works at the top level),
prints only what it prints, and stops at the first error with its traceback on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import code
import inspect
import linecache
import sys
import traceback
import types
from typing import Any

from core.settings import settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plain", action="store_true", help="use the standard console even if IPython is installed")


class AsyncConsole(code.InteractiveConsole):
    """InteractiveConsole whose entries may `await`; coroutines run on the shell's event loop."""

    def __init__(self, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(namespace, filename="<nori shell>")
        self.compile.compiler.flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        self.loop = loop

    def runcode(self, code_object: types.CodeType) -> None:
        try:
            self.loop.run_until_complete(run_entry(code_object, self.locals))
        except SystemExit:
            raise
        except BaseException:
            self.showtraceback()


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

    from core.registry import registered_models

    scope = {"settings": settings.module(), "Tortoise": Tortoise, "in_transaction": in_transaction}
    return {**scope, **registered_models()}


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

    import models  # noqa: F401  (registers the site's models by name)
    from core.compat.tortoise import init_orm
    from core.database import close_orm, ping

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(init_orm(settings.TORTOISE_ORM))
    try:
        loop.run_until_complete(ping(settings.DATABASE))
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
            if not run_script(sys.stdin.read(), scope, loop):  # a failed script must not look like it succeeded
                return 1
    finally:
        loop.run_until_complete(close_orm())
        loop.close()
    return 0


SCRIPT_NAME = "<stdin>"


def run_script(source: str, scope: dict[str, Any], loop: asyncio.AbstractEventLoop) -> bool:
    """Run piped input as one module on `loop`; False (traceback on stderr) if it failed.

    The source goes into `linecache` so tracebacks quote the script's own lines, and frames of
    the shell and asyncio are cut from them: the user sees only where their script broke.
    """
    linecache.cache[SCRIPT_NAME] = (len(source), None, source.splitlines(keepends=True), SCRIPT_NAME)

    async def script() -> None:
        """Evaluated on the running loop, await or not, so `audit()` and the ORM find their loop."""
        result = eval(compiled, scope)  # a script with top-level await evaluates to a coroutine
        if inspect.iscoroutine(result):
            await result

    try:
        compiled = compile(source, SCRIPT_NAME, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        loop.run_until_complete(script())
    except SystemExit as exit_request:  # exit() in a script ends it; a non-zero status is a failure
        return exit_request.code in (None, 0)
    except BaseException as error:
        traceback.print_exception(type(error), error, script_frames(error.__traceback__), file=sys.stderr)
        return False
    return True


def script_frames(frames: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback from the script's first frame on (a SyntaxError has none: it keeps its own)."""
    current = frames
    while current is not None and current.tb_frame.f_code.co_filename != SCRIPT_NAME:
        current = current.tb_next
    return current


def has_ipython() -> bool:
    import importlib.util

    return importlib.util.find_spec("IPython") is not None
