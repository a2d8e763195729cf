"""`make:job Name`: write jobs/<name>.py with one `@job`, which the worker finds with no wiring."""

from __future__ import annotations

import argparse
import keyword
import re

from core.cli.errors import CommandError
from core.cli.naming import MAX_NAME_LENGTH, snake_case
from core.cli.scaffold import APPLICATION, relative, write_new


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="what it does, e.g. SendWelcome or send_welcome (→ jobs/send_welcome.py)")


def job_function(name: str) -> str:
    """SendWelcome, SendWelcomeJob and send_welcome all name the function send_welcome in jobs/send_welcome.py."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or len(name) > MAX_NAME_LENGTH:
        raise CommandError(f"{name!r} is not a valid job name: use an identifier of at most {MAX_NAME_LENGTH} "
                           "characters, such as 'SendWelcome' or 'prune_sessions'")
    function = snake_case(name)
    function = function.removesuffix("_job").rstrip("_") or function
    if keyword.iskeyword(function):
        raise CommandError(f"{name!r} is not a valid job name: {function!r} is a Python keyword")
    return function


def job_source(function: str) -> str:
    return f'''"""Job `{function}`: dispatch it with `await {function}.dispatch(...)` (see docs/jobs.md)."""

from __future__ import annotations

from core.jobs import job


@job(retries=3, backoff=2.0, timeout=60)
async def {function}() -> None:
    """Do the work after the response. Take JSON-safe arguments (ids, not model instances).

    A run may repeat after a worker crash: make its end idempotent (a unique key on the row it writes).
    """
'''


def run(args: argparse.Namespace) -> int:
    function = job_function(args.name)
    path = APPLICATION / "jobs" / f"{function}.py"
    write_new(path, job_source(function))
    print(f"Created {relative(path)} (job jobs.{function}.{function})")
    print(f"Next: give it arguments and a body, then `await {function}.dispatch(...)` from your code:")
    print(f"    from jobs.{function} import {function}")
    return 0
