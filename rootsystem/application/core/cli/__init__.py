"""The `nori.py` dispatcher: finds the command, parses its arguments, turns failures into one line.

Only this module and `catalog` load for `python3 nori.py`; a command's module (and whatever
heavy library it needs) is imported when that command runs, which keeps the help instant.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import importlib
import inspect
import sys
from collections.abc import Sequence

from core.cli.catalog import Command, all_commands
from core.cli.errors import CommandError

PROG = "python3 nori.py"


def print_help(commands: dict[str, Command]) -> None:
    print(f"Usage: {PROG} <command> [options]   ({PROG} <command> --help for its options)\n")
    groups: dict[str, list[Command]] = {}
    for command in commands.values():
        group = command.name.split(":", 1)[0] if ":" in command.name else ""
        groups.setdefault(group, []).append(command)
    width = max(len(name) for name in commands) + 2
    for group in sorted(groups, key=lambda g: (g != "", g)):
        print(f"{group}:" if group else "Available commands:")
        for command in sorted(groups[group], key=lambda c: c.name):
            print(f"  {command.name:<{width}}{command.summary}")
        print()


def unknown_command(name: str, commands: dict[str, Command]) -> int:
    message = f"Unknown command {name!r}."
    close = difflib.get_close_matches(name, list(commands), n=1, cutoff=0.6)
    if close:
        message += f" Did you mean {close[0]!r}?"
    else:
        message += f" Run '{PROG}' to list the commands."
    print(message, file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "--verbose" in args
    if verbose:
        args.remove("--verbose")
    commands = all_commands()
    if not args or args[0] in ("help", "--help", "-h"):
        if len(args) > 1 and args[1] in commands:
            args = [args[1], "--help"]
        else:
            print_help(commands)
            return 0
    name, rest = args[0], args[1:]
    command = commands.get(name)
    if command is None:
        return unknown_command(name, commands)
    try:
        return run_command(command, rest)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # every failure becomes one line unless --verbose asks for more
        if verbose:
            raise
        print(f"{name}: {describe(error)}", file=sys.stderr)
        return 1


def describe(error: BaseException) -> str:
    if isinstance(error, CommandError):
        return str(error)
    text = str(error).strip().splitlines()
    detail = text[0] if text else ""
    if not detail:
        return type(error).__name__
    return f"{type(error).__name__}: {detail} (run with --verbose for the traceback)"


def run_command(command: Command, argv: list[str]) -> int:
    module = importlib.import_module(command.module)
    parser = argparse.ArgumentParser(prog=f"{PROG} {command.name}", description=command.summary)
    configure = getattr(module, "configure", None)
    if configure is not None:
        configure(parser)
    options = parser.parse_args(argv)
    result = module.run(options)
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    return int(result or 0)
