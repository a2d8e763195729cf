"""The `nori.py` dispatcher: finds the command, parses its arguments, turns failures into one line.

Only this module and `catalog` load for `python3 nori.py`; argparse, asyncio, the command's
module and whatever heavy library it needs are imported when a command runs, which keeps the
help instant even on machines that compile every module from source at each start.
"""

from __future__ import annotations

import os
import sys

from core.cli.catalog import Command, all_commands

PROG = "python3 nori.py"
APPLICATION_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def print_help(commands: dict[str, Command]) -> None:
    """Commands grouped by the prefix before `:`, ungrouped ones first, one line each; then the aliases."""
    lines = [f"Usage: {PROG} <command> [options]   ({PROG} <command> --help for its options)", ""]
    groups: dict[str, list[Command]] = {}
    aliases: dict[str, list[str]] = {}
    for key, command in commands.items():
        if key != command.name:
            aliases.setdefault(command.name, []).append(key)
            continue
        group = command.name.split(":", 1)[0] if ":" in command.name else ""
        groups.setdefault(group, []).append(command)
    width = max(len(name) for name in commands) + 2
    for group in sorted(groups, key=lambda g: (g != "", g)):
        lines.append(f"{group}:" if group else "Available commands:")
        lines.extend(f"  {c.name:<{width}}{c.summary}" for c in sorted(groups[group], key=lambda c: c.name))
        lines.append("")
    if aliases:
        lines.append("Aliases (the Django and Laravel names run ours):")
        lines.extend(f"  {', '.join(names)} → {target}" for target, names in sorted(aliases.items()))
        lines.append("")
    lines.append("Add --verbose to any command to see the full traceback of a failure.")
    print("\n".join(lines))


def unknown_command(name: str, commands: dict[str, Command]) -> int:
    import difflib

    message = f"Unknown command {name!r}."
    close = difflib.get_close_matches(name, list(commands), n=1, cutoff=0.6)
    if close:  # a close alias suggests the command it stands for
        message += f" Did you mean {commands[close[0]].name!r}?"
    else:
        message += f" Run '{PROG}' to list the commands."
    print(message, file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "--verbose" in args
    if verbose:
        args.remove("--verbose")
    commands, warnings = all_commands(APPLICATION_DIR)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args or args[0] in ("help", "--help", "-h"):
        if len(args) > 1 and args[1] in commands:
            args = [args[1], "--help"]
        elif len(args) > 1:
            return unknown_command(args[1], commands)
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
    except SystemExit:
        raise
    except Exception as error:  # every failure becomes one line unless --verbose asks for more
        if verbose:
            raise
        print(f"{name}: {describe(error)}", file=sys.stderr)
        return exit_code(error)


def describe(error: BaseException) -> str:
    """One line for the user: their own mistakes verbatim, anything else with its type and a hint."""
    if is_user_error(error):
        return str(error)
    text = str(error).strip().splitlines()
    detail = text[0] if text else ""
    if not detail:
        return f"{type(error).__name__} (run with --verbose for the traceback)"
    return f"{type(error).__name__}: {detail} (run with --verbose for the traceback)"


# The errors whose message is meant for the user as it stands, by module and class name.
USER_ERRORS = (
    ("core.cli.errors", "CommandError"),
    ("core.conf", "SettingError"),
    ("core.database", "DatabaseUnreachable"),
    ("core.jobs.errors", "JobError"),
    ("core.migrations.errors", "MigrationError"),
)


def is_user_error(error: BaseException) -> bool:
    """Only modules already loaded are asked: one never imported cannot have raised, and importing
    it now (the jobs or mail package, say) would add its start-up to a failing command's."""
    for module_name, class_name in USER_ERRORS:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(error, getattr(module, class_name)):
            return True
    return False


def exit_code(error: BaseException) -> int:
    return int(getattr(error, "exit_code", 1) or 1)


def run_command(command: Command, argv: list[str]) -> int:
    """Import the command's module, parse its options, run it (awaiting it when it is async)."""
    import importlib
    import inspect

    from core.cli.errors import OneLineParser

    module = importlib.import_module(command.module)
    parser = OneLineParser(prog=f"{PROG} {command.name}", description=command.summary)
    configure = getattr(module, "configure", None)
    if configure is not None:
        configure(parser)
    options = parser.parse_args(argv)
    result = module.run(options)
    if inspect.iscoroutine(result):
        import asyncio

        result = asyncio.run(result)
    return int(result or 0)
